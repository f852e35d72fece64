//! The worker: what processing one job means, whichever way it was handed over (an SQS
//! message on AWS, a task of `pirros-local`). Every step is safe to repeat: a job moves
//! forward only by conditional writes on its revision, so a second delivery of the same
//! work, or two workers at once, change nothing twice.

use std::path::PathBuf;
use std::time::Duration;

use pirros_domain::events::job_event;
use pirros_domain::grants::{self, Action, EntityType, Scope};
use pirros_domain::jobs::{JobRecord, JobRef, JobSpec, JobStatus};
use pirros_domain::model::Credential;
use pirros_objects::{ObjectError, SharedObjects};
use pirros_store::{LeaseKind, SharedStore, StoreError};

use crate::export::ExportError;
use pirros_domain::timestamp::Timestamp;

/// How long a run that moved a bulk job to `processing` owns it: three times the worker's
/// timeout (5 minutes), so a run that died is redone, and a live one never twice.
const PROCESSING_LEASE_MS: i64 = 15 * 60 * 1000;

/// A failure that says nothing about the job itself (storage unreachable, a read cut
/// short): the work is worth another try.
#[derive(Debug, thiserror::Error)]
pub enum WorkError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Objects(#[from] ObjectError),
    #[error("local file: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error("the job kept changing under the worker")]
    Contended,
    #[error("another run is processing the job; try again later")]
    Busy,
}

pub struct Worker {
    pub store: SharedStore,
    pub objects: SharedObjects,
    /// `MAX_UPLOAD_BYTES`: the worker never reads past it.
    pub max_upload_bytes: u64,
    /// `MAX_EXPORT_BYTES`: an export whose files add up to more fails before it is written.
    pub max_export_bytes: u64,
    /// Where an upload is copied for the OLE check, which needs random access.
    pub scratch_dir: PathBuf,
}

/// How often a step re-reads a job (or a family) that moved under it before giving up.
pub(crate) const ATTEMPTS: u32 = 8;

/// A short, growing, jittered pause between attempts, so racing workers fall out of step.
pub(crate) async fn pause(attempt: u32) {
    let base = 10u64 << attempt.min(6);
    let jitter = rand::random_range(0..=base);
    tokio::time::sleep(Duration::from_millis(base + jitter)).await;
}

impl Worker {
    /// Does what the job needs, if anything. `Ok` also when there is nothing to do: the job
    /// is gone, finished, or its file has not come.
    pub async fn process(&self, job: &JobRef) -> Result<(), WorkError> {
        let Some(record) = self.store.get_job(job.workspace_id, &job.id).await? else {
            tracing::info!(job = %job.id, "no such job (expired or never made); nothing to do");
            return Ok(());
        };
        match &record.spec {
            JobSpec::Upload(_) => crate::upload_job::process(self, record).await,
            JobSpec::Export(_) => crate::export_job::process(self, record).await,
            JobSpec::Snapshot(_) => crate::snapshot_job::process(self, record).await,
        }
    }

    /// `start` for a bulk job (an export, a snapshot), whose run owns it for
    /// `PROCESSING_LEASE_MS`: a second delivery while another run works on it (SQS delivers
    /// at least once) waits its turn instead of doing everything again. The message comes
    /// back after the queue's visibility timeout, by when the job has ended, or its run has
    /// surely died.
    pub(crate) async fn take(&self, job: JobRecord) -> Result<Option<JobRecord>, WorkError> {
        if job.status == JobStatus::Processing
            && Timestamp::now().millis() - job.updated_at.millis() < PROCESSING_LEASE_MS
        {
            return Err(WorkError::Busy);
        }
        self.start(job).await
    }

    /// Moves the job to `processing` unless it is there already; `None` when it has ended
    /// (someone else finished it).
    pub(crate) async fn start(&self, mut job: JobRecord) -> Result<Option<JobRecord>, WorkError> {
        for attempt in 0..ATTEMPTS {
            if job.status.is_terminal() {
                return Ok(None);
            }
            if job.status == JobStatus::Processing {
                return Ok(Some(job));
            }
            let next = job.advanced(JobStatus::Processing);
            if self.store.update_job(&next, job.revision, &[]).await? {
                return Ok(Some(next));
            }
            pause(attempt).await;
            match self.store.get_job(job.workspace_id, &job.id).await? {
                Some(j) => job = j,
                None => return Ok(None),
            }
        }
        Err(WorkError::Contended)
    }

    /// Ends the job with `next` (built from `job`), unless it ended already.
    pub(crate) async fn finish(
        &self,
        job: JobRecord,
        next: impl Fn(&JobRecord) -> JobRecord,
    ) -> Result<(), WorkError> {
        self.end(job, next).await.map(drop)
    }

    /// `finish`, answering whether this call ended the job (`false`: it had ended already,
    /// or is gone).
    async fn end(
        &self,
        mut job: JobRecord,
        next: impl Fn(&JobRecord) -> JobRecord,
    ) -> Result<bool, WorkError> {
        for attempt in 0..ATTEMPTS {
            if job.status.is_terminal() {
                self.free_slot(&job).await;
                return Ok(false);
            }
            let ended = next(&job);
            let events: Vec<_> = job_event(&ended).into_iter().collect();
            if self.store.update_job(&ended, job.revision, &events).await? {
                self.free_slot(&job).await;
                return Ok(true);
            }
            pause(attempt).await;
            match self.store.get_job(job.workspace_id, &job.id).await? {
                Some(j) => job = j,
                None => return Ok(false),
            }
        }
        Err(WorkError::Contended)
    }

    /// An ended export gives its creator's bulk slot back (again, if a run before this one
    /// did): best effort, as a slot never given back lapses by itself.
    async fn free_slot(&self, job: &JobRecord) {
        if !matches!(job.spec, JobSpec::Export(_) | JobSpec::Snapshot(_)) {
            return;
        }
        let holder = job.id.as_str();
        if let Err(e) = self
            .store
            .drop_lease(LeaseKind::Bulk, &job.client_id, holder, None)
            .await
        {
            tracing::warn!(job = %job.id, error = %e, "export slot not given back; it lapses");
        }
    }

    /// Fails the job with `code` for good (retrying cannot help).
    pub(crate) async fn fail(
        &self,
        job: JobRecord,
        code: &str,
        message: &str,
    ) -> Result<(), WorkError> {
        self.fail_here(job, code, message).await.map(drop)
    }

    /// `fail`, answering whether this call failed the job (`false`: another run ended it
    /// first, and what that run left must stay).
    pub(crate) async fn fail_here(
        &self,
        job: JobRecord,
        code: &str,
        message: &str,
    ) -> Result<bool, WorkError> {
        tracing::info!(job = %job.id, code, message, "job failed");
        self.end(job, |j| j.failed(code, message)).await
    }

    /// What the job's creator may do with `entity` for `action` in the job's workspace,
    /// read now from its stored credential and the custom filters its grants name (as a
    /// `/v1` request resolves it): nothing when the credential is gone or revoked.
    pub(crate) async fn creator_scope(
        &self,
        job: &JobRecord,
        entity: EntityType,
        action: Action,
    ) -> Result<Scope, WorkError> {
        let ws = job.workspace_id;
        let Some(credential) = self
            .store
            .get_credential(&job.client_id)
            .await?
            .filter(Credential::is_active)
        else {
            return Ok(Scope::None);
        };
        let quick = Scope::resolve(&credential, ws, entity, action, &[]);
        if !quick.is_none() {
            return Ok(quick);
        }
        let ids = grants::custom_filter_ids(&credential, ws);
        if ids.is_empty() {
            return Ok(Scope::None);
        }
        let filters = self.store.get_filters(ws, &ids).await?;
        Ok(Scope::resolve(&credential, ws, entity, action, &filters))
    }

    /// After the last delivery failed too: the job fails with `internal_error` rather than
    /// waiting forever. Best effort; the message goes to the dead-letter queue regardless.
    pub async fn give_up(&self, job: &JobRef, cause: &str) {
        let record = match self.store.get_job(job.workspace_id, &job.id).await {
            Ok(Some(r)) => r,
            _ => return,
        };
        if let Err(e) = self
            .fail(
                record,
                "internal_error",
                "The job could not be processed; start a new one",
            )
            .await
        {
            tracing::error!(job = %job.id, error = %e, cause, "could not fail the job");
        }
    }
}
