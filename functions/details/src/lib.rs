//! `GET /v1/workspaces/{ws}/details` (search) and `GET .../details/{id}`, and the flags of
//! a detail (`flags.rs`).

pub mod flag_body;
pub mod flags;

use pirros_shared::AppState;
use pirros_shared::ahead::Ahead;
use pirros_shared::ahead::reads::{self, DetailRead};
use pirros_shared::api::{Asking, V1Call};
use pirros_shared::catalogue::ErrorKind;
use pirros_shared::error::ApiError;
use pirros_shared::expand::{self, Expanded};
use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::model::{Detail, Library};
use pirros_shared::openapi::{ResourcePath, WorkspacePath};
use pirros_shared::payload::{ListPage, Resource};
use pirros_shared::query::Cursor;
use pirros_shared::query::{self, Include, IncludeQuery, IncludeValue, Limit};
use pirros_shared::response::{Envelope, Reply};
use pirros_shared::search::run::SearchAhead;
use pirros_shared::search::run::SearchParams;
use pirros_shared::search::{Criteria, params, run};
use pirros_shared::store::{OpenFlagIndex, StoreResult};
use pirros_shared::timestamp::Timestamp;
use serde::{Deserialize, Deserializer};

pirros_shared::declare_routes! {
    v1 DetailsRoute for Details {
        Search(ws: WorkspaceId) => {search} needs read(Detail) ahead(read_search),
        Get(ws: WorkspaceId, id: ResourceId) => {get} ahead(reads::counted_detail),
        CreateFlag(ws: WorkspaceId, id: ResourceId) => flags::{create} needs write(Detail)
            ahead(reads::detail),
        ListFlags(ws: WorkspaceId, id: ResourceId) => flags::{list} needs read(Detail)
            ahead(flags::read_flags),
        /// The detail, then the flag.
        ResolveFlag(ws: WorkspaceId, id: ResourceId, flag: ResourceId) => flags::{resolve}
            needs write(Detail) ahead(flags::read_detail_of_flag),
    }
}

/// Get a detail
///
/// One detail. A detail that doesn't exist, is in another workspace or firm, or that your
/// grants don't cover is 404 `not_found` alike. The `ETag` is a digest of the answer
/// (`expanded` included, so each `include` has its own): send it in `If-None-Match` to be
/// told 304 with no body while nothing changed.
#[utoipa::path(
    get,
    path = "/v1/workspaces/{ws}/details/{id}",
    operation_id = "getDetail",
    tag = "details",
    params(ResourcePath),
    responses(
        (status = 200, description = "The detail.", body = Envelope<Resource<Detail, Expanded>>,
            headers(("ETag" = String, description = "A digest of this answer's `response`."))),
    )
)]
pub async fn get(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
    (IncludeQuery { include }, ahead): (IncludeQuery, Ahead<DetailRead>),
) -> Result<Reply, ApiError> {
    let fetch = ahead.or(reads::counted_detail(state, call.asking(), ws, id));
    let (record, _) = call.readable(state, ws, fetch, |r| &r.detail).await?;
    expand::reply(state, call, ws, include, &record.detail).await
}

/// A search page's first read and the workspace's open-flag counts, read beside
/// authentication.
pub struct SearchRead {
    first: SearchAhead<Detail>,
    open: StoreResult<OpenFlagIndex>,
}

/// The first read of the page the query and cursor ask for, with the open-flag counts,
/// when `run::plan_ahead` can plan it before the credential is read; else nothing.
pub(crate) async fn read_search(
    state: &AppState,
    asking: Asking<'_>,
    ws: WorkspaceId,
) -> Option<SearchRead> {
    let planned = run::plan_ahead::<Detail, SearchQuery>(state, asking, ws)?;
    let (first, open) = tokio::join!(
        planned.read(state, ws),
        state.store.open_flags_in(ws, flags::OPEN_COUNTS_BESIDE),
    );
    Some(SearchRead { first, open })
}

/// The query of `search`: the filters, the page and what to expand.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words to find (at most 8; at most 200 characters): a detail matches when each word
    /// starts a word of its name or description, case and accents ignored (`flash` finds
    /// "Parapet FLASHING detail", `façade` finds "FACADE"). Words are runs of letters and
    /// digits; blank is no filter.
    #[serde(default, deserialize_with = "params::q")]
    #[param(value_type = String, max_length = 200, required = false)]
    pub q: Vec<String>,
    /// Only details carrying this tag. Repeat it (`tag_id=a&tag_id=b`) to require several:
    /// a detail must carry every one.
    #[serde(default, deserialize_with = "params::tag_ids")]
    #[param(
        value_type = Vec<pirros_shared::openapi::QueryId>,
        inline,
        style = Form,
        explode,
        required = false
    )]
    pub tag_id: Vec<ResourceId>,
    /// Only details of this project.
    #[serde(default, deserialize_with = "params::project_id")]
    #[param(value_type = String, pattern = "^([A-Za-z0-9_:-][A-Za-z0-9._:-]{0,127}|\\.[A-Za-z0-9_:-][A-Za-z0-9._:-]{0,126}|\\.\\.[A-Za-z0-9._:-]{1,126})$", required = false)]
    pub project_id: Option<ResourceId>,
    /// Only details of this library.
    #[serde(default, deserialize_with = "library")]
    #[param(value_type = Library, inline, required = false)]
    pub library: Option<Library>,
    /// Only details updated at or after this time (RFC 3339), oldest `updated_at` first
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

fn library<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Library>, D::Error> {
    query::value(d, |l| {
        Library::parse(l)
            .map(Some)
            .ok_or_else(|| "library must be typical or project".into())
    })
}

impl SearchParams for SearchQuery {
    fn criteria(&self) -> Criteria {
        Criteria {
            words: self.q.clone(),
            tags: self.tag_id.clone(),
            project: self.project_id.clone(),
            library: self.library,
            category: None,
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

/// Search details
///
/// Details of the workspace that you may read and that match every filter given, newest
/// `created_at` first (ties by id), or with `updated_since` oldest `updated_at` first,
/// paged with `limit` and `cursor`. Each page does bounded work: it may hold fewer than
/// `limit` details (even none) while `next_cursor` is set; follow `next_cursor` until it is
/// `null`. A walk never returns a detail twice and never skips one (in `updated_since` order, one updated during the walk comes again, with its new content). Without a read grant on
/// details in this workspace the answer is 403 `insufficient_scope`; a workspace with
/// nothing you may see answers an empty `data`.
#[utoipa::path(
    get,
    path = "/v1/workspaces/{ws}/details",
    operation_id = "searchDetails",
    tag = "details",
    params(WorkspacePath),
    responses(
        (status = 200, description = "One page of details.", body = Envelope<ListPage<Detail, Expanded>>),
    )
)]
pub async fn search(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    (search, ahead): (SearchQuery, Ahead<Option<SearchRead>>),
) -> Result<Reply, ApiError> {
    let criteria = search.criteria();
    let (early, open) = match ahead.into_read().flatten() {
        Some(r) => (Some(r.first), Some(r.open)),
        None => (None, None),
    };
    // The workspace's open-flag counts are read beside the page, not after it: one round
    // trip, whatever the page holds (dropped when the page is refused).
    let (page, open) = tokio::join!(
        run::page::<Detail>(
            state,
            call,
            ws,
            &criteria,
            search.limit.get(),
            search.cursor.as_deref(),
            early,
        ),
        async {
            match open {
                Some(read) => read,
                None => {
                    state
                        .store
                        .open_flags_in(ws, flags::OPEN_COUNTS_BESIDE)
                        .await
                }
            }
        },
    );
    let mut page = page?;
    flags::count_open(state, ws, &open?, &mut page.items).await?;
    let expanded = expand::expanded(state, call, ws, search.include, &page.items).await?;
    call.reply(&ListPage {
        data: page.items,
        next_cursor: page.next_cursor,
        expanded,
    })
}
