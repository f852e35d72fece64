//! Storage behind two traits split by who calls them: `Store`, what request handlers need,
//! and `AdminStore`, what `pirros-admin` and the fixture importer add on top. Each has a
//! DynamoDB implementation (production) and an embedded one (local default and fast tests)
//! with the same guarantees; one contract test suite runs against both.

pub mod access;
pub mod capacity;
pub mod credential_update;
pub mod dynamo;
pub mod keys;
pub mod memory;

use crate::auth::jwks::PublishedKeys;
use crate::grants::Filter;
use crate::ids::{ClientId, ResourceId, WorkspaceId};
use crate::model::{
    Credential, Detail, DetailRecord, Family, FamilyRecord, Firm, Project, StashRecord, Tag,
    Workspace,
};
use crate::timestamp::Timestamp;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be reached, timed out or throttled us: retry later.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// Anything else: a bug or corrupt data.
    #[error("storage error: {0}")]
    Internal(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

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
}

/// Which ordered list of a workspace's details a search walks. Each is kept newest first,
/// so a page reads O(limit) items of the list it walks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DetailIndex {
    All,
    Tag(ResourceId),
    Project(ResourceId),
}

impl DetailIndex {
    pub fn contains(&self, d: &Detail) -> bool {
        match self {
            DetailIndex::All => true,
            DetailIndex::Tag(t) => d.tag_ids.contains(t),
            DetailIndex::Project(p) => d.project_id.as_ref() == Some(p),
        }
    }
}

/// Position of a detail in a search: newest first, ties by id ascending.
pub fn detail_sort_key(d: &Detail) -> String {
    const LATEST: i64 = 9_999_999_999_999;
    format!(
        "{:013}#{}",
        LATEST - d.created_at.millis().clamp(0, LATEST),
        d.id
    )
}

#[derive(Debug, Default)]
pub struct DetailPage {
    /// Items with their sort keys, in order.
    pub items: Vec<(String, Detail)>,
    /// Set when the list goes on after the last item read.
    pub last_key: Option<String>,
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
}

#[derive(Debug, PartialEq)]
pub enum SaveOutcome {
    Saved,
    /// Another request with the same key committed first: here is its record.
    IdempotencyTaken(IdemRecord),
    /// The stored version was not the expected one (or the stash is gone).
    VersionMismatch,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateHit {
    pub allowed: bool,
    /// Hits counted in the window, this one included when allowed.
    pub count: u64,
}

/// What request handlers call: reads, stash writes, rate limits, the kill switch.
/// The batch reads (`get_tags`, `get_details`, ...) return each stored item once, in no
/// particular order, however often its id is asked for; ids that name nothing are left out.
#[async_trait]
pub trait Store: Send + Sync {
    async fn get_credential(&self, id: &ClientId) -> StoreResult<Option<Credential>>;

    async fn get_workspace(&self, ws: WorkspaceId) -> StoreResult<Option<Workspace>>;

    async fn get_filters(&self, ws: WorkspaceId, ids: &[ResourceId]) -> StoreResult<Vec<Filter>>;

    async fn list_tags(&self, ws: WorkspaceId) -> StoreResult<Vec<Tag>>;
    async fn get_tags(&self, ws: WorkspaceId, ids: &[ResourceId]) -> StoreResult<Vec<Tag>>;
    async fn get_projects(&self, ws: WorkspaceId, ids: &[ResourceId]) -> StoreResult<Vec<Project>>;

    async fn get_detail(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<Option<DetailRecord>>;
    async fn get_details(&self, ws: WorkspaceId, ids: &[ResourceId]) -> StoreResult<Vec<Detail>>;
    /// Up to `max` details of `index` strictly after `after`, in order.
    async fn query_details(
        &self,
        ws: WorkspaceId,
        index: &DetailIndex,
        after: Option<&str>,
        max: usize,
    ) -> StoreResult<DetailPage>;

    async fn get_family(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<Option<FamilyRecord>>;
    async fn get_families(&self, ws: WorkspaceId, ids: &[ResourceId]) -> StoreResult<Vec<Family>>;
    async fn list_families(&self, ws: WorkspaceId) -> StoreResult<Vec<Family>>;

    async fn get_stash(&self, ws: WorkspaceId, id: &ResourceId)
    -> StoreResult<Option<StashRecord>>;
    /// Writes the stash and its idempotency record atomically: both or neither.
    async fn save_stash(&self, write: &StashWrite) -> StoreResult<SaveOutcome>;

    async fn get_idempotency(&self, key: &IdemKey) -> StoreResult<Option<IdemRecord>>;

    /// Counts one hit in the window `key` (which expires at `expires_at`), unless `limit`
    /// hits are counted already. One atomic conditional update.
    async fn hit_rate_limit(
        &self,
        key: &str,
        limit: u64,
        expires_at: Timestamp,
    ) -> StoreResult<RateHit>;
    async fn reset_rate_limit(&self, key: &str) -> StoreResult<()>;
    /// The hits counted in the window `key`: 0 when it has none or it expired.
    async fn rate_count(&self, key: &str) -> StoreResult<u64>;

    /// What the token function publishes for the `/v1` functions (its public keys).
    async fn published_keys(&self) -> StoreResult<Option<PublishedKeys>>;
    async fn put_published_keys(&self, keys: &PublishedKeys) -> StoreResult<()>;

    async fn kill_switch(&self) -> StoreResult<bool>;

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
}

/// What only operators call (`pirros-admin`, the fixture importer, tests): no request
/// handler holds one, so none of these can run on a request path.
#[async_trait]
pub trait AdminStore: Store {
    async fn get_firm(&self, id: &ResourceId) -> StoreResult<Option<Firm>>;

    /// Writes the credential, replacing what is stored under its client id, whatever its
    /// version (tests and fixtures; operators go through `credential_update::update`).
    async fn put_credential(&self, c: &Credential) -> StoreResult<()>;
    /// Replaces the credential only if the stored one's `version` is still `expected`
    /// (the version the caller read); `false`, and nothing written, when another write came
    /// first or the credential is gone.
    async fn replace_credential(&self, c: &Credential, expected: u64) -> StoreResult<bool>;
    /// Writes the credential only if its client id is new; `false` (and nothing written)
    /// when one exists.
    async fn insert_credential(&self, c: &Credential) -> StoreResult<bool>;

    async fn list_filters(&self, ws: WorkspaceId) -> StoreResult<Vec<Filter>>;
    /// `false` when there was no such filter.
    async fn delete_filter(&self, ws: WorkspaceId, id: &ResourceId) -> StoreResult<bool>;

    async fn set_kill_switch(&self, on: bool) -> StoreResult<()>;

    /// Writes items as they are (the importer validated them first). A detail written again
    /// leaves no copy in a search list it no longer belongs to.
    async fn put_items(&self, items: &[Item]) -> StoreResult<()>;
}

pub type SharedStore = Arc<dyn Store>;
pub type SharedAdminStore = Arc<dyn AdminStore>;
