//! What the discovery routes require of a caller: some read grant in the workspace.

use pirros_shared::AppState;
use pirros_shared::api::V1Call;
use pirros_shared::error::{ApiError, ScopeDetails};
use pirros_shared::grants::{self, Action, EntityType, Filter, Scope};
use pirros_shared::ids::WorkspaceId;

/// Whether some grant reads something of some type in `ws`.
fn reads_anything(call: &V1Call, ws: WorkspaceId, filters: &[Filter]) -> bool {
    EntityType::ALL
        .into_iter()
        .any(|e| !Scope::resolve(&call.credential, ws, e, Action::Read, filters).is_none())
}

/// 403 `insufficient_scope` (naming the filters held here, and `entity_type` as what was
/// asked for) unless a read grant of any resource type covers something in `ws`.
pub(crate) async fn require_any_read(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    entity_type: &'static str,
) -> Result<Vec<Filter>, ApiError> {
    // Read only when a grant names a custom filter (`granted_filters`); returned for the
    // caller's own scopes.
    let filters = call.granted_filters(state, ws).await?;
    if reads_anything(call, ws, &filters) {
        return Ok(filters);
    }
    let (granted_filter_ids, granted_filter_names) =
        grants::granted_filters(&call.credential, ws, &filters);
    Err(ApiError::InsufficientScope(Box::new(ScopeDetails {
        required_action: Action::Read.as_str(),
        entity_type,
        entity_id: None,
        granted_filter_ids,
        granted_filter_names,
    })))
}
