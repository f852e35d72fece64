//! A search page for a `/v1` call: the cursor, the caller's scope, the plan and the walk.

use super::lists::SearchList;
use super::walk::{FirstRead, Start, first_read};
use super::{Criteria, Searchable, budget, plan, walk};
use crate::AppState;
use crate::api::{Asking, V1Call};
use crate::error::ApiError;
use crate::grants::{Action, EntityType, Filterable, Scope};
use crate::ids::WorkspaceId;
use crate::pagination::Pager;
use serde::de::DeserializeOwned;
use utoipa::IntoParams;

pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// A page's first read, made ahead of the call (`crate::ahead`): the one list it read.
pub struct SearchAhead<T> {
    list: SearchList,
    first: FirstRead<T>,
}

/// The page's cursor, bound to the criteria (not the page size or expansions).
fn binding(criteria: &Criteria) -> Vec<String> {
    criteria.binding_parts()
}

/// A page's first read, planned ahead of the call: which list, from where, how many.
pub struct PlannedAhead {
    list: SearchList,
    at: (Option<String>, usize),
}

/// A search operation's query: what its page is of, how long, and after which cursor.
pub trait SearchParams: DeserializeOwned + IntoParams {
    fn criteria(&self) -> Criteria;
    fn limit(&self) -> usize;
    fn cursor(&self) -> Option<&str>;
}

/// Plans the first read of the page the query (`Q`) and its cursor ask for, as the
/// caller's grants were when this container last saw its credential (`Asking::known`):
/// only when those grants let it read every resource of `T`'s type in `ws` and the plan
/// needs no list's size (one list). `None` otherwise, or when the query or cursor is not
/// one for this operation (the handler answers why).
pub fn plan_ahead<T: Searchable, Q: SearchParams>(
    state: &AppState,
    asking: Asking<'_>,
    ws: WorkspaceId,
) -> Option<PlannedAhead> {
    let scope = Scope::resolve(
        asking.known?,
        ws,
        <T as Filterable>::ENTITY,
        Action::Read,
        &[],
    );
    if !matches!(scope, Scope::All) {
        return None;
    }
    let q: Q = asking.query()?;
    let criteria = q.criteria();
    let query = binding(&criteria);
    let query: Vec<&str> = query.iter().map(String::as_str).collect();
    let after = Pager::asked(&state.cursors, asking, &query)
        .start(q.cursor())
        .ok()?
        .or_else(|| criteria.start());
    let budget = budget(q.limit());
    let plan = plan::plan_unread(T::LISTED, &criteria, &scope, budget)?;
    let [list] = <[SearchList; 1]>::try_from(plan.lists).ok()?;
    Some(PlannedAhead {
        list,
        at: (after, first_read(q.limit(), budget)),
    })
}

impl PlannedAhead {
    /// The read planned.
    pub async fn read<T: Searchable>(self, state: &AppState, ws: WorkspaceId) -> SearchAhead<T> {
        let (after, max) = &self.at;
        let read = T::query(state.store.as_ref(), ws, &self.list, after.as_deref(), *max).await;
        SearchAhead {
            list: self.list,
            first: FirstRead { at: self.at, read },
        }
    }
}

/// One page of the resources of `ws` the caller may read that match `criteria`, after
/// `cursor`. Reads at most `budget(limit)` items besides the caller's custom filters; a
/// page may hold fewer than `limit` items while `next_cursor` is set. `early` is its first
/// read made ahead of the call (`read_ahead`), taken only when it is the read it would make.
pub async fn page<T: Searchable>(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    criteria: &Criteria,
    limit: usize,
    cursor: Option<&str>,
    early: Option<SearchAhead<T>>,
) -> Result<Page<T>, ApiError> {
    let query = binding(criteria);
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
    let early = early
        .filter(|e| plan.lists == [e.list.clone()])
        .map(|e| e.first);
    let walked = walk::walk::<T>(
        store,
        ws,
        &plan.lists,
        Start {
            after: after.or_else(|| criteria.start()),
            early,
        },
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
