//! How jobs are answered: the job as integrators see it (an export's zip URL signed on each
//! read, and only while its creator may still download there), its revision as the `ETag`,
//! and a new job saved together with the answer that an `Idempotency-Key` will replay.

use http::StatusCode;
use pirros_shared::AppState;
use pirros_shared::api::V1Call;
use pirros_shared::conditional::EntityTag;
use pirros_shared::error::ApiError;
use pirros_shared::grants::{self, Action, FilterId};
use pirros_shared::idempotency::Draft;
use pirros_shared::jobs::{ExportOutcome, Job, JobRecord, JobSpec, JobStatus, StoredResult};
use pirros_shared::model::Workspace;
use pirros_shared::pagination::feed;
use pirros_shared::payload::{NoExpansions, Resource};
use pirros_shared::response::Reply;
use pirros_shared::store::LeaseClaim;
use pirros_shared::write::commit_new;
use serde::Serialize;

/// The job as answered now, to `call`, its creator; `workspace` as read with it.
pub async fn job_of(
    state: &AppState,
    call: &V1Call,
    record: &JobRecord,
    workspace: Option<&Workspace>,
) -> Result<Job, ApiError> {
    if let Some(StoredResult::Snapshot(s)) = &record.result
        && record.status == JobStatus::Succeeded
    {
        let ws = record.workspace_id;
        // Signed while its creator may still read something here (what it holds was
        // chosen by the creator's read grants when it ran).
        let reads = grants::grants_in(&call.credential, ws).any(|g| g.action == Action::Read);
        let url = match reads {
            true => Some(
                state
                    .files
                    .presign(
                        &s.key,
                        &format!("snapshot-{}.jsonl.gz", record.id),
                        state.config.download_url_ttl_secs,
                    )
                    .await?,
            ),
            false => None,
        };
        // Aged from when the job ended, not from each read: the same cursor (and `ETag`)
        // at every read, and 410 once the events after it may be gone.
        let cursor = feed::encode_at(&state.cursors, call, ws, s.sequence, record.updated_at);
        return Ok(record.answer(url, Some(cursor)));
    }
    let url = match (&record.result, &record.spec) {
        (Some(StoredResult::Export(e)), JobSpec::Export(spec))
            if record.status == JobStatus::Succeeded
                && may_fetch(state, call, record, e, workspace).await? =>
        {
            Some(
                state
                    .files
                    .presign(
                        &e.key,
                        &format!("stash-{}.zip", spec.stash_id),
                        state.config.download_url_ttl_secs,
                    )
                    .await?,
            )
        }
        _ => None,
    };
    Ok(record.answer(url, None))
}

/// Whether the job's creator (the caller: only the creator reads a job) may still fetch its
/// export's zip: the workspace's downloads are on, and the credential the request already
/// loaded still holds a download grant matching the zip (`ExportOutcome::fetchable_by`:
/// one on every type of item whose files it holds). At most two reads, side by side: the
/// workspace, and the custom filters its grants name (only when system filters alone do
/// not decide); none when no grant could.
async fn may_fetch(
    state: &AppState,
    call: &V1Call,
    record: &JobRecord,
    zip: &ExportOutcome,
    workspace: Option<&Workspace>,
) -> Result<bool, ApiError> {
    let ws = record.workspace_id;
    let credential = &call.credential;
    let decided = zip.fetchable_by(credential, ws, &[]);
    let custom_download = grants::grants_in(credential, ws)
        .any(|g| g.action == Action::Download && matches!(g.filter_id, FilterId::Custom(_)));
    if !decided && !custom_download {
        return Ok(false);
    }
    if !workspace.is_some_and(|w| w.downloads_enabled) {
        return Ok(false);
    }
    let filters = if decided {
        Vec::new()
    } else {
        call.granted_filters(state, ws).await?
    };
    Ok(decided || zip.fetchable_by(credential, ws, &filters))
}

/// Saves a new job with the idempotency record of `payload`, its 202 answer: the answer,
/// or the remembered one if another request with the same key committed first. With
/// `holding`, the job claims a slot of that lease in the same write, and every slot held
/// by another job is the error `holding` names.
pub async fn save_new<T: Serialize>(
    state: &AppState,
    call: &V1Call,
    draft: Option<&Draft>,
    record: &JobRecord,
    payload: &T,
    holding: Option<(LeaseClaim<'_>, ApiError)>,
) -> Result<Reply, ApiError> {
    let (lease, full) = holding.unzip();
    let status = StatusCode::ACCEPTED;
    // The tag a read of the new job answers (a digest of it, as `GET .../jobs/{id}`
    // makes), so `If-None-Match` with it is 304 until the job moves.
    let tag = EntityTag::of(&Resource {
        item: &record.answer(None, None),
        expanded: NoExpansions {},
    })?;
    commit_new(
        call,
        draft,
        status,
        payload,
        tag,
        || full.unwrap_or_else(|| ApiError::internal("a job without a lease has no limit")),
        |idem| async move {
            let idem = idem.as_ref();
            match &lease {
                Some(lease) => state.store.create_job_holding(record, idem, lease).await,
                None => state.store.create_job(record, idem).await,
            }
        },
    )
    .await
}
