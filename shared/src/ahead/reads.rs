//! The reads several routes make ahead (`ahead(reads::stash)` in their declaration), each
//! keyed by the route's path alone. A read a single route makes stays beside its handler.

use crate::AppState;
use crate::api::Asking;
use crate::ids::{ResourceId, WorkspaceId};
use crate::jobs::JobRecord;
use crate::model::{DetailRecord, FamilyRecord, StashRecord, Tag, Workspace};
use crate::store::StoreResult;

pub type DetailRead = StoreResult<Option<DetailRecord>>;
pub type FamilyRead = StoreResult<Option<FamilyRecord>>;
pub type StashRead = StoreResult<Option<StashRecord>>;
pub type TagsRead = StoreResult<Vec<Tag>>;
/// A record and its workspace (a download's switch; an export's link), in one call.
pub type WithWorkspace<R> = StoreResult<(Option<R>, Option<Workspace>)>;

/// The detail with its open-flag count, in one call (what a detail's answer shows).
pub async fn counted_detail(
    state: &AppState,
    _: Asking<'_>,
    ws: WorkspaceId,
    id: &ResourceId,
) -> DetailRead {
    state.store.get_detail_counted(ws, id).await
}

/// The detail (what a write on it checks first).
pub async fn detail(
    state: &AppState,
    _: Asking<'_>,
    ws: WorkspaceId,
    id: &ResourceId,
) -> DetailRead {
    state.store.get_detail(ws, id).await
}

pub async fn family(
    state: &AppState,
    _: Asking<'_>,
    ws: WorkspaceId,
    id: &ResourceId,
) -> FamilyRead {
    state.store.get_family(ws, id).await
}

pub async fn stash(state: &AppState, _: Asking<'_>, ws: WorkspaceId, id: &ResourceId) -> StashRead {
    state.store.get_stash(ws, id).await
}

pub async fn tags(state: &AppState, _: Asking<'_>, ws: WorkspaceId) -> TagsRead {
    state.store.list_tags(ws).await
}

pub async fn detail_with_workspace(
    state: &AppState,
    _: Asking<'_>,
    ws: WorkspaceId,
    id: &ResourceId,
) -> WithWorkspace<DetailRecord> {
    state.store.get_detail_with_workspace(ws, id).await
}

pub async fn family_with_workspace(
    state: &AppState,
    _: Asking<'_>,
    ws: WorkspaceId,
    id: &ResourceId,
) -> WithWorkspace<FamilyRecord> {
    state.store.get_family_with_workspace(ws, id).await
}

/// The job beside its workspace, both read strongly consistent.
pub async fn job_with_workspace(
    state: &AppState,
    _: Asking<'_>,
    ws: WorkspaceId,
    id: &ResourceId,
) -> WithWorkspace<JobRecord> {
    state.store.get_job_with_workspace(ws, id).await
}
