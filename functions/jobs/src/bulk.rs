//! Jobs that read in bulk (exports and snapshots): at most `LeaseKind::Bulk.slots()` of
//! one credential queued or running at a time, each job saved with its answer and its slot
//! in one write, then handed to the worker.

use pirros_shared::AppState;
use pirros_shared::api::V1Call;
use pirros_shared::error::ApiError;
use pirros_shared::idempotency::Draft;
use pirros_shared::jobs::JobRecord;
use pirros_shared::response::Reply;
use pirros_shared::store::{LeaseClaim, LeaseKind};
use pirros_shared::timestamp::Timestamp;
use serde::Serialize;

use crate::answer::save_new;

/// How long a bulk job holds its slot at most, had the worker never given it back: longer
/// than any queue wait and run (the worker's timeout is 5 minutes).
const BULK_LEASE_SECS: u64 = 3600;

/// What a refused request is told to wait: exports and snapshots take seconds to minutes.
const BULK_RETRY_AFTER_SECS: u64 = 30;

/// Saves the job with `started`, its 202 answer, holding one of the caller's bulk slots
/// claimed in the same write (every slot another job's: 429 `too_many_requests` with
/// `Retry-After`, and nothing written), and hands it to the worker. A replayed answer
/// claims nothing: it names a job handed over already.
pub async fn start<T: Serialize>(
    state: &AppState,
    call: &V1Call,
    draft: Option<&Draft>,
    job: &JobRecord,
    started: &T,
) -> Result<Reply, ApiError> {
    // The worker gives the slot back when the job ends; a slot it never gives back lapses
    // after `BULK_LEASE_SECS`.
    let lease = LeaseClaim {
        kind: LeaseKind::Bulk,
        client: &call.credential.client_id,
        until: Timestamp::now().plus_secs(BULK_LEASE_SECS),
    };
    let full = ApiError::TooManyRequests {
        retry_after: BULK_RETRY_AFTER_SECS,
    };
    let reply = save_new(state, call, draft, job, started, Some((lease, full))).await?;
    let fresh = !reply
        .headers
        .iter()
        .any(|(k, _)| k == pirros_shared::headers::IDEMPOTENT_REPLAYED);
    if fresh && let Err(e) = state.queue.enqueue(&job.job_ref()).await {
        // The job stays `queued`; reading it hands it over again (see `read`).
        tracing::warn!(job = %job.id, error = %e, "job not handed to the worker yet");
    }
    Ok(reply)
}
