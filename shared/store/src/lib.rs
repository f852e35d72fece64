//! Storage behind two traits split by who calls them: `Store`, what request handlers need,
//! and `AdminStore`, what `pirros-admin` and the fixture importer add on top. Each has a
//! DynamoDB implementation (production) and an embedded one (local default and fast tests)
//! with the same guarantees; one contract test suite runs against both.

pub mod access;
pub mod capacity;
pub mod credential_update;
pub mod dynamo;
pub mod keys;
#[cfg(feature = "embedded")]
pub mod memory;
pub mod usage;
pub mod webhooks;

use async_trait::async_trait;
use pirros_domain::events::EventRecord;
use pirros_domain::flags::{FlagRecord, OpenFlagsChange};
use pirros_domain::grants::Filter;
use pirros_domain::ids::{ClientId, ResourceId, WorkspaceId};
use pirros_domain::jobs::JobRecord;
use pirros_domain::jwks::PublishedKeys;
use pirros_domain::lists::{Listed, SearchList};
use pirros_domain::model::{
    Credential, Detail, DetailRecord, Family, FamilyGroup, FamilyRecord, FamilyVersionRecord, Firm,
    Project, Stash, StashRecord, Tag, Workspace,
};
use pirros_domain::references::ReferenceEntry;
use pirros_domain::timestamp::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be reached, timed out or throttled us: retry later.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// Other writes kept taking what this one was conditional on (a workspace's event
    /// numbers), each of them committed: retry at once.
    #[error("storage contended: {0}")]
    Contended(&'static str),
    /// Anything else: a bug or corrupt data.
    #[error("storage error: {0}")]
    Internal(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Where a write in steps stops, once, as if the process died there: for the tests that
/// check a stopped write leaves nothing a reader can see and is finished by the next one
/// (`STORE_STOP_AFTER` in `pirros-local`). Production stores have none.
#[derive(Debug, Default)]
pub struct StopPoint {
    step: Option<&'static str>,
    passed: std::sync::atomic::AtomicBool,
}

impl StopPoint {
    /// Stops after `step` (`journaled`: a stash delete's journal and marks are written;
    /// `unlinked`: the stash and its listing copies are gone; `unlisted`: a deleted detail's
    /// or family's copies, flags or versions and reference entries are gone, its record
    /// not yet).
    pub fn after(step: &str) -> Option<Self> {
        let step = Self::STEPS.into_iter().find(|s| *s == step)?;
        Some(Self {
            step: Some(step),
            passed: Default::default(),
        })
    }

    const STEPS: [&'static str; 3] = ["journaled", "unlinked", "unlisted"];

    /// The stop point `STORE_STOP_AFTER` names (none when unset); a value naming no step
    /// is refused, naming the ones there are.
    pub fn from_setting(value: Option<&str>) -> Result<Self, String> {
        match value {
            None => Ok(Self::default()),
            Some(v) => Self::after(v.trim()).ok_or_else(|| {
                format!(
                    "STORE_STOP_AFTER must be one of {}, got {v:?}",
                    Self::STEPS.join(", ")
                )
            }),
        }
    }

    /// An error the first time `step` is the stop point's.
    pub fn check(&self, step: &'static str) -> StoreResult<()> {
        if self.step == Some(step) && !self.passed.swap(true, std::sync::atomic::Ordering::SeqCst) {
            return Err(StoreError::Internal(format!(
                "stopped after the step {step:?} (STORE_STOP_AFTER)"
            )));
        }
        Ok(())
    }
}

/// One thing the importer writes.
#[derive(Clone, Debug)]
pub enum Item {
    Firm(Firm),
    Workspace(Workspace),
    Project(Project),
    Tag(Tag),
    Detail(DetailRecord),
    Family(FamilyRecord),
    Stash(StashRecord),
    Filter(Filter),
    Credential(Credential),
    FamilyGroup(FamilyGroup),
}

/// Up to `max` members of an ordered list (search, projects, stashes), in order.
#[derive(Debug)]
pub struct Slice<T> {
    /// Members with their positions in the list.
    pub items: Vec<(String, T)>,
    /// Set when the list may go on after the last member read (as DynamoDB does, also when
    /// the read stopped at `max` exactly at the end).
    pub last_key: Option<String>,
}

impl<T> Default for Slice<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            last_key: None,
        }
    }
}

/// What a credential's grants reach (`Store::get_reach`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reach {
    pub firm: Option<Firm>,
    pub workspaces: Vec<Workspace>,
    pub filters: Vec<Filter>,
}

/// Which ordered list of a workspace's stashes a listing walks: all of them, one
/// project's, or one creator's. Each is kept newest first (`stash_sort_key`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StashIndex {
    All,
    Project(ResourceId),
    Creator(String),
}

impl StashIndex {
    pub fn contains(&self, s: &Stash) -> bool {
        match self {
            StashIndex::All => true,
            StashIndex::Project(p) => s.project_id == *p,
            StashIndex::Creator(c) => s.created_by == *c,
        }
    }
}

/// Position of a stash in a listing: newest first, ties by id ascending. A stash's
/// `created_at`, `project_id` and `created_by` never change after it is created, so an
/// update leaves its copies where they are.
pub fn stash_sort_key(s: &Stash) -> String {
    pirros_domain::lists::newest_key(s.created_at, &s.id)
}

/// Bytes of a project's name that its sort key keeps (a sort key holds at most 1,024).
const PROJECT_NAME_KEY_BYTES: usize = 400;

/// Position of a project in the projects list: by name (its UTF-8 bytes, the order
/// `str::cmp` gives), then id. The name is hex-encoded, which keeps byte order and puts
/// a shorter name before every longer one it starts (`#` sorts before every hex digit);
/// names sharing their first 400 bytes are ordered by id.
pub fn project_sort_key(p: &Project) -> String {
    let name = &p.name.as_bytes()[..p.name.len().min(PROJECT_NAME_KEY_BYTES)];
    let mut key = String::with_capacity(name.len() * 2 + 1 + p.id.as_str().len());
    for b in name {
        let _ = write!(key, "{b:02x}");
    }
    key.push('#');
    key.push_str(p.id.as_str());
    key
}

/// Identity of an idempotent request: the credential and the client's key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IdemKey {
    pub client_id: ClientId,
    pub key: String,
}

/// A remembered write: what to replay when the same key comes again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IdemRecord {
    pub key: IdemKey,
    /// Digest of method, path and body: a different request under the same key is a conflict.
    pub fingerprint: String,
    pub status: u16,
    pub body: String,
    pub etag: Option<String>,
    pub expires_at: Timestamp,
}

impl IdemRecord {
    pub fn is_live(&self, now: Timestamp) -> bool {
        self.expires_at > now
    }
}

/// A stash create or update, optionally committed together with its idempotency record.
#[derive(Clone, Debug)]
pub struct StashWrite {
    pub record: StashRecord,
    /// `None`: create (the id must be new). `Some(v)`: update only if the stored version is `v`.
    pub expected_version: Option<u64>,
    pub idempotency: Option<IdemRecord>,
    /// What the write records in the events feed, committed with it.
    pub events: Vec<EventRecord>,
}

#[derive(Debug, PartialEq)]
pub enum SaveOutcome {
    Saved,
    /// Another request with the same key committed first: here is its record.
    IdempotencyTaken(IdemRecord),
    /// The stored version was not the expected one (or the stash is gone).
    VersionMismatch,
    /// A limit the write is conditional on is reached (a detail's open flags, a
    /// credential's unfinished exports): nothing was written.
    LimitReached,
}

/// A flag create or update, with the change to its detail's open count and, on create,
/// optionally its idempotency record: all or nothing.
#[derive(Clone, Debug)]
pub struct FlagWrite {
    pub workspace_id: WorkspaceId,
    pub record: FlagRecord,
    /// `None`: create (the id must be new). `Some(v)`: update only if the stored version is `v`.
    pub expected_version: Option<u64>,
    pub open_flags: OpenFlagsChange,
    /// A write that opens a flag commits only while fewer than this many are open
    /// (`SaveOutcome::LimitReached` otherwise), checked in the same atomic write that
    /// counts it, so concurrent writes never pass it. `None`: no limit (imports, tests).
    pub open_limit: Option<u64>,
    pub idempotency: Option<IdemRecord>,
    /// What the write records in the events feed, committed with it.
    pub events: Vec<EventRecord>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateHit {
    pub allowed: bool,
    /// Hits counted in the window, this one included when allowed.
    pub count: u64,
}

/// One attempt at the token endpoint, as storage counts it (`AccessStore::token_attempt`):
/// in one item per client, the attempts of the current window (all addresses, and per
/// address) beside the tags of the secrets that got tokens (`secret::attempt_tag`).
#[derive(Clone, Copy, Debug)]
pub struct TokenAttempt<'a> {
    /// The rate key of the client's attempt item (`TOKENA#...`, from the client id as sent,
    /// which may name no credential or be no id at all).
    pub key: &'a str,
    /// The credential it names, when it is an id.
    pub client_id: Option<&'a ClientId>,
    /// The source address.
    pub ip: &'a str,
    /// `secret::attempt_tag` of the presented secret.
    pub tag: &'a str,
    /// The window (its start, in seconds) and when it ends.
    pub window: i64,
    pub window_end: Timestamp,
    /// Attempts allowed in the window per address, and per client over all addresses.
    pub per_ip: u64,
    pub per_client: u64,
}

/// What storage made of a token attempt. The credential is read beside the count, in the
/// same round trip.
#[derive(Clone, Debug, PartialEq)]
pub enum AttemptOutcome {
    /// A limit of the window is reached: nothing counted, the attempt is refused.
    Exceeded,
    /// Counted: the tag was not one that got a token before. The secret may still be right
    /// (a new or rolled secret, a client's first token): the caller verifies it.
    Counted { credential: Option<Box<Credential>> },
    /// Not counted: the tag is one that got a token before. The caller verifies the
    /// secret; a success resets the window when `earlier` (attempts counted before it),
    /// anything else must be counted (`count_token_attempt`) before it is answered.
    Remembered {
        credential: Option<Box<Credential>>,
        earlier: bool,
    },
    /// The counter could not be updated (throttled, say) while the credential was read:
    /// refuse (fail closed).
    CounterFailed,
}

/// A rate window as stored: its hits, and how many of them each tally counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RateUsage {
    pub key: String,
    pub count: u64,
    pub tallies: std::collections::BTreeMap<String, u64>,
}

/// What one credential may hold open at a time, counted in leases that lapse by themselves
/// (a Lambda that dies holding one frees it when its time runs out).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LeaseKind {
    /// `wait_for_completion` requests waiting now.
    Waits,
    /// Exports (and snapshots) queued or running.
    Bulk,
}

impl LeaseKind {
    /// How many the credential may hold.
    pub const fn slots(self) -> usize {
        match self {
            Self::Waits => 2,
            Self::Bulk => 3,
        }
    }
}

/// Where a store keeps a taken lease: given back with it, the lease needs no look-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeaseSlot(pub usize);

/// A slot of `client`'s lease of `kind`, held until `until`, that a write claims with what
/// it writes (`JobStore::create_job_holding`).
#[derive(Clone, Copy, Debug)]
pub struct LeaseClaim<'a> {
    pub kind: LeaseKind,
    pub client: &'a ClientId,
    pub until: Timestamp,
}

/// What request handlers call, by capability (`AccessStore`, `ContentStore`, `StashStore`,
/// `FlagStore`, `JobStore`): a module names the capabilities it uses in its imports, and a
/// store is one by implementing them all. The batch reads (`get_tags`, `get_details`, ...)
/// return each stored item once, in no particular order, however often its id is asked
/// for; ids that name nothing are left out.
pub trait Store:
    AccessStore + ContentStore + StashStore + FlagStore + JobStore + EventStore + WebhookStore
{
}

impl<T> Store for T where
    T: AccessStore + ContentStore + StashStore + FlagStore + JobStore + EventStore + WebhookStore
{
}

pub use webhooks::WebhookStore;

/// What a store has done, for the cost-per-request tests and the benchmarks: no request
/// handler reads these.
pub trait Metered {
    /// How many storage calls this store has made (for the cost-per-request tests).
    fn calls(&self) -> u64 {
        0
    }

    /// How many stored items its reads have examined (DynamoDB's ScannedCount, plus items
    /// fetched by key): what a read costs, for the scale benchmark.
    fn items_read(&self) -> u64 {
        0
    }

    /// (read, write) capacity units DynamoDB reported consumed by this store's calls.
    fn consumed_capacity(&self) -> (f64, f64) {
        (0.0, 0.0)
    }

    /// Items and bytes the writes of this store have stored (for the scale benchmark's
    /// index cost).
    fn written(&self) -> (u64, u64) {
        (0, 0)
    }
}

/// Who may call and how often: credentials, workspaces and filters, idempotency records,
/// rate-limit counters, leases, the published keys and the kill switch. Every `/v1` request
/// and the token endpoint use it.
#[async_trait]
pub trait AccessStore: Send + Sync {
    async fn get_credential(&self, id: &ClientId) -> StoreResult<Option<Credential>>;

    async fn get_workspace(&self, ws: WorkspaceId) -> StoreResult<Option<Workspace>>;

    async fn get_filters(&self, ws: WorkspaceId, ids: &[ResourceId]) -> StoreResult<Vec<Filter>>;

    async fn get_idempotency(&self, key: &IdemKey) -> StoreResult<Option<IdemRecord>>;

    /// Remembers an answer under its key alone, for a write whose effect is not in the
    /// table (queued deliveries): `Saved`, or `IdempotencyTaken` with the record of the
    /// request that took the key first.
    async fn remember_answer(&self, record: &IdemRecord) -> StoreResult<SaveOutcome>;

    /// Counts one hit in the window `key` (which expires at `expires_at`), unless `limit`
    /// hits are counted already, and the hit under `tally` (the route it was for): one
    /// atomic conditional update. A credential's usage is read back from the tallies.
    async fn hit_tallied(
        &self,
        key: &str,
        limit: u64,
        expires_at: Timestamp,
        tally: &str,
    ) -> StoreResult<RateHit>;

    /// The windows `keys` that exist: their counts and tallies.
    async fn rate_usage(&self, keys: &[String]) -> StoreResult<Vec<RateUsage>>;

    /// One token attempt: the credential read beside a conditional update of the client's
    /// attempt item, which counts the attempt (within both limits, atomically) unless its
    /// tag is one that got a token before. A right, remembered secret with nothing counted
    /// before it is this one round trip, and writes nothing. An error is the credential
    /// read's (storage down).
    async fn token_attempt(&self, attempt: &TokenAttempt<'_>) -> StoreResult<AttemptOutcome>;

    /// Counts an attempt whatever its tag (a remembered tag whose secret did not verify):
    /// `false` when a limit refused it.
    async fn count_token_attempt(&self, attempt: &TokenAttempt<'_>) -> StoreResult<bool>;

    /// After a success: the window's attempts of the client and of this address start
    /// over, and the secret's tag is remembered.
    async fn token_success(&self, attempt: &TokenAttempt<'_>) -> StoreResult<()>;

    /// The hits counted in the window `key`: 0 when it has none or it expired.
    async fn rate_count(&self, key: &str) -> StoreResult<u64>;

    /// Takes one of `kind`'s leases of `client` for `holder` until `until`: `None` when
    /// every slot is held by someone else and unexpired. A holder that holds one already
    /// keeps it (a retried take), with the later expiry.
    async fn take_lease(
        &self,
        kind: LeaseKind,
        client: &ClientId,
        holder: &str,
        until: Timestamp,
    ) -> StoreResult<Option<LeaseSlot>>;

    /// Gives `holder`'s lease back, if it holds one. `at`, where `take_lease` put it, saves
    /// looking for it.
    async fn drop_lease(
        &self,
        kind: LeaseKind,
        client: &ClientId,
        holder: &str,
        at: Option<LeaseSlot>,
    ) -> StoreResult<()>;

    /// What the token function publishes for the `/v1` functions (its public keys).
    async fn published_keys(&self) -> StoreResult<Option<PublishedKeys>>;

    async fn put_published_keys(&self, keys: &PublishedKeys) -> StoreResult<()>;

    async fn kill_switch(&self) -> StoreResult<bool>;

    /// The firm, workspaces and custom filters a credential's grants name, in one batch
    /// read; what names nothing is left out.
    async fn get_reach(
        &self,
        firm: &ResourceId,
        workspaces: &[WorkspaceId],
        filters: &[(WorkspaceId, ResourceId)],
    ) -> StoreResult<Reach>;
}

/// What a workspace holds, read: tags, projects, details, families, their search lists,
/// references, groups and versions.
#[async_trait]
pub trait ContentStore: Send + Sync {
    async fn list_tags(&self, ws: WorkspaceId) -> StoreResult<Vec<Tag>>;

    async fn get_tags(&self, ws: WorkspaceId, ids: &[ResourceId]) -> StoreResult<Vec<Tag>>;

    async fn get_projects(&self, ws: WorkspaceId, ids: &[ResourceId]) -> StoreResult<Vec<Project>>;

    async fn get_detail(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<Option<DetailRecord>>;

    /// A detail and its workspace (what a download needs: the file and the downloads
    /// switch), in one call.
    async fn get_detail_with_workspace(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<(Option<DetailRecord>, Option<Workspace>)>;

    /// A family and its workspace, in one call.
    async fn get_family_with_workspace(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<(Option<FamilyRecord>, Option<Workspace>)>;

    async fn get_details(&self, ws: WorkspaceId, ids: &[ResourceId]) -> StoreResult<Vec<Detail>>;

    /// Up to `max` details of `list` strictly after position `after`, in order.
    async fn query_details(
        &self,
        ws: WorkspaceId,
        list: &SearchList,
        after: Option<&str>,
        max: usize,
    ) -> StoreResult<Slice<Detail>>;

    async fn get_family(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<Option<FamilyRecord>>;

    async fn get_families(&self, ws: WorkspaceId, ids: &[ResourceId]) -> StoreResult<Vec<Family>>;

    /// Up to `max` families of `list` strictly after position `after`, in order.
    async fn query_families(
        &self,
        ws: WorkspaceId,
        list: &SearchList,
        after: Option<&str>,
        max: usize,
    ) -> StoreResult<Slice<Family>>;

    /// How many members each of `lists` has, in the order asked (0 for an empty list).
    /// What search plans with; one batch read of one small item per list.
    async fn list_sizes(
        &self,
        ws: WorkspaceId,
        listed: Listed,
        lists: &[SearchList],
    ) -> StoreResult<Vec<u64>>;

    /// Up to `max` projects of `ws` in `project_sort_key` order, strictly after `after`.
    async fn query_projects(
        &self,
        ws: WorkspaceId,
        after: Option<&str>,
        max: usize,
    ) -> StoreResult<Slice<Project>>;

    /// Up to `max` current uses of a family strictly after `after`, in
    /// `references::sort_key` order (possibly fewer, with `last_key` set, when entries
    /// read turned out stale).
    async fn query_family_references(
        &self,
        ws: WorkspaceId,
        family: &ResourceId,
        after: Option<&str>,
        max: usize,
    ) -> StoreResult<Slice<ReferenceEntry>>;

    async fn get_family_group(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<Option<FamilyGroup>>;

    async fn get_family_version(
        &self,
        ws: WorkspaceId,
        family: &ResourceId,
        version: u64,
    ) -> StoreResult<Option<FamilyVersionRecord>>;

    /// Up to `max` versions of the family, newest first, older than `before`.
    async fn list_family_versions(
        &self,
        ws: WorkspaceId,
        family: &ResourceId,
        before: Option<u64>,
        max: usize,
    ) -> StoreResult<VersionPage>;
}

/// Stashes: read, written with their idempotency records and reference entries, listed.
#[async_trait]
pub trait StashStore: Send + Sync {
    async fn get_stash(&self, ws: WorkspaceId, id: &ResourceId)
    -> StoreResult<Option<StashRecord>>;

    /// Writes the stash, its idempotency record and the reference entries of the families
    /// it holds (added, renamed or dropped ones) atomically: all or nothing.
    async fn save_stash(&self, write: &StashWrite) -> StoreResult<SaveOutcome>;

    /// Deletes the stash if it is still at version `expected`, with its listing copies and
    /// the reference entries of the families it holds: `Saved`, or `VersionMismatch` when
    /// it moved on or is gone. A stash whose entries don't fit one transaction goes in
    /// steps that never show a reader an entry of the deleted stash.
    /// `events` commit with the step that takes the stash away.
    async fn delete_stash(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
        expected: u64,
        events: &[EventRecord],
    ) -> StoreResult<SaveOutcome>;

    /// The stash as it was when a delete in steps began that has not finished (the stash is
    /// gone, some of its marked reference entries may not be): `delete_stash` with its
    /// version finishes it.
    async fn pending_stash_delete(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<Option<StashRecord>>;

    /// Up to `max` stashes of `index`, newest first, strictly after `after`.
    async fn query_stashes(
        &self,
        ws: WorkspaceId,
        index: &StashIndex,
        after: Option<&str>,
        max: usize,
    ) -> StoreResult<Slice<Stash>>;
}

/// Up to `max` of a workspace's open-flag counts, in detail id order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpenFlagIndex {
    pub counts: HashMap<ResourceId, u64>,
    /// The last id read when more counts follow it; `None` when every count was read.
    pub last: Option<ResourceId>,
}

impl OpenFlagIndex {
    /// The count of `id`, or `None` when it lies past what was read (read it alone).
    pub fn count(&self, id: &ResourceId) -> Option<u64> {
        match (self.counts.get(id), &self.last) {
            (Some(n), _) => Some(*n),
            (None, Some(last)) if id.as_str() > last.as_str() => None,
            (None, _) => Some(0),
        }
    }
}

/// Detail flags and the open count kept beside their detail.
#[async_trait]
pub trait FlagStore: Send + Sync {
    /// Writes a flag and moves its detail's open count, atomically (see `FlagWrite`).
    async fn save_flag(&self, write: &FlagWrite) -> StoreResult<SaveOutcome>;

    async fn get_flag(
        &self,
        ws: WorkspaceId,
        detail: &ResourceId,
        flag: &ResourceId,
    ) -> StoreResult<Option<FlagRecord>>;

    /// Up to `max` flags of a detail strictly after `after`, newest first; the sort key is
    /// the flag id.
    async fn query_flags(
        &self,
        ws: WorkspaceId,
        detail: &ResourceId,
        after: Option<&str>,
        max: usize,
    ) -> StoreResult<Slice<FlagRecord>>;

    /// The open-flag counts of `ids` (absent: none open).
    async fn open_flag_counts(
        &self,
        ws: WorkspaceId,
        ids: &[ResourceId],
    ) -> StoreResult<HashMap<ResourceId, u64>>;

    /// The counts of the workspace's details with open flags, by detail id, at most `max`
    /// of them: what a search page reads beside its list query.
    async fn open_flags_in(&self, ws: WorkspaceId, max: usize) -> StoreResult<OpenFlagIndex>;

    /// A detail with its `open_flags` set from its count: both items in one call.
    async fn get_detail_counted(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<Option<DetailRecord>>;
}

/// Jobs (uploads and exports) and what the upload worker commits.
#[async_trait]
pub trait JobStore: Send + Sync {
    /// Writes a new job and its idempotency record atomically: both or neither.
    /// `VersionMismatch` when the job id is taken.
    async fn create_job(
        &self,
        job: &JobRecord,
        idempotency: Option<&IdemRecord>,
    ) -> StoreResult<SaveOutcome>;

    /// `create_job`, and in the same transaction a slot of `lease` for the job (held under
    /// its id): the first slot free, lapsed or already the job's. `LimitReached`, with
    /// nothing written, when every slot is another's.
    async fn create_job_holding(
        &self,
        job: &JobRecord,
        idempotency: Option<&IdemRecord>,
        lease: &LeaseClaim<'_>,
    ) -> StoreResult<SaveOutcome>;

    /// A consistent read; `None` when there is none or it is past its lifetime.
    async fn get_job(&self, ws: WorkspaceId, id: &ResourceId) -> StoreResult<Option<JobRecord>>;

    /// A job and its workspace (an export's answer signs its link only while the
    /// workspace's downloads are on), in one call, both read strongly consistent.
    async fn get_job_with_workspace(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<(Option<JobRecord>, Option<Workspace>)>;

    /// Replaces the job if its stored revision is still `expected`, with `events`;
    /// `false` (nothing written) when it moved on.
    async fn update_job(
        &self,
        job: &JobRecord,
        expected: u64,
        events: &[EventRecord],
    ) -> StoreResult<bool>;

    /// One transaction: the family (new, or still at its expected version), its version
    /// record and the job (still at its expected revision). Nothing is written unless all
    /// three hold. The family's search-list copies go with them, or, when there are more
    /// than a transaction takes, right after (retried); if those still fail, the commit
    /// stands, the error is returned, and `settle_family_lists` finishes them later.
    async fn commit_family_version(&self, commit: &VersionCommit) -> StoreResult<CommitOutcome>;

    /// Writes what a committed version of the family left out of its search lists (see
    /// `commit_family_version`), if anything: `true` when there was something. Safe to
    /// repeat and to run twice at once (sizes move once), and beside the family's next
    /// version (its copies are written again if this one's may have landed over them).
    async fn settle_family_lists(&self, ws: WorkspaceId, family: &ResourceId) -> StoreResult<bool>;
}

/// The events feed: every write above commits its events with it (`events` in each);
/// these read them, and write those of changes that have no transaction of their own.
#[async_trait]
pub trait EventStore: Send + Sync {
    /// Up to `max` events of `ws` with a sequence above `after`, in sequence order.
    async fn query_events(
        &self,
        ws: WorkspaceId,
        after: u64,
        max: usize,
    ) -> StoreResult<Vec<EventRecord>>;

    /// The sequence of `ws`'s last event (0: none yet), read consistently: a snapshot
    /// reads it before anything else, so the events after it cover every change the
    /// snapshot may have missed.
    async fn last_event_sequence(&self, ws: WorkspaceId) -> StoreResult<u64>;

    /// Writes `events` on their own, numbered in one transaction: for the changes of
    /// imports and admin deletes, whose writes span more than one transaction (see
    /// `AdminStore::put_items`).
    async fn append_events(&self, events: &[EventRecord]) -> StoreResult<()>;
}

/// Actions a DynamoDB transaction needs for `events`: one per event and one sequence
/// counter per workspace.
pub fn event_actions(events: &[EventRecord]) -> usize {
    let mut wss: Vec<WorkspaceId> = events.iter().map(|e| e.event.workspace_id).collect();
    wss.sort();
    wss.dedup();
    events.len() + wss.len()
}

/// What only operators call (`pirros-admin`, the fixture importer, tests): no request
/// handler holds one, so none of these can run on a request path.
#[async_trait]
pub trait AdminStore: Store + Metered {
    async fn get_firm(&self, id: &ResourceId) -> StoreResult<Option<Firm>>;

    /// Writes the credential, replacing what is stored under its client id, whatever its
    /// version (tests and fixtures; operators go through `credential_update::update`).
    async fn put_credential(&self, c: &Credential) -> StoreResult<()>;
    /// Replaces the credential only if the stored one's `version` is still `expected`
    /// (the version the caller read), with `events`; `false`, and nothing written, when
    /// another write came first or the credential is gone.
    async fn replace_credential(
        &self,
        c: &Credential,
        expected: u64,
        events: &[EventRecord],
    ) -> StoreResult<bool>;
    /// Writes the credential only if its client id is new; `false` (and nothing written)
    /// when one exists.
    async fn insert_credential(&self, c: &Credential) -> StoreResult<bool>;

    async fn list_filters(&self, ws: WorkspaceId) -> StoreResult<Vec<Filter>>;

    /// Every credential of the table (who holds a grant on a filter that changed; the
    /// DynamoDB store scans for them, which no request path does).
    async fn list_credentials(&self) -> StoreResult<Vec<Credential>>;

    /// Every workspace of the table (an operator's look-up of an id across workspaces;
    /// the DynamoDB store scans for them, which no request path does).
    async fn list_workspaces(&self) -> StoreResult<Vec<Workspace>>;
    /// `false` when there was no such filter.
    async fn delete_filter(&self, ws: WorkspaceId, id: &ResourceId) -> StoreResult<bool>;

    async fn set_kill_switch(&self, on: bool) -> StoreResult<()>;

    /// Deletes a detail: its search-list copies (with the lists' sizes), its flags and
    /// open count and its entries among its families' references, then its record with
    /// `events`, in one transaction. The record goes last, so a delete that stopped half-way
    /// is finished by the next. Stashes that hold it are the caller's to change first.
    /// `false`: there is no such detail.
    async fn delete_detail(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
        events: &[EventRecord],
    ) -> StoreResult<bool>;

    /// Deletes a family the same way: its search-list copies and sizes, its versions and
    /// every reference entry under it, then its record with `events`. Stashes, groups and
    /// details that hold it are the caller's to change first.
    async fn delete_family(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
        events: &[EventRecord],
    ) -> StoreResult<bool>;

    /// Writes items as they are (the importer validated them first), details and families
    /// with their search list memberships (`search::lists::memberships`) and the lists'
    /// sizes. A detail or family written again leaves no copy in a list it no longer
    /// belongs to.
    async fn put_items(&self, items: &[Item]) -> StoreResult<()>;
}

pub type SharedStore = Arc<dyn Store>;

// ---- Jobs and family versions (uploads and exports).

/// A family's next version, written together with the job that made it.
#[derive(Clone, Debug)]
pub struct VersionCommit {
    pub family: FamilyRecord,
    /// `None`: a new family (its id must be free). `Some(v)`: only if still at version `v`.
    pub expected_family_version: Option<u64>,
    pub version: FamilyVersionRecord,
    pub job: JobRecord,
    pub expected_job_revision: u64,
    /// What the commit records in the events feed, committed with it.
    pub events: Vec<EventRecord>,
}

#[derive(Debug, PartialEq)]
pub enum CommitOutcome {
    Committed,
    /// The family changed (another version landed) since it was read: read it again.
    FamilyMoved,
    /// The job moved on (another delivery of the same work committed it): nothing to do.
    JobMoved,
}

#[derive(Debug, Default)]
pub struct VersionPage {
    pub versions: Vec<FamilyVersionRecord>,
    /// Set when older versions follow the last one.
    pub more: bool,
}
pub type SharedAdminStore = Arc<dyn AdminStore>;
