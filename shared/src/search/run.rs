//! A search page for a `/v1` call: the cursor, the caller's scope, the plan and the walk.

use super::{Criteria, Searchable, budget, plan, walk};
use crate::AppState;
use crate::api::V1Call;
use crate::error::ApiError;
use crate::grants::{Action, EntityType, Filterable};
use crate::ids::WorkspaceId;
use crate::pagination::binding;

pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// What a cursor is bound to: the resource, the workspace, the caller and its grants
/// there, and the criteria (not the page size or expansions).
fn bound<T: Searchable>(ws: WorkspaceId, call: &V1Call, criteria: &Criteria) -> String {
    let mut grants: Vec<String> = call
        .credential
        .grants
        .iter()
        .filter(|g| g.workspace_id == ws)
        .map(|g| format!("{}:{}", g.filter_id, g.action.as_str()))
        .collect();
    grants.sort();
    let mut parts = vec![
        <T as Filterable>::ENTITY.as_str().to_owned(),
        ws.to_string(),
        call.credential.client_id.as_str().to_owned(),
        grants.join(","),
    ];
    parts.extend(criteria.binding_parts());
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    binding(&parts)
}

/// One page of the resources of `ws` the caller may read that match `criteria`, after
/// `cursor`. Reads at most `budget(limit)` items besides the caller's custom filters; a
/// page may hold fewer than `limit` items while `next_cursor` is set.
pub async fn page<T: Searchable>(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    criteria: &Criteria,
    limit: usize,
    cursor: Option<&str>,
) -> Result<Page<T>, ApiError> {
    let bound = bound::<T>(ws, call, criteria);
    let after = match cursor {
        Some(c) => Some(state.cursors.decode(c, &bound)?),
        None => None,
    };
    let entity: EntityType = <T as Filterable>::ENTITY;
    let scope = call
        .require_scope(state, ws, entity, Action::Read, None)
        .await?;
    let store = state.store.as_ref();
    let budget = budget(limit);
    let plan = plan::plan(store, ws, T::LISTED, criteria, &scope, budget).await?;
    let walked = walk::walk::<T>(
        store,
        ws,
        &plan.lists,
        after.or_else(|| criteria.start()),
        limit,
        budget.saturating_sub(plan.read),
        |t| criteria.matches(t) && scope.allows(t),
    )
    .await?;
    Ok(Page {
        items: walked.items,
        next_cursor: walked.next.map(|k| state.cursors.encode(&k, &bound)),
    })
}
