//! Detail flags: `POST` and `GET .../details/{id}/flags`, `PATCH .../flags/{flag_id}`, and
//! the open-flag count every detail answer carries.
//!
//! Grants, as on stash writes: a write needs a write grant on details (else 403
//! `insufficient_scope`), a detail the caller can read (else 404, so a filter that hides a
//! detail hides its flags), and a write grant whose filter covers that detail (else 403
//! naming it). Reading flags needs a read grant on details (else 403, it is a list) and a
//! readable detail (else 404).

use crate::flag_body::{CreateFlag, ResolveFlag};
use http::StatusCode;
use pirros_shared::AppState;
use pirros_shared::ahead::Ahead;
use pirros_shared::ahead::reads::{self, DetailRead};
use pirros_shared::api::{Asking, V1Call};
use pirros_shared::conditional::EntityTag;
use pirros_shared::error::ApiError;
use pirros_shared::error_responses;
use pirros_shared::etag::IfMatch;
use pirros_shared::events::{Actor, Change, flag_event};
use pirros_shared::extract::Body;
use pirros_shared::flags::{
    Flag, FlagRecord, FlagStatus, MAX_OPEN_FLAGS, OpenFlagsChange, new_flag_id,
};
use pirros_shared::grants::{Action, EntityType};
use pirros_shared::idempotency::{self, Begun, IdempotencyKey, Needs};
use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::model::Detail;
use pirros_shared::openapi::ResourcePath;
use pirros_shared::pagination::Pager;
use pirros_shared::payload::{ListPage, NoExpansions, Resource};
use pirros_shared::query::Cursor;
use pirros_shared::query::{self, Limit, NoQuery};
use pirros_shared::response::{Envelope, Reply};
use pirros_shared::search::budget;
use pirros_shared::search::walk::{FirstRead, first_read, walk_one_beside};
use pirros_shared::store::{FlagWrite, OpenFlagIndex};
use pirros_shared::timestamp::Timestamp;
use pirros_shared::write::{Committed, commit, commit_new, versioned_update};
use serde::{Deserialize, Deserializer};
use std::collections::HashMap;
use utoipa::IntoParams;

/// How many of a workspace's open-flag counts a search page reads beside its list query:
/// about one read unit's worth. A workspace with more details flagged at once has the
/// page's other counts read after the list (one batch read).
pub const OPEN_COUNTS_BESIDE: usize = 100;

/// Sets each detail's `open_flags` from the workspace's counts read beside the page;
/// those past what was read come from one batch read.
pub async fn count_open(
    state: &AppState,
    ws: WorkspaceId,
    index: &OpenFlagIndex,
    details: &mut [Detail],
) -> Result<(), ApiError> {
    let past: Vec<ResourceId> = details
        .iter()
        .filter(|d| index.count(&d.id).is_none())
        .map(|d| d.id.clone())
        .collect();
    let counts = if past.is_empty() {
        HashMap::new()
    } else {
        state.store.open_flag_counts(ws, &past).await?
    };
    for d in details {
        d.open_flags = index
            .count(&d.id)
            .or_else(|| counts.get(&d.id).copied())
            .unwrap_or(0);
    }
    Ok(())
}

/// A flag as it is answered: its fields, and nothing to expand.
fn payload(flag: &Flag) -> Resource<&Flag, NoExpansions> {
    Resource {
        item: flag,
        expanded: NoExpansions {},
    }
}

/// `{ws}`, `{id}` (the detail) and `{flag_id}`.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct FlagPath {
    /// A workspace UUID (hyphenated) your credentials were granted. Anything else is 400
    /// `invalid_request`.
    #[param(format = Uuid, example = "3f0c2a9e-7b1d-4c55-9e2a-5d6f1b2c3a40")]
    pub ws: String,
    /// The detail id: 1 to 128 characters of `A-Z a-z 0-9 . _ : -`, not `.` or `..`. Any other value cannot
    /// exist and is 404 `not_found`.
    #[param(
        pattern = "^([A-Za-z0-9_:-][A-Za-z0-9._:-]{0,127}|\\.[A-Za-z0-9_:-][A-Za-z0-9._:-]{0,126}|\\.\\.[A-Za-z0-9._:-]{1,126})$"
    )]
    pub id: String,
    /// The flag id, as the flag's `id`. Any other value is 404 `not_found`.
    #[param(
        pattern = "^([A-Za-z0-9_:-][A-Za-z0-9._:-]{0,127}|\\.[A-Za-z0-9_:-][A-Za-z0-9._:-]{0,126}|\\.\\.[A-Za-z0-9._:-]{1,126})$"
    )]
    pub flag_id: String,
}

/// `reads::detail`, for a route that names the flag too.
pub(crate) async fn read_detail_of_flag(
    state: &AppState,
    asking: Asking<'_>,
    ws: WorkspaceId,
    id: &ResourceId,
    _flag: &ResourceId,
) -> DetailRead {
    reads::detail(state, asking, ws, id).await
}

/// The detail for a flag write: a write grant on details, a detail the caller can read,
/// and a write grant covering it (see the module's comment).
async fn writable_detail(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
    ahead: Ahead<DetailRead>,
) -> Result<Detail, ApiError> {
    let write = call
        .require_scope(
            state,
            ws,
            EntityType::Detail,
            Action::Write,
            Some(id.as_str()),
        )
        .await?;
    let fetch = ahead.or(reads::detail(state, call.asking(), ws, id));
    let (record, _) = call.readable(state, ws, fetch, |r| &r.detail).await?;
    if !write.allows(&record.detail) {
        // Names the detail and the caller's filters.
        call.require_scope_over(state, ws, Action::Write, &record.detail)
            .await?;
    }
    Ok(record.detail)
}

error_responses!(
    /// What flagging a detail answers besides the flag.
    pub CreateErrors = V1[LimitExceeded]
);

/// Flag a detail
///
/// Reports a problem with a detail: outdated, incorrect, a duplicate, in need of review,
/// or something else (then `note` says what). The flag starts `open`, and the detail's
/// `open_flags` counts it. A detail holds at most 100 open flags: flagging it again is 409
/// `limit_exceeded` until one is resolved. Needs a write grant on details covering the detail; a detail
/// you cannot read is 404. Send an `Idempotency-Key`: a retry with the same key and body
/// answers the original response (with `Idempotent-Replayed: true`) instead of flagging
/// twice.
#[utoipa::path(
    post,
    path = "/v1/workspaces/{ws}/details/{id}/flags",
    operation_id = "createDetailFlag",
    tag = "details",
    params(ResourcePath),
    responses(
        (status = 201, description = "The new flag (or, replayed, the original answer).",
            body = Envelope<Resource<Flag, NoExpansions>>,
            headers(
                ("ETag" = String, description = "The flag's version, like `\"v1\"`."),
            )),
        CreateErrors,
    )
)]
pub async fn create(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
    (NoQuery {}, Body(input), key, ahead): (
        NoQuery,
        Body<CreateFlag>,
        Option<IdempotencyKey>,
        Ahead<DetailRead>,
    ),
) -> Result<Reply, ApiError> {
    let needs = Needs {
        ws,
        entity: EntityType::Detail,
        action: Action::Write,
        entity_id: Some(id.as_str()),
    };
    let now = || async { Ok(state.store.get_detail(ws, id).await?.map(|r| r.detail)) };
    let draft = match idempotency::begin_over(state, call, needs, key, now).await? {
        Begun::Replay(reply) => return Ok(reply),
        Begun::Fresh(draft) => draft,
    };
    let detail = writable_detail(state, call, ws, id, ahead).await?;
    let (flag_id, now) = new_flag_id();
    let record = FlagRecord {
        flag: Flag {
            id: flag_id,
            detail_id: detail.id.clone(),
            reason: input.reason,
            note: input.note,
            status: FlagStatus::Open,
            resolution_note: None,
            created_by: call.credential.client_id.to_string(),
            created_at: now,
            resolved_at: None,
            updated_at: now,
        },
        version: 1,
    };
    let flag = record.flag.clone();
    let actor = Actor::client(call.credential.client_id.as_str());
    let event = flag_event(ws, &flag, Change::Created, &detail, actor);
    let full = pirros_shared::error::too_many_open_flags;
    let status = StatusCode::CREATED;
    commit_new(
        call,
        draft.as_ref(),
        status,
        &payload(&flag),
        EntityTag::version(1),
        full,
        |idem| async move {
            let write = FlagWrite {
                workspace_id: ws,
                idempotency: idem,
                record,
                expected_version: None,
                open_flags: OpenFlagsChange::Opened,
                open_limit: Some(MAX_OPEN_FLAGS),
                events: vec![event],
            };
            state.store.save_flag(&write).await
        },
    )
    .await
}

/// What a cursor of the flags list is bound to besides the list: the status asked for.
fn status_part(status: Option<FlagStatus>) -> &'static str {
    match status {
        None => "",
        Some(FlagStatus::Open) => "open",
        Some(FlagStatus::Resolved) => "resolved",
    }
}

/// The detail and the first read of its flags' page, made together ahead of the call.
pub struct FlagsRead {
    detail: DetailRead,
    first: FirstRead<FlagRecord>,
}

/// The detail and the first read of the page the query and cursor ask for, beside
/// authentication; nothing when either is wrong (the handler answers why).
pub(crate) async fn read_flags(
    state: &AppState,
    asking: Asking<'_>,
    ws: WorkspaceId,
    id: &ResourceId,
) -> Option<FlagsRead> {
    let q: FlagsQuery = asking.query()?;
    let pager = Pager::asked(&state.cursors, asking, &[status_part(q.status)]);
    let after = pager.start(q.cursor.as_deref()).ok()?;
    let limit = q.limit.get();
    let max = first_read(limit, budget(limit));
    let (detail, read) = tokio::join!(
        state.store.get_detail(ws, id),
        state.store.query_flags(ws, id, after.as_deref(), max),
    );
    Some(FlagsRead {
        detail,
        first: FirstRead {
            at: (after, max),
            read,
        },
    })
}

/// The query of `list`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FlagsQuery {
    /// Only flags with this status.
    #[serde(default, deserialize_with = "status")]
    #[param(value_type = FlagStatus, inline, required = false)]
    pub status: Option<FlagStatus>,
    /// Page size. Out of range is 400, never clamped.
    #[serde(default)]
    #[param(inline, required = false)]
    pub limit: Limit<25, 100>,
    /// `response.next_cursor` of the previous page, unchanged. A cursor is bound to the
    /// detail and the `status` it came from: with others it is 400.
    #[param(inline, required = false)]
    pub cursor: Option<Cursor>,
}

impl pirros_shared::extract::QueryParams for FlagsQuery {}

fn status<'de, D: Deserializer<'de>>(d: D) -> Result<Option<FlagStatus>, D::Error> {
    query::value(d, |v| {
        FlagStatus::parse(v)
            .map(Some)
            .ok_or_else(|| "status must be open or resolved".into())
    })
}

/// A detail's flags
///
/// The flags of a detail you may read, newest first, paged with `limit` and `cursor`;
/// `status` keeps the `open` or the `resolved` ones. A page reads at most 4 × `limit` + 10
/// flags: when few of them have the `status` asked for, it may hold fewer than `limit`
/// (even none) while `next_cursor` is set; follow it until it is `null`. Without a read
/// grant on details in this workspace the answer is 403 `insufficient_scope`; a detail you
/// cannot read is 404.
#[utoipa::path(
    get,
    path = "/v1/workspaces/{ws}/details/{id}/flags",
    operation_id = "listDetailFlags",
    tag = "details",
    params(ResourcePath),
    responses(
        (status = 200, description = "One page of flags.",
            body = Envelope<ListPage<Flag, NoExpansions>>),
    )
)]
pub async fn list(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
    (q, ahead): (FlagsQuery, Ahead<Option<FlagsRead>>),
) -> Result<Reply, ApiError> {
    let limit = q.limit.get();
    let pager = Pager::new(&state.cursors, call, &[status_part(q.status)]);
    let after = pager.start(q.cursor.as_deref())?;
    let (detail, early) = match ahead.into_read().flatten() {
        Some(r) => (Some(r.detail), Some(r.first)),
        None => (None, None),
    };
    let readable = async {
        let (scope, record) = tokio::try_join!(
            call.require_scope(state, ws, EntityType::Detail, Action::Read, None),
            async {
                Ok(match detail {
                    Some(read) => read,
                    None => state.store.get_detail(ws, id).await,
                }?)
            },
        )?;
        if !record.is_some_and(|r| scope.allows(&r.detail)) {
            return Err(ApiError::NotFound);
        }
        Ok(())
    };
    // Within the read budget of every list page: a detail whose newest flags are mostly of
    // the other status answers a short page and a cursor rather than reading them all. The
    // first page is read beside the detail (both ahead of the call when they could be):
    // one round trip.
    let ((), walked) = walk_one_beside(
        readable,
        |after: Option<String>, max| async move {
            state.store.query_flags(ws, id, after.as_deref(), max).await
        },
        early,
        after,
        limit,
        budget(limit),
        |(), f: &FlagRecord| q.status.is_none_or(|s| s == f.flag.status),
    )
    .await?;
    let data: Vec<Flag> = walked.items.into_iter().map(|f| f.flag).collect();
    call.reply(&pager.page(data, walked.next.as_deref(), NoExpansions {}))
}

/// Resolve a flag
///
/// Marks a flag `resolved` (with an optional `resolution_note`); the detail's
/// `open_flags` counts it no more. Resolving a resolved flag changes nothing, unless a
/// different `resolution_note` is sent, which replaces the note (and is a `flag.resolved`
/// event again). With `If-Match` the
/// update applies only if the flag is still at that version (else 409
/// `stale_precondition`). Needs a write grant on details covering the detail.
#[utoipa::path(
    patch,
    path = "/v1/workspaces/{ws}/details/{id}/flags/{flag_id}",
    operation_id = "resolveDetailFlag",
    tag = "details",
    params(FlagPath),
    responses(
        (status = 200, description = "The flag as it now stands.",
            body = Envelope<Resource<Flag, NoExpansions>>,
            headers(("ETag" = String, description = "The flag's version, like `\"v2\"`."))),
    )
)]
pub async fn resolve(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
    flag_id: &ResourceId,
    (NoQuery {}, Body(resolution_note), expected, ahead): (
        NoQuery,
        Body<ResolveFlag>,
        Option<IfMatch>,
        Ahead<DetailRead>,
    ),
) -> Result<Reply, ApiError> {
    let detail = &writable_detail(state, call, ws, id, ahead).await?;
    // Without If-Match a concurrent writer only makes us re-read: the flag is resolved
    // once, and its detail's count goes down once.
    let resolution_note = &resolution_note;
    let read = || async move {
        let flag = state.store.get_flag(ws, id, flag_id).await?;
        flag.ok_or(ApiError::NotFound)
    };
    let write = |current: FlagRecord| async move {
        let now = Timestamp::now().max(current.flag.updated_at);
        let mut next = current.clone();
        let change = match current.flag.status {
            FlagStatus::Open => {
                next.flag.status = FlagStatus::Resolved;
                next.flag.resolved_at = Some(now);
                next.flag.resolution_note = resolution_note.clone();
                OpenFlagsChange::Closed
            }
            FlagStatus::Resolved
                if resolution_note.is_some()
                    && *resolution_note != current.flag.resolution_note =>
            {
                next.flag.resolution_note = resolution_note.clone();
                OpenFlagsChange::Unchanged
            }
            FlagStatus::Resolved => {
                let reply = call.reply(&payload(&current.flag))?;
                return Ok(Some(reply.tagged(current.version)));
            }
        };
        next.flag.updated_at = now;
        next.version = current.version + 1;
        let (flag, version) = (next.flag.clone(), next.version);
        let actor = Actor::client(call.credential.client_id.as_str());
        // A new note on a resolved flag is a resolution too: a copy kept from the feed
        // reads the flag again and finds the note.
        let events = vec![flag_event(ws, &flag, Change::Resolved, detail, actor)];
        let save = |_| async move {
            let write = FlagWrite {
                workspace_id: ws,
                record: next,
                expected_version: Some(current.version),
                open_flags: change,
                open_limit: None,
                idempotency: None,
                events,
            };
            state.store.save_flag(&write).await
        };
        let tag = EntityTag::version(version);
        match commit(call, None, StatusCode::OK, &payload(&flag), tag, save).await? {
            Committed::Answer(reply) => Ok(Some(reply)),
            Committed::Moved | Committed::Full => Ok(None),
        }
    };
    let busy = "The flag is being updated concurrently; retry";
    versioned_update(expected.as_ref(), busy, read, write).await
}
