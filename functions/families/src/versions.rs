//! `GET /v1/workspaces/{ws}/families/{id}/versions`: a family's history, newest first.

use pirros_shared::AppState;
use pirros_shared::ahead::Ahead;
use pirros_shared::ahead::reads::FamilyRead;
use pirros_shared::api::{Asking, V1Call};
use pirros_shared::error::ApiError;
use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::model::FamilyVersion;
use pirros_shared::openapi::ResourcePath;
use pirros_shared::pagination::Pager;
use pirros_shared::payload::{ListPage, NoExpansions};
use pirros_shared::query::PageQuery;
use pirros_shared::response::{Envelope, Reply};
use pirros_shared::store::{StoreResult, VersionPage};

/// The family and one page of its versions, read together ahead of the call.
pub struct VersionsRead {
    /// The page read: where it starts, and its size.
    at: (Option<u64>, usize),
    family: FamilyRead,
    page: StoreResult<VersionPage>,
}

/// The family and the page of versions the query and cursor ask for, read beside
/// authentication; nothing when either is wrong (the handler answers why).
pub(crate) async fn read_versions(
    state: &AppState,
    asking: Asking<'_>,
    ws: WorkspaceId,
    id: &ResourceId,
) -> Option<VersionsRead> {
    let PageQuery { limit, cursor } = asking.query()?;
    let pager = Pager::asked(&state.cursors, asking, &[]);
    let before = pager.start_at::<u64>(cursor.as_deref()).ok()?;
    let (family, page) = tokio::join!(
        state.store.get_family(ws, id),
        state
            .store
            .list_family_versions(ws, id, before, limit.get()),
    );
    Some(VersionsRead {
        at: (before, limit.get()),
        family,
        page,
    })
}

/// A family's versions
///
/// Every version of the family, newest first: its file (`null` when it had none), the
/// uploader's note, who uploaded it (`null` for an imported version) and when. Paged with
/// `limit` and `cursor`. Without a read grant on families in this workspace the answer is
/// 403 `insufficient_scope`; a family that doesn't exist, or that your grants don't cover,
/// is 404. Download a version's file with `GET .../families/{id}/rfa?version=N`.
#[utoipa::path(
    get,
    path = "/v1/workspaces/{ws}/families/{id}/versions",
    operation_id = "familyVersions",
    tag = "families",
    params(ResourcePath),
    responses(
        (status = 200, description = "One page of versions, newest first.",
            body = Envelope<ListPage<FamilyVersion, NoExpansions>>),
    )
)]
pub async fn versions(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
    (PageQuery { limit, cursor }, ahead): (PageQuery, Ahead<Option<VersionsRead>>),
) -> Result<Reply, ApiError> {
    let pager = Pager::new(&state.cursors, call, &[]);
    let before = pager.start_at::<u64>(cursor.as_deref())?;
    let limit = limit.get();
    let (family, page) = match ahead.into_read().flatten() {
        Some(r) if r.at == (before, limit) => (Some(r.family), Some(r.page)),
        _ => (None, None),
    };
    // The page is read beside the family's check, or both ahead of the call: one round
    // trip (dropped if the check fails).
    let family = async {
        match family {
            Some(read) => read,
            None => state.store.get_family(ws, id).await,
        }
    };
    let (_, page) = tokio::try_join!(crate::listable(state, call, ws, family), async {
        Ok(match page {
            Some(read) => read,
            None => {
                state
                    .store
                    .list_family_versions(ws, id, before, limit)
                    .await
            }
        }?)
    })?;
    let next = match page.versions.last() {
        Some(last) if page.more => Some(last.version.version.to_string()),
        _ => None,
    };
    let data: Vec<FamilyVersion> = page.versions.into_iter().map(|r| r.version).collect();
    call.reply(&pager.page(data, next.as_deref(), NoExpansions {}))
}
