//! `GET /v1/workspaces/{ws}/families` (search), `GET .../families/{id}` and `.../similar`,
//! and where a family is used (`references.rs`) and its group (`group.rs`).

use pirros_shared::AppState;
use pirros_shared::ahead::Ahead;
use pirros_shared::ahead::reads::{self, FamilyRead};
use pirros_shared::api::{Asking, V1Call};
use pirros_shared::catalogue::ErrorKind;
use pirros_shared::error::ApiError;
use pirros_shared::expand::{self, Expanded};
use pirros_shared::grants::Scope;
use pirros_shared::grants::{Action, EntityType};
use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::model::Family;
use pirros_shared::model::References;
use pirros_shared::openapi::{ResourcePath, WorkspacePath};
use pirros_shared::payload::{ListPage, Resource};
use pirros_shared::query::Cursor;
use pirros_shared::query::{Include, IncludeQuery, IncludeValue, Limit};
use pirros_shared::response::{Envelope, Reply};
use pirros_shared::search::lists::Listed;
use pirros_shared::search::run::{SearchAhead, SearchParams};
use pirros_shared::search::{Criteria, params, run, similar as candidates};
use pirros_shared::store::StoreResult;
use pirros_shared::timestamp::Timestamp;
use serde::{Deserialize, Serialize};

pub mod group;
pub mod references;
pub mod similarity;
pub mod versions;

pirros_shared::declare_routes! {
    v1 FamiliesRoute for Families {
        Get(ws: WorkspaceId, id: ResourceId) => {get} ahead(reads::family),
        Similar(ws: WorkspaceId, id: ResourceId) => {similar} ahead(read_similar),
        Search(ws: WorkspaceId) => {search} needs read(Family) ahead(read_search),
        References(ws: WorkspaceId, id: ResourceId) => references::{references} needs read(Family)
            ahead(references::read_references),
        Group(ws: WorkspaceId, id: ResourceId) => group::{group},
        Versions(ws: WorkspaceId, id: ResourceId) => versions::{versions} needs read(Family)
            ahead(versions::read_versions),
    }
}
/// The first read of the page the query and cursor ask for, when `run::plan_ahead` can
/// plan it before the credential is read; else nothing.
async fn read_search(
    state: &AppState,
    asking: Asking<'_>,
    ws: WorkspaceId,
) -> Option<SearchAhead<Family>> {
    let planned = run::plan_ahead::<Family, SearchQuery>(state, asking, ws)?;
    Some(planned.read(state, ws).await)
}

/// The family, and the number of families in its workspace.
type SimilarRead = StoreResult<Option<(Family, u64)>>;

/// The family beside the number of families in the workspace, which says where the
/// candidates are read from (`candidates::WHOLE`): read beside authentication.
async fn read_similar(
    state: &AppState,
    _: Asking<'_>,
    ws: WorkspaceId,
    id: &ResourceId,
) -> SimilarRead {
    let everything = [candidates::everything()];
    let (record, sizes) = tokio::try_join!(
        state.store.get_family(ws, id),
        state.store.list_sizes(ws, Listed::Families, &everything),
    )?;
    Ok(record.map(|r| (r.family, sizes.first().copied().unwrap_or(0))))
}

/// The family a paged list about it (its versions) is of, and the caller's family read
/// scope: 404 for a family the grants don't cover, but 403 when they hold no read grant on
/// families at all, as from every list (checked only then: a read that succeeds pays for
/// nothing more).
pub(crate) async fn listable(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    fetch: impl Future<Output = FamilyRead>,
) -> Result<(Family, Scope), ApiError> {
    let readable = async {
        let (record, scope) = call.readable(state, ws, fetch, |r| &r.family).await?;
        Ok((record.family, scope))
    };
    match readable.await {
        Err(ApiError::NotFound) => {
            call.require_scope(state, ws, EntityType::Family, Action::Read, None)
                .await?;
            Err(ApiError::NotFound)
        }
        other => other,
    }
}

/// The family if the caller may read it, and the caller's family read scope.
pub(crate) async fn readable(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
) -> Result<(Family, Scope), ApiError> {
    let fetch = reads::family(state, call.asking(), ws, id);
    let (record, scope) = call.readable(state, ws, fetch, |r| &r.family).await?;
    Ok((record.family, scope))
}

/// Get a family
///
/// One family. A family that doesn't exist, is in another workspace or firm, or that your
/// grants don't cover is 404 `not_found` alike. The `ETag` is a digest of the answer
/// (`expanded` included, so each `include` has its own): send it in `If-None-Match` to be
/// told 304 with no body while nothing changed.
#[utoipa::path(
    get,
    path = "/v1/workspaces/{ws}/families/{id}",
    operation_id = "getFamily",
    tag = "families",
    params(ResourcePath),
    responses(
        (status = 200, description = "The family.", body = Envelope<Resource<Family, Expanded>>,
            headers(("ETag" = String, description = "A digest of this answer's `response`."))),
    )
)]
pub async fn get(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
    (IncludeQuery { include }, ahead): (IncludeQuery, Ahead<FamilyRead>),
) -> Result<Reply, ApiError> {
    let fetch = ahead.or(reads::family(state, call.asking(), ws, id));
    let (record, _) = call.readable(state, ws, fetch, |r| &r.family).await?;
    expand::reply(state, call, ws, include, &record.family).await
}

/// The query of `similar`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SimilarQuery {
    /// How many families. Out of range is 400, never clamped.
    #[serde(default)]
    #[param(inline, required = false)]
    pub limit: Limit<10, 50>,
    /// Related objects to return in `response.expanded`: `tags`, `project` (comma-separated).
    #[serde(default)]
    #[param(value_type = Vec<IncludeValue>, style = Form, explode = false, min_items = 1, required = false)]
    pub include: Include,
}

impl pirros_shared::extract::QueryParams for SimilarQuery {
    const RAISES: &'static [ErrorKind] = &[ErrorKind::InvalidIncludeParam];
}

/// A family with how alike it is to the one asked about.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ScoredFamily {
    #[serde(flatten)]
    pub family: Family,
    /// 0 (nothing in common) to 1, four decimals.
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub score: f64,
}

impl References for ScoredFamily {
    fn tag_ids(&self) -> &[ResourceId] {
        self.family.tag_ids()
    }
    fn project_id(&self) -> Option<&ResourceId> {
        self.family.project_id()
    }
}

/// Similar families
///
/// The families of the workspace you may read that are most like this one, by descending
/// `score` (0 to 1: shared tags, same category, shared name words); only those with a
/// score above 0. One page: `next_cursor` is always `null`. Like the family itself, a
/// family that doesn't exist or your grants don't cover is 404 `not_found`.
#[utoipa::path(
    get,
    path = "/v1/workspaces/{ws}/families/{id}/similar",
    operation_id = "similarFamilies",
    tag = "families",
    params(ResourcePath),
    responses(
        (status = 200, description = "The most similar families.",
            body = Envelope<ListPage<ScoredFamily, Expanded>>),
    )
)]
pub async fn similar(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
    (SimilarQuery { limit, include }, ahead): (SimilarQuery, Ahead<SimilarRead>),
) -> Result<Reply, ApiError> {
    let fetch = ahead.or(read_similar(state, call.asking(), ws, id));
    let ((family, families), scope) = call.readable(state, ws, fetch, |(f, _)| f).await?;
    let others: Vec<Family> = candidates::candidates(state.store.as_ref(), ws, &family, families)
        .await?
        .into_iter()
        .filter(|f| scope.allows(f))
        .collect();
    let data: Vec<ScoredFamily> = similarity::rank(&family, others, limit.get())
        .into_iter()
        .map(|(family, score)| ScoredFamily { family, score })
        .collect();
    let expanded = expand::expanded(state, call, ws, include, &data).await?;
    call.reply(&ListPage {
        data,
        next_cursor: None,
        expanded,
    })
}

/// The query of `search`: the filters, the page and what to expand.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words to find (at most 8; at most 200 characters): a family matches when each word
    /// starts a word of its name or description, case and accents ignored (`dou` finds
    /// "Door Double Flush"). Words are runs of letters and digits; blank is no filter.
    #[serde(default, deserialize_with = "params::q")]
    #[param(value_type = String, max_length = 200, required = false)]
    pub q: Vec<String>,
    /// Only families carrying this tag. Repeat it (`tag_id=a&tag_id=b`) to require
    /// several: a family must carry every one.
    #[serde(default, deserialize_with = "params::tag_ids")]
    #[param(
        value_type = Vec<pirros_shared::openapi::QueryId>,
        inline,
        style = Form,
        explode,
        required = false
    )]
    pub tag_id: Vec<ResourceId>,
    /// Only families of this project.
    #[serde(default, deserialize_with = "params::project_id")]
    #[param(value_type = String, pattern = "^([A-Za-z0-9_:-][A-Za-z0-9._:-]{0,127}|\\.[A-Za-z0-9_:-][A-Za-z0-9._:-]{0,126}|\\.\\.[A-Za-z0-9._:-]{1,126})$", required = false)]
    pub project_id: Option<ResourceId>,
    /// Only families of exactly this category (as the family's `category` spells it).
    #[serde(default, deserialize_with = "params::category")]
    #[param(value_type = String, min_length = 1, max_length = 200, required = false)]
    pub category: Option<String>,
    /// Only families updated at or after this time (RFC 3339), oldest `updated_at` first
    /// (ties by id): the order to sync in.
    #[serde(default, deserialize_with = "params::updated_since")]
    #[param(value_type = String, format = DateTime, required = false)]
    pub updated_since: Option<Timestamp>,
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
    #[param(inline, required = false)]
    pub cursor: Option<Cursor>,
}

impl pirros_shared::extract::QueryParams for SearchQuery {
    const RAISES: &'static [ErrorKind] = &[ErrorKind::InvalidIncludeParam];
}

impl SearchParams for SearchQuery {
    fn criteria(&self) -> Criteria {
        Criteria {
            words: self.q.clone(),
            tags: self.tag_id.clone(),
            project: self.project_id.clone(),
            library: None,
            category: self.category.clone(),
            updated_since: self.updated_since,
        }
    }

    fn limit(&self) -> usize {
        self.limit.get()
    }

    fn cursor(&self) -> Option<&str> {
        self.cursor.as_deref()
    }
}

/// Search families
///
/// Families of the workspace that you may read and that match every filter given, newest
/// `created_at` first (ties by id), or with `updated_since` oldest `updated_at` first,
/// paged with `limit` and `cursor`. Each page does bounded work: it may hold fewer than
/// `limit` families (even none) while `next_cursor` is set; follow `next_cursor` until it
/// is `null`. A walk never returns a family twice and never skips one (in `updated_since` order, one updated during the walk comes again, with its new content). Without a read
/// grant on families in this workspace the answer is 403 `insufficient_scope`.
#[utoipa::path(
    get,
    path = "/v1/workspaces/{ws}/families",
    operation_id = "searchFamilies",
    tag = "families",
    params(WorkspacePath),
    responses(
        (status = 200, description = "One page of families.", body = Envelope<ListPage<Family, Expanded>>),
    )
)]
pub async fn search(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    (search, ahead): (SearchQuery, Ahead<Option<SearchAhead<Family>>>),
) -> Result<Reply, ApiError> {
    let page = run::page::<Family>(
        state,
        call,
        ws,
        &search.criteria(),
        search.limit.get(),
        search.cursor.as_deref(),
        ahead.into_read().flatten(),
    )
    .await?;
    let expanded = expand::expanded(state, call, ws, search.include, &page.items).await?;
    call.reply(&ListPage {
        data: page.items,
        next_cursor: page.next_cursor,
        expanded,
    })
}
