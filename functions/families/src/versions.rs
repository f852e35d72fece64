//! `GET /v1/workspaces/{ws}/families/{id}/versions`: a family's history, newest first.

use pirros_shared::AppState;
use pirros_shared::api::V1Call;
use pirros_shared::error::ApiError;
use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::model::FamilyVersion;
use pirros_shared::openapi::ResourcePath;
use pirros_shared::pagination::Pager;
use pirros_shared::payload::{ListPage, NoExpansions};
use pirros_shared::query::PageQuery;
use pirros_shared::response::{Envelope, Reply};

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
    PageQuery { limit, cursor }: PageQuery,
) -> Result<Reply, ApiError> {
    let pager = Pager::new(&state.cursors, call, &[]);
    let before = pager.start_at::<u64>(cursor.as_deref())?;
    // The page is read beside the family's check: one round trip (dropped if it fails).
    let (_, page) = tokio::try_join!(crate::listable(state, call, ws, id), async {
        Ok(state
            .store
            .list_family_versions(ws, id, before, limit.get())
            .await?)
    })?;
    let next = match page.versions.last() {
        Some(last) if page.more => Some(last.version.version.to_string()),
        _ => None,
    };
    let data: Vec<FamilyVersion> = page.versions.into_iter().map(|r| r.version).collect();
    call.reply(&pager.page(data, next.as_deref(), NoExpansions {}))
}
