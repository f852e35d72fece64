//! A family upload, once its file is in storage: check size and SHA-256 (streaming, never
//! past `MAX_UPLOAD_BYTES`), check the OLE container and read the Revit release, keep the
//! file under the family, then check that the job's creator still holds write on families
//! covering the family, and write the family, its version record and the job's result in
//! one transaction. A refused file, or a creator whose access was withdrawn since the
//! request (`access_revoked`), fails the job with its code, and the file is deleted; the
//! family is untouched.

use pirros_domain::events::{Actor, family_version_event, job_event, resource_event};
use pirros_domain::grants::{Action, EntityType};
use pirros_domain::jobs::{
    JobRecord, JobSpec, JobStatus, StoredResult, UploadResult, UploadSpec, family_file_key,
    upload_key,
};
use pirros_domain::model::{Family, FamilyFile, FamilyRecord, FamilyVersion, FamilyVersionRecord};
use pirros_domain::timestamp::Timestamp;
use pirros_store::{CommitOutcome, VersionCommit};

use crate::checksum::{CheckError, Declared, verify_into};
use crate::upload_error::UploadError;
use crate::worker::{ATTEMPTS, WorkError, Worker, pause};
use pirros_rfa::RfaInfo;

pub(crate) async fn process(w: &Worker, job: JobRecord) -> Result<(), WorkError> {
    let JobSpec::Upload(spec) = job.spec.clone() else {
        unreachable!("dispatched on the spec");
    };
    let ws = job.workspace_id;
    let key = upload_key(ws, &job.id);
    if job.status.is_terminal() {
        // A late or repeated event. After a commit whose search-list copies did not all
        // land (the commit answered an error, so the message came again), write the rest.
        if job.status == JobStatus::Succeeded
            && w.store.settle_family_lists(ws, &spec.family_id).await?
        {
            tracing::info!(job = %job.id, family = %spec.family_id, "search lists settled");
        }
        // The file must not linger: a refused or expired upload's, and a committed one's
        // whose deletion an error after the commit skipped (it was copied before).
        w.objects.delete(&key).await?;
        return Ok(());
    }
    let Some(object) = w.objects.open(&key).await? else {
        if job.status == JobStatus::AwaitingUpload
            && job.upload_deadline().is_some_and(|d| Timestamp::now() >= d)
        {
            let expired = |j: &JobRecord| j.advanced(JobStatus::Expired);
            return w.finish(job, expired).await;
        }
        // The file has not come (or a finished run took it): nothing to do yet.
        return Ok(());
    };
    let Some(job) = w.start(job).await? else {
        return Ok(());
    };

    let scratch = tempfile::NamedTempFile::new_in(&w.scratch_dir)?;
    let copy = tokio::fs::File::from_std(scratch.reopen()?);
    let declared = Declared {
        size_bytes: spec.size_bytes,
        sha256: &spec.sha256,
    };
    let checked = match verify_into(object, copy, &declared, w.max_upload_bytes).await {
        Ok(digest) => inspect(scratch).await.map(|info| (digest, info)),
        Err(CheckError::Rejected(e)) => Err(e),
        Err(CheckError::Io(e)) => return Err(e.into()),
    };
    let (sha256, info) = match checked {
        Ok(ok) => ok,
        Err(refusal) => {
            w.fail(job, refusal.code(), &refusal.to_string()).await?;
            w.objects.delete(&key).await?;
            return Ok(());
        }
    };
    let file = FamilyFile {
        file_name: spec.file_name.clone(),
        size_bytes: spec.size_bytes,
        sha256,
        revit_version: info.revit_version,
    };
    let kept = family_file_key(ws, &spec.family_id, &job.id);
    w.objects.copy(&key, &kept).await?;
    match commit(w, job, &spec, file, kept.clone()).await? {
        Ended::Committed => w.objects.delete(&key).await?,
        Ended::Refused => {
            // This run failed the job: no family names the copy, which only this job's
            // runs write.
            w.objects.delete(&kept).await?;
            w.objects.delete(&key).await?;
        }
        Ended::Moved => {}
    }
    Ok(())
}

/// How `commit` ended.
enum Ended {
    /// The version and the job's result are written.
    Committed,
    /// This run failed the job (access withdrawn, the family gone or its id taken):
    /// nothing was written, and the file goes.
    Refused,
    /// Another run ended the job first; what it left stays.
    Moved,
}

/// The OLE check and the release year, off the async threads (it reads the copy with
/// blocking I/O); the copy is deleted after.
async fn inspect(scratch: tempfile::NamedTempFile) -> Result<RfaInfo, UploadError> {
    let inspected = tokio::task::spawn_blocking(move || {
        let file = std::fs::File::open(scratch.path())
            .map_err(|e| UploadError::InvalidRfa(format!("the copy cannot be read: {e}")))?;
        pirros_rfa::inspect(std::io::BufReader::new(file)).map_err(UploadError::from)
    })
    .await;
    match inspected {
        Ok(result) => result,
        Err(e) => Err(UploadError::InvalidRfa(format!("inspection failed: {e}"))),
    }
}

/// Writes the family's next version (or the new family) with the job's result; retries
/// when another version landed first, so versions stay consecutive.
///
/// Access is checked here, when the work is done, not only when the upload was asked for:
/// the creator's stored credential must still be active and hold write on families
/// covering the family as stored and as it will be (the new family's fields, for a new
/// one), as `POST .../families/uploads` required. Otherwise the job fails with
/// `access_revoked` and nothing is written.
const REVOKED: UploadError = UploadError::AccessRevoked;

async fn commit(
    w: &Worker,
    mut job: JobRecord,
    spec: &UploadSpec,
    file: FamilyFile,
    file_key: String,
) -> Result<Ended, WorkError> {
    let ws = job.workspace_id;
    let write = w
        .creator_scope(&job, EntityType::Family, Action::Write)
        .await?;
    let refused = async |job: JobRecord, code: &str, message: &str| {
        Ok(if w.fail_here(job, code, message).await? {
            Ended::Refused
        } else {
            Ended::Moved
        })
    };
    for attempt in 0..ATTEMPTS {
        let current = w.store.get_family(ws, &spec.family_id).await?;
        let before = current.as_ref().map(|c| c.family.clone());
        let now = Timestamp::now();
        let (family, expected) = match (current, spec.new_family) {
            (None, true) => (new_family(&job, spec, now), None),
            (Some(current), false) => {
                if !write.allows(&current.family) {
                    return refused(job, REVOKED.code(), &REVOKED.to_string()).await;
                }
                let expected = current.family.version;
                (next_version(current, spec, now), Some(expected))
            }
            (Some(_), true) => {
                // A finished run of this very job would have ended it (one transaction),
                // so the fresh id was taken by someone else: never expected, never hung.
                return refused(job, "internal_error", "The new family's id was taken").await;
            }
            (None, false) => {
                return refused(
                    job,
                    "not_found",
                    "The family was deleted before its new version was processed",
                )
                .await;
            }
        };
        if !write.allows(&family.family) {
            return refused(job, REVOKED.code(), &REVOKED.to_string()).await;
        }
        let mut family = family;
        family.family.file = Some(file.clone());
        family.family.has_rfa = true;
        family.files.rfa = Some(file_key.clone());
        let version = FamilyVersionRecord {
            workspace_id: ws,
            family_id: spec.family_id.clone(),
            version: FamilyVersion {
                version: family.family.version,
                file: Some(file.clone()),
                note: spec.note.clone(),
                created_by: Some(job.client_id.to_string()),
                created_at: now,
            },
            file_key: Some(file_key.clone()),
        };
        let mut done = job.advanced(JobStatus::Succeeded);
        done.result = Some(StoredResult::Upload(UploadResult {
            family_id: spec.family_id.clone(),
            version: family.family.version,
        }));
        let actor = Actor::client(job.client_id.as_str());
        let events = resource_event(before.as_ref(), Some(&family.family), actor.clone())
            .into_iter()
            .chain([family_version_event(&family.family, actor)])
            .chain(job_event(&done))
            .collect();
        let outcome = w
            .store
            .commit_family_version(&VersionCommit {
                family,
                expected_family_version: expected,
                version,
                job: done,
                expected_job_revision: job.revision,
                events,
            })
            .await?;
        match outcome {
            CommitOutcome::Committed => return Ok(Ended::Committed),
            CommitOutcome::FamilyMoved => pause(attempt).await,
            CommitOutcome::JobMoved => {
                match w.store.get_job(ws, &job.id).await? {
                    Some(j) if !j.status.is_terminal() => job = j,
                    _ => return Ok(Ended::Moved),
                }
                pause(attempt).await;
            }
        }
    }
    Err(WorkError::Contended)
}

fn new_family(job: &JobRecord, spec: &UploadSpec, now: Timestamp) -> FamilyRecord {
    FamilyRecord {
        family: Family {
            id: spec.family_id.clone(),
            workspace_id: job.workspace_id,
            name: spec.name.clone().unwrap_or_default(),
            category: spec.category.clone().unwrap_or_default(),
            description: spec.description.clone().unwrap_or_default(),
            tag_ids: spec.tag_ids.clone().unwrap_or_default(),
            project_id: spec.project_id.clone(),
            has_rfa: true,
            version: 1,
            group_id: None,
            file: None,
            created_at: now,
            updated_at: now,
        },
        files: Default::default(),
    }
}

/// The family with the upload's fields applied and its version bumped.
fn next_version(mut current: FamilyRecord, spec: &UploadSpec, now: Timestamp) -> FamilyRecord {
    let f = &mut current.family;
    if let Some(v) = &spec.name {
        f.name = v.clone();
    }
    if let Some(v) = &spec.category {
        f.category = v.clone();
    }
    if let Some(v) = &spec.description {
        f.description = v.clone();
    }
    if let Some(v) = &spec.tag_ids {
        f.tag_ids = v.clone();
    }
    if let Some(v) = &spec.project_id {
        f.project_id = Some(v.clone());
    }
    f.version += 1;
    f.updated_at = now.max(f.updated_at);
    current
}
