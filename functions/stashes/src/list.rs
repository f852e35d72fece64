//! `GET /v1/workspaces/{ws}/stashes`: the stashes the caller may read, newest first, from
//! the stored lists (all, per project, per creator) that stash writes keep in order.

use pirros_shared::AppState;
use pirros_shared::api::V1Call;
use pirros_shared::error::ApiError;
use pirros_shared::grants::{Action, EntityType};
use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::model::Stash;
use pirros_shared::openapi::WorkspacePath;
use pirros_shared::pagination::Pager;
use pirros_shared::payload::{ListPage, NoExpansions};
use pirros_shared::query::Cursor;
use pirros_shared::query::{self, Limit};
use pirros_shared::response::{Envelope, Reply};
use pirros_shared::search::walk::walk_one;
use pirros_shared::store::StashIndex;
use serde::{Deserialize, Deserializer};

/// Most stored stashes one request examines: a page of a sparse match (a filter that
/// keeps few of the list's stashes) stops there and hands on a cursor. The walk is every
/// list page's (`search::walk`); stashes keep the larger budget they always had.
pub const READ_BUDGET: usize = 1000;

/// Longest `created_by` a filter takes.
const MAX_CREATOR: usize = 256;

/// The query of `list`: the filters and the page.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only stashes of this project.
    #[serde(default, deserialize_with = "project_id")]
    #[param(value_type = String, pattern = "^([A-Za-z0-9_:-][A-Za-z0-9._:-]{0,127}|\\.[A-Za-z0-9_:-][A-Za-z0-9._:-]{0,126}|\\.\\.[A-Za-z0-9._:-]{1,126})$", required = false)]
    pub project_id: Option<ResourceId>,
    /// Only stashes created by this client id or web-app user id (exactly).
    #[serde(default, deserialize_with = "created_by")]
    #[param(value_type = String, min_length = 1, max_length = 256, required = false)]
    pub created_by: Option<String>,
    /// Page size. Out of range is 400, never clamped.
    #[serde(default)]
    #[param(inline, required = false)]
    pub limit: Limit<25, 100>,
    /// `response.next_cursor` of the previous page, unchanged. A cursor is bound to the
    /// query it came from: with other filters or another workspace it is 400.
    #[param(inline, required = false)]
    pub cursor: Option<Cursor>,
}

impl pirros_shared::extract::QueryParams for ListQuery {}

fn project_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ResourceId>, D::Error> {
    query::value(d, |p| {
        ResourceId::parse(p)
            .map(Some)
            .ok_or_else(|| "project_id is not a valid id".into())
    })
}

fn created_by<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    query::value(d, |c| {
        if c.is_empty() || c.chars().count() > MAX_CREATOR {
            Err(format!("created_by must be 1 to {MAX_CREATOR} characters"))
        } else {
            Ok(Some(c.to_owned()))
        }
    })
}

impl ListQuery {
    fn matches(&self, s: &Stash) -> bool {
        self.project_id.as_ref().is_none_or(|p| *p == s.project_id)
            && self.created_by.as_ref().is_none_or(|c| *c == s.created_by)
    }

    /// The stored list that holds every match: a creator's list is usually the shorter.
    fn index(&self) -> StashIndex {
        match (&self.created_by, &self.project_id) {
            (Some(c), _) => StashIndex::Creator(c.clone()),
            (None, Some(p)) => StashIndex::Project(p.clone()),
            (None, None) => StashIndex::All,
        }
    }

    /// The query a cursor is bound to (`pagination`): the filters.
    fn bound(&self) -> [&str; 2] {
        [
            self.project_id.as_ref().map_or("", |p| p.as_str()),
            self.created_by.as_deref().unwrap_or(""),
        ]
    }
}

/// List stashes
///
/// The stashes of the workspace that you may read and that match the filters given,
/// newest `created_at` first (ties by id), paged with `limit` and `cursor`. A request
/// examines at most 1,000 stored stashes: when your filters or grants keep few of them, a
/// page may hold fewer than `limit` while `next_cursor` is not null; follow it until it is
/// null. Without a read grant on stashes in this workspace the answer is 403
/// `insufficient_scope`.
#[utoipa::path(
    get,
    path = crate::STASHES_PATH,
    operation_id = "listStashes",
    tag = "stashes",
    params(WorkspacePath),
    responses(
        (status = 200, description = "One page of stashes.",
            body = Envelope<ListPage<Stash, NoExpansions>>),
    )
)]
pub async fn list(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    q: ListQuery,
) -> Result<Reply, ApiError> {
    let limit = q.limit.get();
    let pager = Pager::new(&state.cursors, call, &q.bound());
    let after = pager.start(q.cursor.as_deref())?;
    let scope = call
        .require_scope(state, ws, EntityType::Stash, Action::Read, None)
        .await?;
    let index = q.index();
    let walked = walk_one(
        |after: Option<String>, max| {
            let index = &index;
            async move {
                state
                    .store
                    .query_stashes(ws, index, after.as_deref(), max)
                    .await
            }
        },
        after,
        limit,
        READ_BUDGET,
        |s: &Stash| q.matches(s) && scope.allows(s),
    )
    .await?;
    call.reply(&pager.page(walked.items, walked.next.as_deref(), NoExpansions {}))
}
