//! `POST /v1/workspaces/{ws}/snapshots`: a `queued` job the worker turns into one file of
//! everything the caller may read in the workspace, for a first copy, and the feed cursor
//! that keeps it in step.

use pirros_shared::AppState;
use pirros_shared::api::V1Call;
use pirros_shared::error::ApiError;
use pirros_shared::extract::Body;
use pirros_shared::idempotency::{self, Begun, IdempotencyKey};
use pirros_shared::ids::WorkspaceId;
use pirros_shared::jobs::{Job, JobRecord, JobSpec, JobStatus, SnapshotSpec};
use pirros_shared::openapi::WorkspacePath;
use pirros_shared::query::NoQuery;
use pirros_shared::response::{Envelope, Reply};
use serde::Serialize;
use utoipa::ToSchema;

pirros_shared::empty_body!(
    /// The body of a snapshot request: nothing, or an empty JSON object. Any field is a 400.
    CreateSnapshot
);

/// The answer to a snapshot request: its job.
#[derive(Serialize, ToSchema)]
pub struct SnapshotStarted {
    pub job: Job,
}

/// Snapshot a workspace
///
/// Starts a job (`type: "snapshot"`) that writes everything you may read in the workspace
/// into one gzip-compressed JSON-lines file: one `{"type", "object"}` line per tag,
/// project, detail, family and stash, each object as its GET answers it (without
/// `expanded`). When it succeeds its `result` holds a signed `download_url` (made afresh on
/// each read), `counts` per type, the file's `bytes`, and `events_cursor`: read the feed
/// (`GET .../events?after=`) from there and apply its events to the snapshot to keep the
/// copy exact. Needs a read grant of any kind in the workspace. `Idempotency-Key` replays
/// the first answer. One credential has at most 3 exports and snapshots queued or running;
/// a 4th is 429 `too_many_requests` with `Retry-After`.
#[utoipa::path(
    post,
    path = "/v1/workspaces/{ws}/snapshots",
    operation_id = "createSnapshot",
    tag = "jobs",
    params(WorkspacePath),
    responses(
        (status = 202, description = "The snapshot's job (or, replayed, the original answer).",
            body = Envelope<SnapshotStarted>,
            headers(
                ("ETag" = String, description = "The job's tag as `GET .../jobs/{id}` answers it: send it as `If-None-Match` there."),
            )),
    )
)]
pub async fn create(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    (NoQuery {}, Body(()), key): (NoQuery, Body<CreateSnapshot>, Option<IdempotencyKey>),
) -> Result<Reply, ApiError> {
    // Checked before a replay too: a credential that lost every read grant here is told
    // so, not the stored answer.
    call.require_any_read(state, ws, "snapshot").await?;
    let draft = match idempotency::lookup(state, call, key).await? {
        Begun::Replay(reply) => return Ok(reply),
        Begun::Fresh(draft) => draft,
    };
    let job = JobRecord::new(
        ws,
        call.credential.client_id.clone(),
        JobSpec::Snapshot(SnapshotSpec {}),
        JobStatus::Queued,
    );
    let started = SnapshotStarted {
        job: job.answer(None, None),
    };
    crate::bulk::start(state, call, draft.as_ref(), &job, &started).await
}
