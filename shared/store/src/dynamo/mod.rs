//! The production store: one DynamoDB table (see `keys.rs` and `infra/TABLE.md`).
//! This module holds the client, the item codec and the error mapping, and answers the
//! trait methods that are one key read or write; each submodule holds one concern.

mod batch;
mod deletes;
mod discovery;
mod events;
mod flags;
mod import;
mod jobs;
mod leases;
mod limits;
mod lists;
mod migrate;
mod query;
mod references;
mod single;
mod stashes;
mod table;
mod token;
mod transact;
mod webhooks;

use super::capacity::{self, Meter};
pub use batch::item_bytes;
pub use migrate::Migrated;

use super::keys::{self, PK, SK, kind};
use super::*;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{BuildError, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

pub type Attrs = HashMap<String, AttributeValue>;
type Key = (String, String);

pub struct DynamoStore {
    client: Client,
    table: String,
    calls: AtomicU64,
    items_read: AtomicU64,
    capacity: Meter,
    items_written: AtomicU64,
    bytes_written: AtomicU64,
    /// Most items a stash write puts in one transaction before it goes in steps:
    /// DynamoDB's 100, or fewer where a test makes the stepped path run on small stashes.
    transaction_items: usize,
    stop: StopPoint,
    /// Per workspace, the events sequence this container last saw (`events.rs`).
    sequences: std::sync::Mutex<HashMap<WorkspaceId, u64>>,
    renumbered: AtomicU64,
}

fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

/// A conditional write's answer: `true` when it wrote, `false` when its condition failed
/// (nothing written), any other failure classified.
fn written<E, R>(sent: Result<(), SdkError<E, R>>) -> StoreResult<bool>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    match sent {
        Ok(()) => Ok(true),
        Err(SdkError::ServiceError(se))
            if se.err().code() == Some("ConditionalCheckFailedException") =>
        {
            Ok(false)
        }
        Err(e) => Err(classify(e)),
    }
}

/// Throttling, timeouts and transport failures are worth a retry later (503);
/// everything else is a bug or a misconfiguration (500).
fn classify<E, R>(e: SdkError<E, R>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    let transient = match &e {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            true
        }
        SdkError::ServiceError(se) => matches!(
            se.err().code(),
            Some(
                "ThrottlingException"
                    | "ProvisionedThroughputExceededException"
                    | "RequestLimitExceeded"
                    | "InternalServerError"
                    | "ServiceUnavailable"
            )
        ),
        _ => false,
    };
    // What DynamoDB said, when it answered (its code and message, not the whole response);
    // otherwise the chain of causes (a refused connection, a missing region).
    let msg = match &e {
        SdkError::ServiceError(se) => format!(
            "{}: {}",
            se.err().code().unwrap_or("unknown error"),
            se.err().message().unwrap_or("no message")
        ),
        _ => aws_sdk_dynamodb::error::DisplayErrorContext(e).to_string(),
    };
    if transient {
        StoreError::Unavailable(msg)
    } else {
        StoreError::Internal(msg)
    }
}

/// An SDK builder that refused its input: always our bug.
fn built<T>(r: Result<T, BuildError>) -> StoreResult<T> {
    r.map_err(|e| StoreError::Internal(e.to_string()))
}

fn decode<T: DeserializeOwned>(item: Attrs) -> StoreResult<T> {
    serde_dynamo::from_item(item).map_err(|e| StoreError::Internal(format!("corrupt item: {e}")))
}

fn encode<T: Serialize>(value: &T, key: Key) -> StoreResult<Attrs> {
    let mut item: Attrs = serde_dynamo::to_item(value)
        .map_err(|e| StoreError::Internal(format!("cannot encode item: {e}")))?;
    item.insert(PK.into(), s(key.0));
    item.insert(SK.into(), s(key.1));
    Ok(item)
}

fn key_attrs((pk, sk): Key) -> Attrs {
    HashMap::from([(PK.to_owned(), s(pk)), (SK.to_owned(), s(sk))])
}

/// Keys of `ids` under `kind` in the workspace's partition.
fn keys_in(ws: WorkspaceId, kind: &str, ids: &[ResourceId]) -> Vec<Key> {
    ids.iter()
        .map(|id| keys::in_workspace(ws, kind, id))
        .collect()
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
            calls: AtomicU64::new(0),
            items_read: AtomicU64::new(0),
            capacity: Meter::default(),
            items_written: AtomicU64::new(0),
            bytes_written: AtomicU64::new(0),
            transaction_items: transact::MAX_TRANSACTION_ITEMS,
            stop: StopPoint::default(),
            sequences: Default::default(),
            renumbered: AtomicU64::new(0),
        }
    }

    /// Stops a write in steps once after `stop`'s step (tests only).
    pub fn with_stop(mut self, stop: StopPoint) -> Self {
        self.stop = stop;
        self
    }

    /// Stash writes of more than `n` items (2 to 100) go in steps.
    pub fn with_transaction_items(mut self, n: usize) -> Self {
        self.transaction_items = n.clamp(2, transact::MAX_TRANSACTION_ITEMS);
        self
    }

    fn count(&self) {
        self.calls.fetch_add(1, Ordering::Relaxed);
        crate::usage::add(|u| u.calls += 1);
    }

    fn read(&self, items: usize) {
        self.items_read.fetch_add(items as u64, Ordering::Relaxed);
        crate::usage::add(|u| u.items_read += items as u64);
    }

    fn wrote(&self, bytes: usize) {
        self.items_written.fetch_add(1, Ordering::Relaxed);
        self.bytes_written
            .fetch_add(bytes as u64, Ordering::Relaxed);
    }

    async fn get(&self, key: Key, consistent: bool) -> StoreResult<Option<Attrs>> {
        self.count();
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key_attrs(key)))
            .consistent_read(consistent)
            .return_consumed_capacity(capacity::TOTAL)
            .send()
            .await
            .map_err(classify)?;
        self.capacity.read(out.consumed_capacity());
        self.read(usize::from(out.item.is_some()));
        Ok(out.item)
    }

    async fn get_as<T: DeserializeOwned>(
        &self,
        key: Key,
        consistent: bool,
    ) -> StoreResult<Option<T>> {
        self.get(key, consistent).await?.map(decode).transpose()
    }

    async fn put(&self, item: Attrs) -> StoreResult<()> {
        self.count();
        let out = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .return_consumed_capacity(capacity::TOTAL)
            .send()
            .await
            .map_err(classify)?;
        self.capacity.write(out.consumed_capacity());
        Ok(())
    }

    /// Deletes `key` if `condition` holds of it (`#a` names `attribute`, `:v` is `value`);
    /// `false` when it did not, and nothing was deleted.
    async fn delete_where(
        &self,
        key: Key,
        condition: &str,
        attribute: &str,
        value: AttributeValue,
    ) -> StoreResult<bool> {
        self.count();
        let out = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key_attrs(key)))
            .condition_expression(condition)
            .expression_attribute_names("#a", attribute)
            .expression_attribute_values(":v", value)
            .return_consumed_capacity(capacity::TOTAL)
            .send()
            .await;
        written(out.map(|out| self.capacity.write(out.consumed_capacity())))
    }

    /// Deletes one item; `true` when there was one.
    async fn delete(&self, key: Key) -> StoreResult<bool> {
        self.count();
        let out = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key_attrs(key)))
            .return_values(ReturnValue::AllOld)
            .return_consumed_capacity(capacity::TOTAL)
            .send()
            .await
            .map_err(classify)?;
        self.capacity.write(out.consumed_capacity());
        Ok(out.attributes.is_some_and(|a| !a.is_empty()))
    }

    /// Every item of `pk` whose sort key starts with `prefix`, all pages.
    async fn query_prefix<T: DeserializeOwned>(
        &self,
        pk: String,
        prefix: &str,
    ) -> StoreResult<Vec<T>> {
        self.query_all(pk, prefix, false)
            .await?
            .into_iter()
            .map(decode)
            .collect()
    }

    /// The items (or, `keys_only`, their keys) of `pk` whose sort key starts with
    /// `prefix` (empty: the whole partition), all pages.
    async fn query_all(
        &self,
        pk: String,
        prefix: &str,
        keys_only: bool,
    ) -> StoreResult<Vec<Attrs>> {
        self.query_pages(pk, prefix, keys_only, false).await
    }

    /// `query_all`; `consistent`: after every write that succeeded before it (what a count
    /// under a cap needs).
    async fn query_pages(
        &self,
        pk: String,
        prefix: &str,
        keys_only: bool,
        consistent: bool,
    ) -> StoreResult<Vec<Attrs>> {
        let mut out = Vec::new();
        let mut start: Option<Attrs> = None;
        loop {
            // DynamoDB refuses an empty prefix.
            let sort = match prefix {
                "" => query::SortKeys::All,
                p => query::SortKeys::Prefix(p),
            };
            let q = query::PartitionQuery::new(pk.clone(), sort)
                .consistent(consistent)
                .start(start);
            let page = self
                .query_partition_with(q, |query| match keys_only {
                    true => query
                        .expression_attribute_names("#sk", SK)
                        .projection_expression("#pk, #sk"),
                    false => query,
                })
                .await?;
            out.extend(page.items);
            match page.last {
                Some(k) => start = Some(k),
                None => return Ok(out),
            }
        }
    }
}

#[async_trait]
impl AccessStore for DynamoStore {
    async fn get_credential(&self, id: &ClientId) -> StoreResult<Option<Credential>> {
        // Consistent: a revocation must be seen by the very next request.
        self.get_as(keys::credential(id), true).await
    }

    async fn get_workspace(&self, ws: WorkspaceId) -> StoreResult<Option<Workspace>> {
        self.get_as(keys::workspace(ws), false).await
    }

    async fn get_filters(&self, ws: WorkspaceId, ids: &[ResourceId]) -> StoreResult<Vec<Filter>> {
        self.batch_get(keys_in(ws, kind::FILTER, ids)).await
    }

    async fn get_idempotency(&self, key: &IdemKey) -> StoreResult<Option<IdemRecord>> {
        self.get_as(keys::idempotency(&key.client_id, &key.key), true)
            .await
    }

    async fn remember_answer(&self, record: &IdemRecord) -> StoreResult<SaveOutcome> {
        let put = transact::idempotency_put(&self.table, record)?;
        self.commit(vec![put], Some((0, &record.key))).await
    }

    async fn hit_tallied(
        &self,
        key: &str,
        limit: u64,
        expires_at: Timestamp,
        tally: &str,
    ) -> StoreResult<RateHit> {
        self.count_hit(key, limit, expires_at, tally).await
    }

    async fn rate_usage(&self, keys: &[String]) -> StoreResult<Vec<RateUsage>> {
        self.read_rate_usage(keys).await
    }

    async fn rate_count(&self, key: &str) -> StoreResult<u64> {
        self.read_rate_count(key).await
    }

    async fn token_attempt(&self, attempt: &TokenAttempt<'_>) -> StoreResult<AttemptOutcome> {
        self.attempt_token(attempt).await
    }

    async fn count_token_attempt(&self, attempt: &TokenAttempt<'_>) -> StoreResult<bool> {
        self.count_attempt_regardless(attempt).await
    }

    async fn token_success(&self, attempt: &TokenAttempt<'_>) -> StoreResult<()> {
        self.remember_token_success(attempt).await
    }

    async fn take_lease(
        &self,
        kind: LeaseKind,
        client: &ClientId,
        holder: &str,
        until: Timestamp,
    ) -> StoreResult<Option<LeaseSlot>> {
        self.take_slot(kind, client, holder, until).await
    }

    async fn drop_lease(
        &self,
        kind: LeaseKind,
        client: &ClientId,
        holder: &str,
        at: Option<LeaseSlot>,
    ) -> StoreResult<()> {
        self.give_slot_back(kind, client, holder, at).await
    }

    async fn published_keys(&self) -> StoreResult<Option<PublishedKeys>> {
        self.get_as(keys::published_keys(), true).await
    }

    async fn put_published_keys(&self, published: &PublishedKeys) -> StoreResult<()> {
        self.put(encode(published, keys::published_keys())?).await
    }

    async fn kill_switch(&self) -> StoreResult<bool> {
        self.read_kill_switch().await
    }

    async fn get_reach(
        &self,
        firm: &ResourceId,
        workspaces: &[WorkspaceId],
        filters: &[(WorkspaceId, ResourceId)],
    ) -> StoreResult<Reach> {
        self.read_reach(firm, workspaces, filters).await
    }
}

#[async_trait]
impl ContentStore for DynamoStore {
    async fn list_tags(&self, ws: WorkspaceId) -> StoreResult<Vec<Tag>> {
        self.query_prefix(keys::workspace_pk(ws), kind::TAG).await
    }

    async fn get_tags(&self, ws: WorkspaceId, ids: &[ResourceId]) -> StoreResult<Vec<Tag>> {
        self.batch_get(keys_in(ws, kind::TAG, ids)).await
    }

    async fn get_projects(&self, ws: WorkspaceId, ids: &[ResourceId]) -> StoreResult<Vec<Project>> {
        self.batch_get(keys_in(ws, kind::PROJECT, ids)).await
    }

    async fn get_detail(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<Option<DetailRecord>> {
        self.get_as(keys::in_workspace(ws, kind::DETAIL, id), false)
            .await
    }

    async fn get_details(&self, ws: WorkspaceId, ids: &[ResourceId]) -> StoreResult<Vec<Detail>> {
        let recs: Vec<DetailRecord> = self.batch_get(keys_in(ws, kind::DETAIL, ids)).await?;
        Ok(recs.into_iter().map(|r| r.detail).collect())
    }

    async fn query_details(
        &self,
        ws: WorkspaceId,
        list: &SearchList,
        after: Option<&str>,
        max: usize,
    ) -> StoreResult<Slice<Detail>> {
        let pk = keys::search_list(Listed::Details, ws, list);
        self.query_list(pk, after, max).await
    }

    async fn get_detail_with_workspace(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<(Option<DetailRecord>, Option<Workspace>)> {
        self.get_beside_workspace(ws, keys::in_workspace(ws, kind::DETAIL, id), false)
            .await
    }

    async fn get_family_with_workspace(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<(Option<FamilyRecord>, Option<Workspace>)> {
        self.get_beside_workspace(ws, keys::family(ws, id), false)
            .await
    }

    async fn get_family(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<Option<FamilyRecord>> {
        self.get_as(keys::family(ws, id), false).await
    }

    async fn get_families(&self, ws: WorkspaceId, ids: &[ResourceId]) -> StoreResult<Vec<Family>> {
        let keys = ids.iter().map(|id| keys::family(ws, id)).collect();
        let recs: Vec<FamilyRecord> = self.batch_get(keys).await?;
        Ok(recs.into_iter().map(|r| r.family).collect())
    }

    async fn query_families(
        &self,
        ws: WorkspaceId,
        list: &SearchList,
        after: Option<&str>,
        max: usize,
    ) -> StoreResult<Slice<Family>> {
        let pk = keys::search_list(Listed::Families, ws, list);
        self.query_list(pk, after, max).await
    }

    async fn list_sizes(
        &self,
        ws: WorkspaceId,
        listed: Listed,
        lists: &[SearchList],
    ) -> StoreResult<Vec<u64>> {
        self.list_sizes_of(ws, listed, lists).await
    }

    async fn query_projects(
        &self,
        ws: WorkspaceId,
        after: Option<&str>,
        max: usize,
    ) -> StoreResult<Slice<Project>> {
        self.query_project_list(ws, after, max).await
    }

    async fn query_family_references(
        &self,
        ws: WorkspaceId,
        family: &ResourceId,
        after: Option<&str>,
        max: usize,
    ) -> StoreResult<Slice<ReferenceEntry>> {
        self.query_references(ws, family, after, max).await
    }

    async fn get_family_group(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<Option<FamilyGroup>> {
        self.get_as(keys::in_workspace(ws, kind::FAMILY_GROUP, id), false)
            .await
    }

    async fn get_family_version(
        &self,
        ws: WorkspaceId,
        family: &ResourceId,
        version: u64,
    ) -> StoreResult<Option<FamilyVersionRecord>> {
        self.read_family_version(ws, family, version).await
    }

    async fn list_family_versions(
        &self,
        ws: WorkspaceId,
        family: &ResourceId,
        before: Option<u64>,
        max: usize,
    ) -> StoreResult<VersionPage> {
        self.query_family_versions(ws, family, before, max).await
    }
}

#[async_trait]
impl StashStore for DynamoStore {
    async fn delete_stash(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
        expected: u64,
        events: &[EventRecord],
    ) -> StoreResult<SaveOutcome> {
        self.transact_stash_delete(ws, id, expected, events).await
    }

    async fn pending_stash_delete(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<Option<StashRecord>> {
        self.get_as(keys::stash_delete_journal(ws, id), true).await
    }

    async fn get_stash(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<Option<StashRecord>> {
        self.get_as(keys::stash(ws, id), true).await
    }

    async fn save_stash(&self, write: &StashWrite) -> StoreResult<SaveOutcome> {
        self.transact_stash(write).await
    }

    async fn query_stashes(
        &self,
        ws: WorkspaceId,
        index: &StashIndex,
        after: Option<&str>,
        max: usize,
    ) -> StoreResult<Slice<Stash>> {
        self.query_stash_list(ws, index, after, max).await
    }
}

#[async_trait]
impl FlagStore for DynamoStore {
    async fn save_flag(&self, write: &FlagWrite) -> StoreResult<SaveOutcome> {
        self.transact_flag(write).await
    }

    async fn get_flag(
        &self,
        ws: WorkspaceId,
        detail: &ResourceId,
        flag: &ResourceId,
    ) -> StoreResult<Option<FlagRecord>> {
        self.get_as(keys::flag(ws, detail, flag), true).await
    }

    async fn query_flags(
        &self,
        ws: WorkspaceId,
        detail: &ResourceId,
        after: Option<&str>,
        max: usize,
    ) -> StoreResult<Slice<FlagRecord>> {
        self.query_flag_list(ws, detail, after, max).await
    }

    async fn open_flag_counts(
        &self,
        ws: WorkspaceId,
        ids: &[ResourceId],
    ) -> StoreResult<HashMap<ResourceId, u64>> {
        self.read_open_flag_counts(ws, ids).await
    }

    async fn open_flags_in(&self, ws: WorkspaceId, max: usize) -> StoreResult<OpenFlagIndex> {
        self.query_open_flags(ws, max).await
    }

    async fn get_detail_counted(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<Option<DetailRecord>> {
        self.read_detail_counted(ws, id).await
    }
}

#[async_trait]
impl JobStore for DynamoStore {
    async fn create_job(
        &self,
        job: &JobRecord,
        idempotency: Option<&IdemRecord>,
    ) -> StoreResult<SaveOutcome> {
        self.put_new_job(job, idempotency).await
    }

    async fn create_job_holding(
        &self,
        job: &JobRecord,
        idempotency: Option<&IdemRecord>,
        lease: &LeaseClaim<'_>,
    ) -> StoreResult<SaveOutcome> {
        self.put_new_job_holding(job, idempotency, lease).await
    }

    async fn get_job(&self, ws: WorkspaceId, id: &ResourceId) -> StoreResult<Option<JobRecord>> {
        self.read_job(ws, id).await
    }

    async fn get_job_with_workspace(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<(Option<JobRecord>, Option<Workspace>)> {
        let (job, workspace): (Option<JobRecord>, _) = self
            .get_beside_workspace(ws, keys::job(ws, id), true)
            .await?;
        // TTL deletes within days of expiry; until then the item is still there.
        Ok((job.filter(|j| !j.is_past_ttl(Timestamp::now())), workspace))
    }

    async fn update_job(
        &self,
        job: &JobRecord,
        expected: u64,
        events: &[EventRecord],
    ) -> StoreResult<bool> {
        self.put_job_over(job, expected, events).await
    }

    async fn commit_family_version(&self, commit: &VersionCommit) -> StoreResult<CommitOutcome> {
        self.transact_version(commit).await
    }

    async fn settle_family_lists(&self, ws: WorkspaceId, family: &ResourceId) -> StoreResult<bool> {
        self.settle_family(ws, family).await
    }
}

impl Metered for DynamoStore {
    fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    fn items_read(&self) -> u64 {
        self.items_read.load(Ordering::Relaxed)
    }

    fn consumed_capacity(&self) -> (f64, f64) {
        self.capacity.totals()
    }

    fn written(&self) -> (u64, u64) {
        (
            self.items_written.load(Ordering::Relaxed),
            self.bytes_written.load(Ordering::Relaxed),
        )
    }
}

#[async_trait]
impl EventStore for DynamoStore {
    async fn query_events(
        &self,
        ws: WorkspaceId,
        after: u64,
        max: usize,
    ) -> StoreResult<Vec<EventRecord>> {
        self.query_event_page(ws, after, max).await
    }

    async fn last_event_sequence(&self, ws: WorkspaceId) -> StoreResult<u64> {
        self.read_sequence(ws).await
    }

    async fn append_events(&self, events: &[EventRecord]) -> StoreResult<()> {
        // As many, in order, as a transaction holds with their workspaces' counters, then
        // the next: an import that changes hundreds of resources records every one.
        let mut rest = events;
        while !rest.is_empty() {
            let mut n = 1;
            while n < rest.len() && event_actions(&rest[..=n]) <= self.transaction_items {
                n += 1;
            }
            self.commit_with_events(Vec::new(), None, &rest[..n])
                .await?;
            rest = &rest[n..];
        }
        Ok(())
    }
}

#[async_trait]
impl AdminStore for DynamoStore {
    async fn get_firm(&self, id: &ResourceId) -> StoreResult<Option<Firm>> {
        self.get_as(keys::firm(id), false).await
    }

    async fn put_credential(&self, c: &Credential) -> StoreResult<()> {
        self.put(encode(c, keys::credential(&c.client_id))?).await
    }

    async fn replace_credential(
        &self,
        c: &Credential,
        expected: u64,
        events: &[EventRecord],
    ) -> StoreResult<bool> {
        let item = encode(c, keys::credential(&c.client_id))?;
        self.put_if_version(item, expected, events).await
    }

    async fn insert_credential(&self, c: &Credential) -> StoreResult<bool> {
        self.put_new(encode(c, keys::credential(&c.client_id))?)
            .await
    }

    async fn list_filters(&self, ws: WorkspaceId) -> StoreResult<Vec<Filter>> {
        self.query_prefix(keys::workspace_pk(ws), kind::FILTER)
            .await
    }

    async fn list_workspaces(&self) -> StoreResult<Vec<Workspace>> {
        self.scan_workspaces().await
    }

    async fn list_credentials(&self) -> StoreResult<Vec<Credential>> {
        self.scan_credentials().await
    }

    async fn delete_filter(&self, ws: WorkspaceId, id: &ResourceId) -> StoreResult<bool> {
        self.delete(keys::in_workspace(ws, kind::FILTER, id)).await
    }

    async fn set_kill_switch(&self, on: bool) -> StoreResult<()> {
        self.write_kill_switch(on).await
    }

    async fn delete_detail(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
        events: &[EventRecord],
    ) -> StoreResult<bool> {
        self.remove_detail(ws, id, events).await
    }

    async fn delete_family(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
        events: &[EventRecord],
    ) -> StoreResult<bool> {
        self.remove_family(ws, id, events).await
    }

    async fn put_items(&self, items: &[Item]) -> StoreResult<()> {
        self.import(items).await
    }
}
