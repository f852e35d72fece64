//! How jobs are answered: the job as integrators see it (an export's zip URL signed on each
//! read), its revision as the `ETag`, and a new job saved together with the answer that an
//! `Idempotency-Key` will replay.

use http::StatusCode;
use pirros_shared::AppState;
use pirros_shared::api::V1Call;
use pirros_shared::error::ApiError;
use pirros_shared::etag::ETag;
use pirros_shared::headers;
use pirros_shared::idempotency::Draft;
use pirros_shared::jobs::{Job, JobRecord, JobSpec, StoredResult};
use pirros_shared::response::{Reply, envelope};
use pirros_shared::store::SaveOutcome;
use serde::Serialize;

/// The job as answered now.
pub async fn job_of(state: &AppState, record: &JobRecord) -> Result<Job, ApiError> {
    let url = match (&record.result, &record.spec) {
        (Some(StoredResult::Export(e)), JobSpec::Export(spec)) => Some(
            state
                .files
                .presign(
                    &e.key,
                    &format!("stash-{}.zip", spec.stash_id),
                    state.config.download_url_ttl_secs,
                )
                .await?,
        ),
        _ => None,
    };
    Ok(record.answer(url))
}

/// A job's answer carries its revision as the `ETag`.
pub fn tagged(reply: Reply, record: &JobRecord) -> Reply {
    reply.with_header(headers::ETAG, ETag(record.revision).header_value())
}

/// Saves a new job with the idempotency record of `payload`, its 202 answer: the answer,
/// or the remembered one if another request with the same key committed first.
pub async fn save_new<T: Serialize>(
    state: &AppState,
    call: &V1Call,
    draft: Option<&Draft>,
    record: &JobRecord,
    payload: &T,
) -> Result<Reply, ApiError> {
    let status = StatusCode::ACCEPTED;
    // Serialised once: the answer and the remembered body are the same bytes.
    let body = envelope(payload, &call.request_id)?;
    let idem = draft.map(|d| d.complete(status, &body, record.revision));
    match state.store.create_job(record, idem.as_ref()).await? {
        SaveOutcome::Saved => Ok(tagged(Reply::new(status, body), record)),
        SaveOutcome::IdempotencyTaken(rec) => match draft {
            Some(d) => d.replay_winner(&rec),
            None => Err(ApiError::internal("idempotency record taken without a key")),
        },
        SaveOutcome::VersionMismatch => Err(ApiError::internal("fresh job id collided")),
    }
}
