//! `GET /v1/workspaces/{ws}/jobs/{id}`: the job, for the credential that created it only.
//! Reading also moves it along where nobody else would: an uploaded file the bucket's
//! event did not announce (lost, or no events at all, as locally) is handed to the worker,
//! an upload whose file never came expires, and an export whose message was lost is
//! handed over again. `wait_for_completion=true` polls with growing pauses, holding no
//! storage connection in between, until the job ends or `JOB_WAIT_SECS` (20) pass; a
//! credential holds at most two such waits at once.

use std::time::{Duration, Instant};

use pirros_shared::AppState;
use pirros_shared::ahead::Ahead;
use pirros_shared::ahead::reads::{self, WithWorkspace};
use pirros_shared::api::V1Call;
use pirros_shared::conditional::EntityTag;
use pirros_shared::error::ApiError;
use pirros_shared::ids::{ClientId, ResourceId, WorkspaceId};
use pirros_shared::jobs::{Job, JobRecord, JobStatus, upload_key};
use pirros_shared::openapi::ResourcePath;
use pirros_shared::payload::{NoExpansions, Resource};
use pirros_shared::query;
use pirros_shared::response::{Envelope, Reply};
use pirros_shared::store::{LeaseKind, LeaseSlot, SharedStore};
use pirros_shared::timestamp::Timestamp;
use serde::{Deserialize, Deserializer};

use crate::answer::job_of;

/// A `queued` job untouched this long is handed to the worker again (its message may be
/// lost); the worker makes a second delivery harmless.
const REQUEUE_AFTER_MS: i64 = 60_000;

/// The query of `get`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct JobQuery {
    /// `true`: hold the request until the job ends or 20 seconds pass, then answer the job
    /// as it stands. Default `false`.
    #[serde(default, deserialize_with = "flag")]
    #[param(value_type = bool, required = false)]
    pub wait_for_completion: bool,
}

impl pirros_shared::extract::QueryParams for JobQuery {}

fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    query::value(d, |v| match v {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err("wait_for_completion must be true or false".into()),
    })
}
/// Get a job
///
/// A family upload's or a stash export's job: `status` is `awaiting_upload`, `queued`,
/// `processing`, `succeeded`, `failed` or `expired`; `result` is set once it succeeded,
/// `error` (`{code, message}`) once it failed. A succeeded export's `result.download_url`
/// is signed afresh on each read, and only while you may still download there (the
/// workspace's downloads on, a download grant on each type of item the zip holds);
/// otherwise it and `result.expires_at` are `null`. Only the credential that created the
/// job sees it: any other, and a job that doesn't exist or is older than 7 days, is 404. With
/// `wait_for_completion=true` the answer comes when the job ends, or after 20 seconds with
/// the job as it stands; at most 2 requests of one credential wait at a time, and a further
/// one answers at once.
#[utoipa::path(
    get,
    path = "/v1/workspaces/{ws}/jobs/{id}",
    operation_id = "getJob",
    tag = "jobs",
    params(ResourcePath),
    responses(
        (status = 200, description = "The job.",
            body = Envelope<Resource<Job, NoExpansions>>,
            headers(("ETag" = String, description = "A digest of this answer's `response`."))),
    )
)]
pub async fn get(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
    (
        JobQuery {
            wait_for_completion,
        },
        ahead,
    ): (JobQuery, Ahead<WithWorkspace<JobRecord>>),
) -> Result<Reply, ApiError> {
    let (job, workspace) = match ahead
        .or(reads::job_with_workspace(state, call.asking(), ws, id))
        .await?
    {
        (Some(j), workspace) if j.client_id == call.credential.client_id => (j, workspace),
        _ => return Err(ApiError::NotFound),
    };
    // A credential waits in at most `LeaseKind::Waits.slots()` requests at once, so one
    // cannot hold the function's reserved concurrency: a further one answers at once.
    let lease = if wait_for_completion && !job.status.is_terminal() {
        WaitLease::take(state, call).await?
    } else {
        None
    };
    let wait = match lease {
        Some(_) => Duration::from_secs(state.config.job_wait_secs),
        None => Duration::ZERO,
    };
    let waited = wait_for(state, call, ws, id, job, Instant::now() + wait).await;
    if let Some(lease) = lease {
        lease.give_back().await;
    }
    let job = waited?;
    // After a wait the switch is read again: it may have moved meanwhile.
    let workspace = match wait.is_zero() {
        true => workspace,
        false => state.store.get_workspace(ws).await?,
    };
    let answered = job_of(state, call, &job, workspace.as_ref()).await?;
    // A digest of the answer, not the job's revision: an export's link is signed afresh
    // on each read, and the tag must change with it.
    let payload = Resource {
        item: &answered,
        expanded: NoExpansions {},
    };
    call.reply_tagged(&payload, EntityTag::of(&payload)?)
}

/// One of the caller's wait slots, held until `until` at most. Given back when the wait
/// ends, and also when the request is dropped before (its client went away: `pirros-local`
/// then drops the handler mid-wait), so a closed connection does not hold the slot until
/// it lapses.
struct WaitLease {
    store: SharedStore,
    client: ClientId,
    holder: String,
    at: LeaseSlot,
    given_back: bool,
}

impl WaitLease {
    async fn take(state: &AppState, call: &V1Call) -> Result<Option<WaitLease>, ApiError> {
        let holder = ResourceId::new_uuid().to_string();
        // The wait, and a margin for the reads around it.
        let until = Timestamp::now().plus_secs(state.config.job_wait_secs + 10);
        let client = call.credential.client_id.clone();
        let taken = state
            .store
            .take_lease(LeaseKind::Waits, &client, &holder, until)
            .await?;
        Ok(taken.map(|at| WaitLease {
            store: state.store.clone(),
            client,
            holder,
            at,
            given_back: false,
        }))
    }

    /// Best effort: a slot not given back lapses by itself.
    async fn give_back(mut self) {
        self.given_back = true;
        drop_slot(&self.store, &self.client, &self.holder, self.at).await;
    }
}

impl Drop for WaitLease {
    fn drop(&mut self) {
        if self.given_back {
            return;
        }
        let (store, client, holder, at) = (
            self.store.clone(),
            self.client.clone(),
            std::mem::take(&mut self.holder),
            self.at,
        );
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move { drop_slot(&store, &client, &holder, at).await });
        }
    }
}

async fn drop_slot(store: &SharedStore, client: &ClientId, holder: &str, at: LeaseSlot) {
    if let Err(e) = store
        .drop_lease(LeaseKind::Waits, client, holder, Some(at))
        .await
    {
        tracing::warn!(error = %e, "wait slot not given back; it lapses by itself");
    }
}

/// Moves `job` along and re-reads it, with growing pauses, until it ends or `deadline`.
async fn wait_for(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
    mut job: JobRecord,
    deadline: Instant,
) -> Result<JobRecord, ApiError> {
    for round in 0u32.. {
        job = move_along(state, job).await?;
        let now = Instant::now();
        if job.status.is_terminal() || now >= deadline {
            break;
        }
        // 100 ms, doubling to a second: quick jobs answer fast, slow ones cost a read a
        // second.
        let pause = Duration::from_millis(100 << round.min(3)).min(Duration::from_secs(1));
        tokio::time::sleep(pause.min(deadline - now)).await;
        job = own(state, call, ws, id).await?;
    }
    Ok(job)
}

/// The job, if it is the caller's.
async fn own(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
) -> Result<JobRecord, ApiError> {
    match state.store.get_job(ws, id).await? {
        Some(j) if j.client_id == call.credential.client_id => Ok(j),
        _ => Err(ApiError::NotFound),
    }
}

/// The job after what a read does for it (see the module's note).
async fn move_along(state: &AppState, job: JobRecord) -> Result<JobRecord, ApiError> {
    let now = Timestamp::now();
    let next = match job.status {
        JobStatus::AwaitingUpload => {
            let arrived = state
                .objects
                .head(&upload_key(job.workspace_id, &job.id))
                .await?
                .is_some();
            if arrived {
                if let Err(e) = state.queue.enqueue(&job.job_ref()).await {
                    tracing::warn!(job = %job.id, error = %e, "upload not handed to the worker yet");
                    return Ok(job);
                }
                job.advanced(JobStatus::Queued)
            } else if job.upload_deadline().is_some_and(|d| now >= d) {
                job.advanced(JobStatus::Expired)
            } else {
                return Ok(job);
            }
        }
        JobStatus::Queued if now.millis() - job.updated_at.millis() >= REQUEUE_AFTER_MS => {
            if let Err(e) = state.queue.enqueue(&job.job_ref()).await {
                tracing::warn!(job = %job.id, error = %e, "job not handed to the worker again");
                return Ok(job);
            }
            job.advanced(JobStatus::Queued)
        }
        _ => return Ok(job),
    };
    // Queued or expired: neither is an end the feed reports.
    if state.store.update_job(&next, job.revision, &[]).await? {
        return Ok(next);
    }
    // Someone else moved it first (the worker, most likely): answer what they wrote.
    Ok(state
        .store
        .get_job(job.workspace_id, &job.id)
        .await?
        .unwrap_or(job))
}
