//! `GET /v1/workspaces/{ws}/details` (search) and `GET .../details/{id}`, and the flags of
//! a detail (`flags.rs`).

pub mod flag_body;
pub mod flags;

use lambda_http::{Body, Request, Response};
use pirros_shared::AppState;
use pirros_shared::api::{self, V1Call};
use pirros_shared::error::ApiError;
use pirros_shared::expand::{self, Expanded};
use pirros_shared::grants::{Action, EntityType};
use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::model::{Detail, Library};
use pirros_shared::openapi::{ResourcePath, WorkspacePath};
use pirros_shared::pagination::binding;
use pirros_shared::payload::{ListPage, Resource};
use pirros_shared::query::{self, Include, IncludeQuery, IncludeValue, Limit};
use pirros_shared::response::{Envelope, Reply};
use pirros_shared::routes::DetailsRoute;
use pirros_shared::store::DetailIndex;
use serde::{Deserialize, Deserializer};

pub async fn handle(state: &AppState, req: Request) -> Response<Body> {
    api::serve(state, req, async |route, call| match route {
        DetailsRoute::Search(ws) => search(state, call, ws).await,
        DetailsRoute::Get(ws, id) => get(state, call, ws, &id).await,
        DetailsRoute::CreateFlag(ws, id) => flags::create(state, call, ws, &id).await,
        DetailsRoute::ListFlags(ws, id) => flags::list(state, call, ws, &id).await,
        DetailsRoute::ResolveFlag(ws, id, flag) => {
            flags::resolve(state, call, ws, &id, &flag).await
        }
    })
    .await
}

pirros_shared::error_responses!(
    /// What getting a detail answers besides the detail.
    pub GetErrors = V1[InvalidIncludeParam]
);

/// Get a detail
///
/// One detail. A detail that doesn't exist, is in another workspace or firm, or that your
/// grants don't cover is 404 `not_found` alike.
#[utoipa::path(
    get,
    path = "/v1/workspaces/{ws}/details/{id}",
    operation_id = "getDetail",
    tag = "details",
    params(ResourcePath, IncludeQuery),
    security(("oauth2" = [])),
    responses(
        (status = 200, description = "The detail.", body = Envelope<Resource<Detail, Expanded>>),
        GetErrors,
    )
)]
pub async fn get(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
) -> Result<Reply, ApiError> {
    let IncludeQuery { include } = call.query()?;
    // The detail and its open-flag count in one round trip.
    let fetch = async {
        let (record, counts) = tokio::try_join!(
            state.store.get_detail(ws, id),
            state.store.open_flag_counts(ws, std::slice::from_ref(id)),
        )?;
        Ok(record.map(|mut r| {
            r.detail.open_flags = counts.get(id).copied().unwrap_or(0);
            r
        }))
    };
    let (record, _) = call.readable(state, ws, fetch, |r| &r.detail).await?;
    expand::reply(state, call, ws, include, &record.detail).await
}

/// The query of `search`: the filters, the page and what to expand.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Case-insensitive text to find in the name or the description (at most 200
    /// characters; surrounding blanks are ignored).
    #[serde(default, deserialize_with = "search_text")]
    #[param(value_type = String, max_length = 200, required = false)]
    pub q: Option<String>,
    /// Only details carrying this tag. Repeat it (`tag_id=a&tag_id=b`) to require several:
    /// a detail must carry every one.
    #[serde(default, deserialize_with = "tag_ids")]
    #[param(value_type = Vec<String>, style = Form, explode, required = false)]
    pub tag_id: Vec<ResourceId>,
    /// Only details of this project.
    #[serde(default, deserialize_with = "project_id")]
    #[param(value_type = String, pattern = "^[A-Za-z0-9._:-]{1,128}$", required = false)]
    pub project_id: Option<ResourceId>,
    /// Only details of this library.
    #[serde(default, deserialize_with = "library")]
    #[param(value_type = Library, inline, required = false)]
    pub library: Option<Library>,
    /// Related objects to return in `response.expanded`: `tags`, `project` (comma-separated).
    #[serde(default)]
    #[param(value_type = Vec<IncludeValue>, style = Form, explode = false, min_items = 1, required = false)]
    pub include: Include,
    /// Page size. Out of range is 400, never clamped.
    #[serde(default)]
    #[param(inline, required = false)]
    pub limit: Limit<25, 100>,
    /// `response.next_cursor` of the previous page, unchanged. A cursor is bound to the
    /// query it came from: with other filters or another workspace it is 400.
    #[param(
        required = false,
        max_length = 2048,
        pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$"
    )]
    pub cursor: Option<String>,
}

/// `q`, trimmed and lower-cased; blank is no filter.
fn search_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    query::value(d, |v| {
        let t = v.trim();
        if t.chars().count() > 200 {
            return Err("q is longer than 200 characters".into());
        }
        Ok((!t.is_empty()).then(|| t.to_lowercase()))
    })
}

/// Every `tag_id`, sorted, without duplicates.
fn tag_ids<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ResourceId>, D::Error> {
    let mut ids = query::values(d, |t| {
        ResourceId::parse(t).ok_or_else(|| format!("tag_id {t:?} is not a valid id"))
    })?;
    ids.sort();
    ids.dedup();
    Ok(ids)
}

fn project_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ResourceId>, D::Error> {
    query::value(d, |p| {
        ResourceId::parse(p)
            .map(Some)
            .ok_or_else(|| "project_id is not a valid id".into())
    })
}

fn library<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Library>, D::Error> {
    query::value(d, |l| {
        Library::parse(l)
            .map(Some)
            .ok_or_else(|| "library must be typical or project".into())
    })
}

impl SearchQuery {
    fn matches(&self, d: &Detail) -> bool {
        self.tag_id.iter().all(|t| d.tag_ids.contains(t))
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
        if let Some(t) = self.tag_id.first() {
            DetailIndex::Tag(t.clone())
        } else if let Some(p) = &self.project_id {
            DetailIndex::Project(p.clone())
        } else {
            DetailIndex::All
        }
    }

    /// What a cursor is bound to: the filters, not the page size or expansions.
    fn binding(&self, ws: WorkspaceId, call: &V1Call) -> String {
        let tags: Vec<&str> = self.tag_id.iter().map(|t| t.as_str()).collect();
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

pirros_shared::error_responses!(
    /// What a search answers besides the details.
    pub SearchErrors = V1[InvalidIncludeParam, InsufficientScope]
);

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
        (status = 200, description = "One page of details.", body = Envelope<ListPage<Detail, Expanded>>),
        SearchErrors,
    )
)]
pub async fn search(state: &AppState, call: &V1Call, ws: WorkspaceId) -> Result<Reply, ApiError> {
    let search: SearchQuery = call.query()?;
    let limit = search.limit.get();
    let bound = search.binding(ws, call);
    let mut after = match &search.cursor {
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
    let mut data: Vec<Detail> = found.into_iter().map(|(_, d)| d).collect();
    flags::count_open(state, ws, &mut data).await?;
    let expanded = expand::expanded(state, call, ws, search.include, &data).await?;
    call.reply(&ListPage {
        data,
        next_cursor,
        expanded,
    })
}
