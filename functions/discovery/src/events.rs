//! `GET /v1/workspaces/{ws}/events`: the workspace's change events in sequence order, each
//! as the caller's grants show it (itself, a removal for `access`, or nothing).
//!
//! The cursor holds the last sequence the caller was shown a page up to, and when it was
//! handed out. Sequences are assigned in the transaction of each change (see the stores),
//! so a page never passes an event that commits later: nothing is missed, nothing repeats.
//! It is bound to the workspace and the credential, not to `types`, so that a caller may
//! change its selection mid-walk, and the same cursor serves snapshots and replays.

use pirros_shared::AppState;
use pirros_shared::ahead::Ahead;
use pirros_shared::api::{Asking, V1Call};
use pirros_shared::error::ApiError;
use pirros_shared::events::{Event, EventRecord, GrantReader, RETENTION_DAYS, TypeSelection};
use pirros_shared::ids::WorkspaceId;
use pirros_shared::openapi::WorkspacePath;
use pirros_shared::pagination::feed;
use pirros_shared::payload::NoExpansions;
use pirros_shared::query::Cursor;
use pirros_shared::query::Limit;
use pirros_shared::response::{Envelope, Reply};
use pirros_shared::store::StoreResult;
use pirros_shared::timestamp::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The query of the feed.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// `response.next_cursor` of an earlier page (or a snapshot's `events_cursor`),
    /// unchanged: the page starts after it. Absent: the oldest event kept. A cursor is
    /// bound to the workspace and the credential it came from: with another it is 400;
    /// one whose next events are no longer kept (30 days) is 410 `cursor_expired`.
    #[param(inline, required = false)]
    pub after: Option<Cursor>,
    /// Comma-separated event types (`stash.updated`) and type patterns (`detail.*`): only
    /// those. Absent: every type.
    #[param(value_type = pirros_shared::events::TypeList, inline, required = false)]
    pub types: Option<String>,
    /// Most events in the page. Out of range is 400, never clamped.
    #[serde(default)]
    #[param(inline, required = false)]
    pub limit: Limit<25, 100>,
}

impl pirros_shared::extract::QueryParams for EventsQuery {}

/// A page of the feed read ahead of the call: where it starts, how many it asked for, and
/// what it got.
pub struct EventsRead {
    at: (u64, usize),
    read: StoreResult<Vec<EventRecord>>,
}

/// The page the query and cursor ask for, read beside authentication; nothing when either
/// is wrong (the handler answers why, and whether the cursor has expired).
pub(crate) async fn read_events(
    state: &AppState,
    asking: Asking<'_>,
    ws: WorkspaceId,
) -> Option<EventsRead> {
    let q: EventsQuery = asking.query()?;
    let after = match q.after.as_deref() {
        Some(c) => {
            feed::decode_asked(&state.cursors, asking, ws, c)
                .ok()?
                .sequence
        }
        None => 0,
    };
    let max = q.limit.get() + 1;
    Some(EventsRead {
        at: (after, max),
        read: state.store.query_events(ws, after, max).await,
    })
}

/// A page of the feed.
#[derive(Serialize, ToSchema)]
pub struct EventPage {
    pub data: Vec<Event>,
    /// Where the next request resumes, also when `data` is empty: never null. Pass it
    /// back as `after`.
    pub next_cursor: String,
    /// Whether more events exist now after `next_cursor`.
    pub has_more: bool,
    pub expanded: NoExpansions,
}

pirros_shared::error_responses!(
    /// What reading the feed answers besides the events.
    pub ListErrors = V1[CursorExpired]
);

/// List events
///
/// What changed in the workspace, oldest first: every event you may see exactly once, in
/// `sequence` order, also while others write. Each event is shown as your grants see the
/// resource before and after the change: an update that takes a resource out of your view
/// is shown as `<type>.removed` with `reason: "access"`; one that brings it in, as the
/// update it is. Job events are shown to the job's creator, `access.changed` to the
/// credential whose grants changed (rebuild your copy then). Follow `next_cursor` (never
/// null) as `after`; when `data` is empty, wait and ask again with it. Events are kept 30
/// days: an older cursor is 410 `cursor_expired`. Needs a read grant of any kind in the
/// workspace.
#[utoipa::path(
    get,
    path = "/v1/workspaces/{ws}/events",
    operation_id = "listEvents",
    tag = "discovery",
    params(WorkspacePath),
    responses(
        (status = 200, description = "One page of events.", body = Envelope<EventPage>),
        ListErrors,
    )
)]
pub async fn list(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    (q, ahead): (EventsQuery, Ahead<Option<EventsRead>>),
) -> Result<Reply, ApiError> {
    let limit = q.limit.get();
    let types = match &q.types {
        None => TypeSelection::default(),
        Some(list) => TypeSelection::parse(list.split(',')).map_err(|bad| {
            ApiError::invalid_field("types", format!("unknown event type {bad:?} in types"))
        })?,
    };
    let start = q
        .after
        .as_deref()
        .map(|c| feed::decode(&state.cursors, call, ws, c))
        .transpose()?;
    let filters = call.require_any_read(state, ws, "event").await?;
    let now = Timestamp::now().millis();
    let after = match &start {
        Some(p) if now - p.issued.millis() > RETENTION_DAYS * 86_400_000 => {
            return Err(ApiError::CursorExpired);
        }
        Some(p) => p.sequence,
        None => 0,
    };
    let mut read: Vec<EventRecord> = match ahead.into_read().flatten() {
        Some(r) if r.at == (after, limit + 1) => r.read?,
        _ => state.store.query_events(ws, after, limit + 1).await?,
    };
    // Sequences have no gaps: a first event past the next one means the events between
    // were dropped when their 30 days ran out.
    if start.is_some() && read.first().is_some_and(|e| e.event.sequence > after + 1) {
        return Err(ApiError::CursorExpired);
    }
    let has_more = read.len() > limit;
    read.truncate(limit);
    let last = read.last().map_or(after, |e| e.event.sequence);
    let grants = GrantReader::new(&call.credential, ws, &filters);
    let data: Vec<Event> = read
        .iter()
        .filter_map(|e| e.seen_by(&grants))
        .filter(|e| types.selects(e.kind))
        .collect();
    call.reply(&EventPage {
        data,
        next_cursor: feed::encode(&state.cursors, call, ws, last),
        has_more,
        expanded: NoExpansions {},
    })
}
