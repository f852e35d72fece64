//! A search page for a `/v1` call: the cursor, the caller's scope, the plan and the walk.

use super::{Criteria, Searchable, budget, plan, walk};
use crate::AppState;
use crate::api::V1Call;
use crate::error::ApiError;
use crate::grants::{Action, EntityType, Filterable};
use crate::ids::WorkspaceId;
use crate::pagination::Pager;

pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
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
    // The cursor is bound to the criteria (not the page size or expansions).
    let query = criteria.binding_parts();
    let query: Vec<&str> = query.iter().map(String::as_str).collect();
    let pager = Pager::new(&state.cursors, call, &query);
    let after = pager.start(cursor)?;
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
        next_cursor: pager.next(walked.next.as_deref()),
    })
}
