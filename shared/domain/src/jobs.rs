//! Asynchronous jobs: family uploads and stash exports. A job is answered as `Job`; the
//! stored `JobRecord` adds who created it, what to do, and a revision that makes every
//! change a conditional write (a job moves forward once, whoever notices first).
//!
//! States: an upload starts `awaiting_upload`; the file's arrival (the bucket's event, or a
//! read of the job that finds it) makes it `queued`; the worker makes it `processing`, then
//! `succeeded` or `failed`. An upload whose file never came is `expired` once its URL is.
//! An export starts `queued`. Terminal states never change.

use crate::grants::{Action, EntityType, Filter, Scope};
use crate::ids::{ClientId, ResourceId, WorkspaceId};
use crate::model::Credential;
use crate::timestamp::Timestamp;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::ToSchema;

/// How long a job is kept (DynamoDB TTL): seven days.
pub const JOB_TTL_SECS: u64 = 7 * 24 * 3600;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobType {
    FamilyUpload,
    StashExport,
    Snapshot,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// The upload URL was handed out; no file yet.
    AwaitingUpload,
    /// Waiting for the worker.
    Queued,
    Processing,
    Succeeded,
    Failed,
    /// No file arrived before the upload URL expired.
    Expired,
}

impl JobStatus {
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Succeeded | Self::Failed | Self::Expired)
    }
}

/// Why a job failed: `invalid_rfa`, `checksum_mismatch`, `file_too_large`, `access_revoked`
/// (an upload whose creator no longer holds write on families covering the family when the
/// file arrives: its credential was revoked or its grant removed; nothing is written),
/// `stash_not_found`, `export_too_large` (an export whose files add up to more than the
/// deployment's `MAX_EXPORT_BYTES`; nothing is written) or `internal_error`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct JobError {
    #[schema(example = "checksum_mismatch")]
    pub code: String,
    pub message: String,
}

/// A family upload's result: the family and the version the file became.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UploadResult {
    #[schema(value_type = String)]
    pub family_id: ResourceId,
    #[schema(minimum = 1)]
    pub version: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemType {
    Detail,
    Family,
}

impl ItemType {
    pub const ALL: [ItemType; 2] = [Self::Detail, Self::Family];

    /// The entity type whose grants cover items of this kind.
    pub fn entity(self) -> EntityType {
        match self {
            Self::Detail => EntityType::Detail,
            Self::Family => EntityType::Family,
        }
    }
}

/// Why an item of the stash has no file in the export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// The item no longer exists, or you may not read it.
    NotFound,
    /// You may read the item but hold no download grant covering it.
    NotDownloadable,
    /// Downloads are turned off for the workspace.
    DownloadsDisabled,
    /// The item has no file.
    NoFile,
}

/// An item of the stash whose files are not in the export.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Skipped {
    #[serde(rename = "type")]
    pub kind: ItemType,
    #[schema(value_type = String)]
    pub id: ResourceId,
    pub reason: SkipReason,
}

/// A stash export's result: where to fetch the zip, and what it holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ExportResult {
    /// A signed URL of the zip, made afresh on each read of the job, and only while you may
    /// still download there: the workspace's downloads are on and you still hold a download
    /// grant on each type of item (details, families) whose files the zip holds. Otherwise
    /// `null` (and `expires_at` too), until that holds again.
    #[schema(required, format = "uri")]
    pub download_url: Option<String>,
    /// When `download_url` stops working; `null` when it is.
    #[schema(required, value_type = Option<String>, format = DateTime, example = "2026-06-04T12:15:00.000Z")]
    pub expires_at: Option<Timestamp>,
    /// Files in the zip (`manifest.json` not counted).
    pub files: u64,
    /// Their total size before compression.
    pub bytes: u64,
    pub skipped: Vec<Skipped>,
}

/// How many resources of each type a snapshot holds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SnapshotCounts {
    pub tags: u64,
    pub projects: u64,
    pub details: u64,
    pub families: u64,
    pub stashes: u64,
}

/// A snapshot's result: where to fetch it, and the feed position it is consistent with.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct SnapshotResult {
    /// A signed URL of the file (gzip-compressed JSON lines, one
    /// `{"type": "tag" | "project" | "detail" | "family" | "stash", "object": {...}}` per
    /// resource you may read, each object as its GET answers it, without `expanded`),
    /// made afresh on each read of the job.
    #[schema(required, format = "uri")]
    pub download_url: Option<String>,
    #[schema(required, value_type = Option<String>, format = DateTime, example = "2026-06-04T12:15:00.000Z")]
    pub expires_at: Option<Timestamp>,
    /// A feed cursor (`GET .../events?after=`): the events after it, applied to the
    /// snapshot, give the current state.
    pub events_cursor: String,
    pub counts: SnapshotCounts,
    /// The file's size (compressed).
    pub bytes: u64,
}

/// `result` of a succeeded job, by its `type`.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
#[serde(untagged)]
pub enum JobResult {
    Upload(UploadResult),
    Export(ExportResult),
    Snapshot(SnapshotResult),
}

/// A job as it is answered.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Job {
    #[schema(value_type = String)]
    pub id: ResourceId,
    #[serde(rename = "type")]
    pub kind: JobType,
    pub status: JobStatus,
    #[schema(value_type = String, format = DateTime, example = "2026-06-04T12:00:00.000Z")]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime, example = "2026-06-04T12:00:00.000Z")]
    pub updated_at: Timestamp,
    /// `null` until the job succeeds.
    #[schema(required)]
    pub result: Option<JobResult>,
    /// `{code, message}` when the job failed, else `null`.
    #[schema(required)]
    pub error: Option<JobError>,
}

/// What an upload declared, and what it does to the family once the file checks out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UploadSpec {
    /// Chosen when the job is created, for a new family too.
    pub family_id: ResourceId,
    pub new_family: bool,
    /// Fields to set on the family (a new family gets every one; an existing one keeps
    /// those left out).
    pub name: Option<String>,
    pub category: Option<String>,
    pub description: Option<String>,
    pub tag_ids: Option<Vec<ResourceId>>,
    pub project_id: Option<ResourceId>,
    pub file_name: String,
    pub size_bytes: u64,
    /// Lowercase hex.
    pub sha256: String,
    pub note: Option<String>,
    pub upload_expires_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportSpec {
    pub stash_id: ResourceId,
}

/// A snapshot needs nothing but its workspace and creator (the job's own).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SnapshotSpec {}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JobSpec {
    Upload(Box<UploadSpec>),
    Export(ExportSpec),
    Snapshot(SnapshotSpec),
}

/// What a snapshot left: the file's key, the events sequence it is consistent with (its
/// cursor is made for the reader on each read), and what it holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SnapshotOutcome {
    pub key: String,
    pub sequence: u64,
    pub counts: SnapshotCounts,
    pub bytes: u64,
}

/// What an export left: the zip's key and what it holds (its URL is made on each read).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportOutcome {
    pub key: String,
    pub files: u64,
    pub bytes: u64,
    pub skipped: Vec<Skipped>,
    /// The kinds of item whose files the zip holds, once each: what a download grant must
    /// still cover for its URL to be signed. `None` for an export recorded before this was
    /// kept, read as both kinds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_types: Option<Vec<ItemType>>,
}

impl ExportOutcome {
    /// The entity types a download grant must cover for the zip to be fetched: each type
    /// of item whose files the zip holds.
    pub fn entity_types(&self) -> Vec<EntityType> {
        let kinds = self.item_types.as_deref().unwrap_or(&ItemType::ALL);
        let mut types: Vec<EntityType> = kinds.iter().map(|k| k.entity()).collect();
        types.sort();
        types.dedup();
        types
    }

    /// Whether `credential` still holds the download grants this zip needs in `ws`, with
    /// `filters` the custom filters its grants there name (those loaded; a grant whose
    /// filter is gone grants nothing).
    ///
    /// What "matching" means for a zip: a download grant (a system filter, or a custom
    /// filter that still exists) on every entity type whose files the zip holds, so a zip
    /// of details and families needs both, and a zip of no files (only its manifest, which
    /// lists what a read of the stash shows) needs none. Matching is by entity type, not
    /// item by item: telling whether a custom filter still covers each zipped item would
    /// read every item again on each read of the job. Whether the workspace's downloads are
    /// on is the caller's to check beside this.
    pub fn fetchable_by(
        &self,
        credential: &Credential,
        ws: WorkspaceId,
        filters: &[Filter],
    ) -> bool {
        self.entity_types().into_iter().all(|entity| {
            !Scope::resolve(credential, ws, entity, Action::Download, filters).is_none()
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StoredResult {
    Upload(UploadResult),
    Export(ExportOutcome),
    Snapshot(SnapshotOutcome),
}

/// A stored job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobRecord {
    pub workspace_id: WorkspaceId,
    pub id: ResourceId,
    pub status: JobStatus,
    /// The credential that created it: the only one that may read it.
    pub client_id: ClientId,
    /// Bumped by every change; changes are conditional on it. Also the job's `ETag`.
    pub revision: u64,
    pub spec: JobSpec,
    pub result: Option<StoredResult>,
    pub error: Option<JobError>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// When storage may forget it.
    pub expires_at: Timestamp,
}

impl JobRecord {
    pub fn new(ws: WorkspaceId, client: ClientId, spec: JobSpec, status: JobStatus) -> Self {
        let now = Timestamp::now();
        Self {
            workspace_id: ws,
            id: ResourceId::new_uuid(),
            status,
            client_id: client,
            revision: 1,
            spec,
            result: None,
            error: None,
            created_at: now,
            updated_at: now,
            expires_at: now.plus_secs(JOB_TTL_SECS),
        }
    }

    pub fn kind(&self) -> JobType {
        match self.spec {
            JobSpec::Upload(_) => JobType::FamilyUpload,
            JobSpec::Export(_) => JobType::StashExport,
            JobSpec::Snapshot(_) => JobType::Snapshot,
        }
    }

    pub fn job_ref(&self) -> JobRef {
        JobRef {
            workspace_id: self.workspace_id,
            id: self.id.clone(),
        }
    }

    /// Kept by storage but past its lifetime: treated as gone.
    pub fn is_past_ttl(&self, now: Timestamp) -> bool {
        self.expires_at <= now
    }

    /// When an upload whose file has not come is `expired`: its URL's end, and a further
    /// minute (or the URL's lifetime, if shorter), so that a PUT started in time can finish.
    pub fn upload_deadline(&self) -> Option<Timestamp> {
        let JobSpec::Upload(spec) = &self.spec else {
            return None;
        };
        let lifetime = (spec.upload_expires_at.millis() - self.created_at.millis()).max(0);
        Some(Timestamp::from_millis(
            spec.upload_expires_at.millis() + lifetime.min(60_000),
        ))
    }

    /// The next revision of this job, in `status` (and `updated_at` now).
    pub fn advanced(&self, status: JobStatus) -> Self {
        let mut next = self.clone();
        next.status = status;
        next.revision = self.revision + 1;
        next.updated_at = Timestamp::now().max(self.updated_at);
        next
    }

    /// The next revision, failed with `code`.
    pub fn failed(&self, code: &str, message: impl Into<String>) -> Self {
        let mut next = self.advanced(JobStatus::Failed);
        next.error = Some(JobError {
            code: code.to_owned(),
            message: message.into(),
        });
        next
    }

    /// The job as answered; an export's or a snapshot's `download_url` and its end are
    /// `url` (`None`: both `null`, as when its creator may no longer fetch the zip), and a
    /// snapshot's `events_cursor` is `events_cursor`.
    pub fn answer(&self, url: Option<(String, Timestamp)>, events_cursor: Option<String>) -> Job {
        let export_url = url;
        let result = match &self.result {
            Some(StoredResult::Snapshot(s)) => {
                let (download_url, expires_at) = export_url.unzip();
                Some(JobResult::Snapshot(SnapshotResult {
                    download_url,
                    expires_at,
                    events_cursor: events_cursor.unwrap_or_default(),
                    counts: s.counts.clone(),
                    bytes: s.bytes,
                }))
            }
            Some(StoredResult::Upload(u)) => Some(JobResult::Upload(u.clone())),
            Some(StoredResult::Export(e)) => {
                let (download_url, expires_at) = export_url.unzip();
                Some(JobResult::Export(ExportResult {
                    download_url,
                    expires_at,
                    files: e.files,
                    bytes: e.bytes,
                    skipped: e.skipped.clone(),
                }))
            }
            None => None,
        };
        Job {
            id: self.id.clone(),
            kind: self.kind(),
            status: self.status,
            created_at: self.created_at,
            updated_at: self.updated_at,
            result: if self.status == JobStatus::Succeeded {
                result
            } else {
                None
            },
            error: self.error.clone(),
        }
    }
}

/// Which job a queue message or an uploaded object is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobRef {
    pub workspace_id: WorkspaceId,
    pub id: ResourceId,
}

impl JobRef {
    /// The queue message that hands this job to the worker: `{"job": {"workspace_id", "id"}}`
    /// (the worker also reads the bucket's upload events).
    pub fn message(&self) -> String {
        serde_json::json!({ "job": self }).to_string()
    }
}

/// Where an upload's file lands: a key only that job uses. The bucket's event for it is
/// how the worker learns of the file.
pub fn upload_key(ws: WorkspaceId, job: &ResourceId) -> String {
    format!("{UPLOAD_PREFIX}{ws}/{job}")
}

pub const UPLOAD_PREFIX: &str = "uploads/";

/// The job an upload key belongs to.
pub fn parse_upload_key(key: &str) -> Option<JobRef> {
    let (ws, id) = key.strip_prefix(UPLOAD_PREFIX)?.split_once('/')?;
    Some(JobRef {
        workspace_id: WorkspaceId::parse(ws)?,
        id: ResourceId::parse(id)?,
    })
}

/// Where an accepted family file is kept, for good.
pub fn family_file_key(ws: WorkspaceId, family: &ResourceId, job: &ResourceId) -> String {
    format!("families/{ws}/{family}/{job}.rfa")
}

/// Where a snapshot's file is written.
pub fn snapshot_key(ws: WorkspaceId, job: &ResourceId) -> String {
    format!("snapshots/{ws}/{job}.jsonl.gz")
}

/// Where an export's zip is written.
pub fn export_key(ws: WorkspaceId, job: &ResourceId) -> String {
    format!("exports/{ws}/{job}.zip")
}

#[derive(Debug, thiserror::Error)]
#[error("the job queue is unavailable: {0}")]
pub struct QueueError(pub String);

/// Hands a job to the worker: an SQS message on AWS, a task of the same process locally.
#[async_trait]
pub trait JobQueue: Send + Sync {
    async fn enqueue(&self, job: &JobRef) -> Result<(), QueueError>;
}

/// For functions that start no job.
pub struct NoQueue;

#[async_trait]
impl JobQueue for NoQueue {
    async fn enqueue(&self, _: &JobRef) -> Result<(), QueueError> {
        Err(QueueError("no job queue is configured".into()))
    }
}

pub type SharedQueue = Arc<dyn JobQueue>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_keys_name_their_job() {
        let ws = WorkspaceId::parse("6a1f4c4e-0b0e-4f6c-9a43-3f1c2b1d0e11").unwrap();
        let id = ResourceId::parse("j-1").unwrap();
        let key = upload_key(ws, &id);
        assert_eq!(key, "uploads/6a1f4c4e-0b0e-4f6c-9a43-3f1c2b1d0e11/j-1");
        assert_eq!(
            parse_upload_key(&key),
            Some(JobRef {
                workspace_id: ws,
                id
            })
        );
        for bad in [
            "exports/x/y",
            "uploads/nope/j",
            "uploads/",
            "uploads/6a1f4c4e-0b0e-4f6c-9a43-3f1c2b1d0e11/a#b",
        ] {
            assert_eq!(parse_upload_key(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_job_answers_its_result_only_when_it_succeeded() {
        let ws = WorkspaceId::parse("6a1f4c4e-0b0e-4f6c-9a43-3f1c2b1d0e11").unwrap();
        let spec = JobSpec::Export(ExportSpec {
            stash_id: ResourceId::parse("s1").unwrap(),
        });
        let mut job = JobRecord::new(ws, ClientId::parse("c").unwrap(), spec, JobStatus::Queued);
        job.result = Some(StoredResult::Export(ExportOutcome {
            key: "k".into(),
            files: 1,
            bytes: 2,
            skipped: vec![],
            item_types: Some(vec![ItemType::Family]),
        }));
        let url = || Some(("https://x".to_owned(), Timestamp::from_millis(0)));
        assert_eq!(job.answer(url(), None).result, None);
        let done = job.advanced(JobStatus::Succeeded);
        assert_eq!(done.revision, 2);
        let answered = serde_json::to_value(done.answer(url(), None)).unwrap();
        assert_eq!(answered["type"], "stash_export");
        assert_eq!(answered["result"]["files"], 1);
        assert_eq!(answered["result"]["download_url"], "https://x");
        assert_eq!(answered["error"], serde_json::Value::Null);
        // Unsigned: the URL and its end are null, the rest stays.
        let answered = serde_json::to_value(done.answer(None, None)).unwrap();
        let result = &answered["result"];
        assert_eq!(
            result.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["download_url", "expires_at", "files", "bytes", "skipped"]
        );
        assert_eq!(result["download_url"], serde_json::Value::Null);
        assert_eq!(result["expires_at"], serde_json::Value::Null);
        assert_eq!(result["files"], 1);
    }

    fn credential(grants: &[(&str, Action)]) -> Credential {
        let ws = WorkspaceId::parse(WS).unwrap();
        Credential {
            client_id: ClientId::parse("c").unwrap(),
            name: "c".into(),
            firm_id: ResourceId::parse("firm").unwrap(),
            status: crate::model::CredentialStatus::Active,
            secret: crate::secret::SecretHash::of("secret-0123456789"),
            secret_version: 1,
            previous_secret: None,
            grants: grants
                .iter()
                .map(|(f, action)| crate::model::Grant {
                    workspace_id: ws,
                    filter_id: crate::grants::FilterId::parse(f).unwrap(),
                    action: *action,
                })
                .collect(),
            created_at: Timestamp::from_millis(0),
            version: 1,
        }
    }

    const WS: &str = "6a1f4c4e-0b0e-4f6c-9a43-3f1c2b1d0e11";

    fn zip_of(item_types: Option<Vec<ItemType>>) -> ExportOutcome {
        ExportOutcome {
            key: "k".into(),
            files: 0,
            bytes: 0,
            skipped: vec![],
            item_types,
        }
    }

    #[test]
    fn a_zip_is_fetchable_with_a_download_grant_on_each_kind_it_holds() {
        use ItemType::{Detail, Family};
        let ws = WorkspaceId::parse(WS).unwrap();
        let family_filter = Filter {
            id: ResourceId::parse("flt-fam").unwrap(),
            workspace_id: ws,
            name: "Some families".into(),
            entity_type: EntityType::Family,
            rule: Default::default(),
        };
        let filters = std::slice::from_ref(&family_filter);
        let details = credential(&[("default:details", Action::Download)]);
        let families = credential(&[("flt-fam", Action::Download)]);
        let both = credential(&[
            ("default:details", Action::Download),
            ("flt-fam", Action::Download),
        ]);
        let readers = credential(&[
            ("default:details", Action::Read),
            ("default:families", Action::Write),
        ]);
        for (zip, fetchable) in [
            (Some(vec![Detail]), [true, false, true, false]),
            (Some(vec![Family]), [false, true, true, false]),
            (Some(vec![Detail, Family]), [false, false, true, false]),
            // Recorded before the kinds were kept: read as both.
            (None, [false, false, true, false]),
            // Only a manifest: no download grant needed.
            (Some(vec![]), [true, true, true, true]),
        ] {
            let zip = zip_of(zip);
            for (who, want) in [&details, &families, &both, &readers].iter().zip(fetchable) {
                assert_eq!(
                    zip.fetchable_by(who, ws, filters),
                    want,
                    "{:?} by {:?}",
                    zip.item_types,
                    who.grants
                );
            }
        }
        // A custom filter that is gone (not loaded) grants nothing; another workspace's
        // grants count nothing here.
        assert!(!zip_of(Some(vec![Family])).fetchable_by(&families, ws, &[]));
        let elsewhere = WorkspaceId::parse("6a1f4c4e-0b0e-4f6c-9a43-3f1c2b1d0e12").unwrap();
        assert!(!zip_of(Some(vec![Detail])).fetchable_by(&details, elsewhere, filters));
    }

    #[test]
    fn an_export_outcome_without_its_kinds_still_reads() {
        let old = r#"{"key": "k", "files": 1, "bytes": 2, "skipped": []}"#;
        let outcome: ExportOutcome = serde_json::from_str(old).unwrap();
        assert_eq!(outcome.item_types, None);
        assert_eq!(
            outcome.entity_types(),
            [EntityType::Detail, EntityType::Family]
        );
    }
}
