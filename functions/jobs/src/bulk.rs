//! Jobs that read in bulk (exports and snapshots): at most `LeaseKind::Bulk.slots()` of
//! one credential queued or running at a time, the job saved with its answer, then handed
//! to the worker.

use pirros_shared::AppState;
use pirros_shared::api::V1Call;
use pirros_shared::error::ApiError;
use pirros_shared::idempotency::Draft;
use pirros_shared::ids::ClientId;
use pirros_shared::jobs::JobRecord;
use pirros_shared::response::Reply;
use pirros_shared::store::{LeaseKind, LeaseSlot};
use pirros_shared::timestamp::Timestamp;
use serde::Serialize;

use crate::answer::save_new;

/// How long a bulk job holds its slot at most, had the worker never given it back: longer
/// than any queue wait and run (the worker's timeout is 5 minutes).
const BULK_LEASE_SECS: u64 = 3600;

/// What a refused request is told to wait: exports and snapshots take seconds to minutes.
const BULK_RETRY_AFTER_SECS: u64 = 30;

/// Takes one of the caller's bulk slots for `job` beside `check` (what the request must
/// pass: reading what the job reads; a failed check gives the slot back and is the
/// answer), else 429 `too_many_requests` with `Retry-After`; saves the job with `started`,
/// its 202 answer, and hands it to the worker. A replayed answer gives the slot back: it
/// names a job handed over already.
pub async fn start<T: Serialize>(
    state: &AppState,
    call: &V1Call,
    draft: Option<&Draft>,
    job: &JobRecord,
    started: &T,
    check: impl Future<Output = Result<(), ApiError>>,
) -> Result<Reply, ApiError> {
    // The worker gives the slot back when the job ends; a slot it never gives back lapses
    // after `BULK_LEASE_SECS`.
    let client = &call.credential.client_id;
    let until = Timestamp::now().plus_secs(BULK_LEASE_SECS);
    let (checked, taken) = tokio::join!(
        check,
        state
            .store
            .take_lease(LeaseKind::Bulk, client, job.id.as_str(), until)
    );
    if let Err(refused) = checked {
        if let Ok(Some(slot)) = taken {
            give_back(state, client, job, slot).await;
        }
        return Err(refused);
    }
    let Some(slot) = taken? else {
        return Err(ApiError::TooManyRequests {
            retry_after: BULK_RETRY_AFTER_SECS,
        });
    };
    let saved = save_new(state, call, draft, job, started).await;
    let fresh = saved.as_ref().is_ok_and(|reply| {
        reply.status == http::StatusCode::ACCEPTED
            && !reply
                .headers
                .iter()
                .any(|(k, _)| k == pirros_shared::headers::IDEMPOTENT_REPLAYED)
    });
    if !fresh {
        give_back(state, client, job, slot).await;
    }
    let reply = saved?;
    if fresh && let Err(e) = state.queue.enqueue(&job.job_ref()).await {
        // The job stays `queued`; reading it hands it over again (see `read`).
        tracing::warn!(job = %job.id, error = %e, "job not handed to the worker yet");
    }
    Ok(reply)
}

/// Gives an unused slot back; one that can't be lapses by itself.
async fn give_back(state: &AppState, client: &ClientId, job: &JobRecord, slot: LeaseSlot) {
    if let Err(e) = state
        .store
        .drop_lease(LeaseKind::Bulk, client, job.id.as_str(), Some(slot))
        .await
    {
        tracing::warn!(job = %job.id, error = %e, "unused bulk slot lapses by itself");
    }
}
