//! `GET /v1/workspaces/{ws}/details` (search) and `GET .../details/{id}`.

use lambda_http::{Body, Request, Response};
use pirros_shared::AppState;
use pirros_shared::api::V1Call;
use pirros_shared::error::ApiError;
use pirros_shared::expand::expanded;
use pirros_shared::grants::{Action, EntityType};
use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::model::{Detail, Library};
use pirros_shared::openapi::*;
use pirros_shared::pagination::binding;
use pirros_shared::query::Query;
use pirros_shared::response::{Reply, resource_payload};
use pirros_shared::routes::Route;
use pirros_shared::store::DetailIndex;
use serde_json::json;

pub async fn handle(state: &AppState, req: Request) -> Response<Body> {
    let call = match V1Call::begin(state, req).await {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    let outcome = match call.route.clone() {
        Route::SearchDetails(ws) => search(state, &call, ws).await,
        Route::GetDetail(ws, id) => get(state, &call, ws, &id).await,
        _ => Err(ApiError::NotFound),
    };
    call.finish(outcome)
}

/// The query parameters `get` accepts.
pub const GET_QUERY: &[&str] = &["include"];

/// The query of `get`, as documented.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GetQuery {
    /// Related objects to return in `response.expanded`: `tags`, `project` (comma-separated).
    #[param(style = Form, explode = false, min_items = 1, required = false)]
    pub include: Vec<IncludeValue>,
}

/// Get a detail
///
/// One detail. A detail that doesn't exist, is in another workspace or firm, or that your
/// grants don't cover is 404 `not_found` alike.
#[utoipa::path(
    get,
    path = "/v1/workspaces/{ws}/details/{id}",
    operation_id = "getDetail",
    tag = "details",
    params(ResourcePath, GetQuery),
    security(("oauth2" = [])),
    responses(
        (status = 200, description = "The detail.", body = DetailEnvelope),
        (status = 400, response = BadRequestInclude),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 405, response = MethodNotAllowed),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
pub async fn get(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
) -> Result<Reply, ApiError> {
    let q = Query::parse(call.raw_query(), GET_QUERY)?;
    let include = q.include()?;
    let (scope, record) = tokio::try_join!(
        call.scope(state, ws, EntityType::Detail, Action::Read),
        async { Ok(state.store.get_detail(ws, id).await?) },
    )?;
    // Missing, elsewhere, or not covered by a grant: all the same 404.
    let detail = match record {
        Some(r) if scope.allows(&r.detail) => r.detail,
        _ => return Err(ApiError::NotFound),
    };
    let exp = expanded(
        state,
        call,
        ws,
        include,
        detail.tag_ids.clone(),
        detail.project_id.clone(),
    )
    .await?;
    Ok(Reply::ok(resource_payload(&detail, exp)))
}

/// What a search asks for, parsed.
struct Search {
    q: Option<String>,
    tag_ids: Vec<ResourceId>,
    project_id: Option<ResourceId>,
    library: Option<Library>,
}

impl Search {
    fn parse(q: &Query) -> Result<Self, ApiError> {
        let text = q.one("q")?.map(str::trim).filter(|s| !s.is_empty());
        if text.is_some_and(|t| t.chars().count() > 200) {
            return Err(ApiError::invalid_field(
                "q",
                "q is longer than 200 characters",
            ));
        }
        let mut tag_ids = Vec::new();
        for t in q.all("tag_id") {
            tag_ids.push(ResourceId::parse(t).ok_or_else(|| {
                ApiError::invalid_field("tag_id", format!("tag_id {t:?} is not a valid id"))
            })?);
        }
        tag_ids.sort();
        tag_ids.dedup();
        let project_id = q
            .one("project_id")?
            .map(|p| {
                ResourceId::parse(p).ok_or_else(|| {
                    ApiError::invalid_field("project_id", "project_id is not a valid id")
                })
            })
            .transpose()?;
        let library = q
            .one("library")?
            .map(|l| {
                Library::parse(l).ok_or_else(|| {
                    ApiError::invalid_field("library", "library must be typical or project")
                })
            })
            .transpose()?;
        Ok(Self {
            q: text.map(str::to_lowercase),
            tag_ids,
            project_id,
            library,
        })
    }

    fn matches(&self, d: &Detail) -> bool {
        self.tag_ids.iter().all(|t| d.tag_ids.contains(t))
            && self
                .project_id
                .as_ref()
                .is_none_or(|p| d.project_id.as_ref() == Some(p))
            && self.library.is_none_or(|l| l == d.library)
            && self.q.as_ref().is_none_or(|q| {
                d.name.to_lowercase().contains(q) || d.description.to_lowercase().contains(q)
            })
    }

    /// The narrowest stored list that holds every match.
    fn index(&self) -> DetailIndex {
        if let Some(t) = self.tag_ids.first() {
            DetailIndex::Tag(t.clone())
        } else if let Some(p) = &self.project_id {
            DetailIndex::Project(p.clone())
        } else {
            DetailIndex::All
        }
    }

    /// What a cursor is bound to: the filters, not the page size or expansions.
    fn binding(&self, ws: WorkspaceId, call: &V1Call) -> String {
        let tags: Vec<&str> = self.tag_ids.iter().map(|t| t.as_str()).collect();
        let mut grants: Vec<String> = call
            .credential
            .grants
            .iter()
            .filter(|g| g.workspace_id == ws)
            .map(|g| format!("{}:{}", g.filter_id, g.action.as_str()))
            .collect();
        grants.sort();
        binding(&[
            "details",
            &ws.to_string(),
            call.credential.client_id.as_str(),
            &grants.join(","),
            self.q.as_deref().unwrap_or(""),
            &tags.join(","),
            self.project_id.as_ref().map_or("", |p| p.as_str()),
            self.library.map_or("", |l| match l {
                Library::Typical => "typical",
                Library::Project => "project",
            }),
        ])
    }
}

/// The query parameters `search` accepts.
pub const SEARCH_QUERY: &[&str] = &[
    "q",
    "tag_id",
    "project_id",
    "library",
    "include",
    "limit",
    "cursor",
];

/// The query of `search`, as documented.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Case-insensitive text to find in the name or the description (at most 200
    /// characters; surrounding blanks are ignored).
    #[param(max_length = 200, required = false)]
    pub q: String,
    /// Only details carrying this tag. Repeat it (`tag_id=a&tag_id=b`) to require several:
    /// a detail must carry every one.
    #[param(style = Form, explode, required = false)]
    pub tag_id: Vec<String>,
    /// Only details of this project.
    #[param(pattern = "^[A-Za-z0-9._:-]{1,128}$", required = false)]
    pub project_id: String,
    /// Only details of this library.
    #[param(inline, required = false)]
    pub library: Library,
    /// Related objects to return in `response.expanded`: `tags`, `project` (comma-separated).
    #[param(style = Form, explode = false, min_items = 1, required = false)]
    pub include: Vec<IncludeValue>,
    /// Page size, 1 to 100 (default 25). Out of range is 400, never clamped.
    #[param(minimum = 1, maximum = 100, default = 25, required = false)]
    pub limit: u32,
    /// `response.next_cursor` of the previous page, unchanged. A cursor is bound to the
    /// query it came from: with other filters or another workspace it is 400.
    #[param(
        required = false,
        max_length = 2048,
        pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$"
    )]
    pub cursor: String,
}

/// Search details
///
/// Details of the workspace that you may read and that match every filter given, newest
/// `created_at` first (ties by id), paged with `limit` and `cursor`. Without a read grant on
/// details in this workspace the answer is 403 `insufficient_scope`; a workspace with
/// nothing you may see answers an empty `data`.
#[utoipa::path(
    get,
    path = "/v1/workspaces/{ws}/details",
    operation_id = "searchDetails",
    tag = "details",
    params(WorkspacePath, SearchQuery),
    security(("oauth2" = [])),
    responses(
        (status = 200, description = "One page of details.", body = DetailListEnvelope),
        (status = 400, response = BadRequestInclude),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 405, response = MethodNotAllowed),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
pub async fn search(state: &AppState, call: &V1Call, ws: WorkspaceId) -> Result<Reply, ApiError> {
    let q = Query::parse(call.raw_query(), SEARCH_QUERY)?;
    let limit = q.limit(25, 100)?;
    let include = q.include()?;
    let search = Search::parse(&q)?;
    let bound = search.binding(ws, call);
    let mut after = match q.one("cursor")? {
        Some(c) => Some(state.cursors.decode(c, &bound)?),
        None => None,
    };
    let scope = call
        .require_scope(state, ws, EntityType::Detail, Action::Read, None)
        .await?;
    let index = search.index();
    // One item past the page tells whether another page exists.
    let want = limit + 1;
    let mut found: Vec<(String, Detail)> = Vec::with_capacity(want);
    let mut batch = want;
    loop {
        let page = state
            .store
            .query_details(ws, &index, after.as_deref(), batch)
            .await?;
        for (key, d) in page.items {
            if found.len() < want && search.matches(&d) && scope.allows(&d) {
                found.push((key, d));
            }
        }
        match page.last_key {
            Some(k) if found.len() < want => {
                after = Some(k);
                // Sparse matches: read further ahead per round trip.
                batch = (batch * 2).min(1000);
            }
            _ => break,
        }
    }
    let next_cursor = if found.len() > limit {
        found.truncate(limit);
        found.last().map(|(k, _)| state.cursors.encode(k, &bound))
    } else {
        None
    };
    let data: Vec<Detail> = found.into_iter().map(|(_, d)| d).collect();
    let exp = expanded(
        state,
        call,
        ws,
        include,
        data.iter().flat_map(|d| d.tag_ids.iter().cloned()),
        data.iter().filter_map(|d| d.project_id.clone()),
    )
    .await?;
    Ok(Reply::ok(json!({
        "data": data,
        "next_cursor": next_cursor,
        "expanded": exp,
    })))
}
