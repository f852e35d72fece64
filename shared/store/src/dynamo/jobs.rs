//! Jobs and family versions: a job is created with its idempotency record in one
//! transaction, moves forward by conditional puts on its revision, and an upload's result
//! lands in one transaction with the family and its version record.

use super::import::ListChanges;
use super::query::{PartitionQuery, SortKeys};
use super::transact::{MAX_TRANSACTION_ITEMS, idempotency_put};
use super::{
    Attrs, CommitOutcome, DynamoStore, FamilyRecord, FamilyVersionRecord, IdemRecord, JobRecord,
    ResourceId, SaveOutcome, StoreError, StoreResult, Timestamp, VersionCommit, VersionPage,
    WorkspaceId, built, decode, encode, keys, n,
};
use crate::event_actions;
use crate::keys::{PK, TTL};
use crate::{IdemKey, LeaseClaim};
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use pirros_domain::events::EventRecord;
use pirros_domain::model::Family;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::time::Duration;

/// A new job's transaction items, and where its idempotency record stands among them.
type NewJobItems<'k> = (Vec<TransactWriteItem>, Option<(usize, &'k IdemKey)>);

/// The attribute of a family record whose search-list copies are not all written yet.
const UNLISTED: &str = "unlisted";

/// What a family record carries while its list copies are not all written (the commit of
/// a version whose copies did not fit in its transaction, until `settle` is done): the
/// family as the lists held it before (`None`: a new family, in no list yet). Stored copies
/// are then those of `old`, of the record, or of either, list by list; sizes count `old`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct Unlisted {
    pub old: Option<Family>,
}

/// A family record as stored, with its mark if it has one.
#[derive(Deserialize)]
pub(super) struct StoredFamily {
    #[serde(flatten)]
    pub record: FamilyRecord,
    #[serde(default)]
    pub unlisted: Option<Unlisted>,
}

fn encode_value<T: Serialize>(v: &T) -> StoreResult<AttributeValue> {
    serde_dynamo::to_attribute_value(v)
        .map_err(|e| StoreError::Internal(format!("cannot encode item: {e}")))
}

/// Attempts of each write that follows a commit (an upload's list copies and sizes),
/// when DynamoDB is unavailable; the pauses between them grow fourfold from 200 ms.
pub(super) const AFTER_COMMIT_ATTEMPTS: u32 = 3;

/// Runs `op` until it succeeds, up to `AFTER_COMMIT_ATTEMPTS` times while it fails as
/// `Unavailable` (throttled, timed out, batches left unprocessed), pausing a growing,
/// jittered while between attempts. Any other error is returned at once.
pub(super) async fn after_commit<T, F, Fut>(what: &str, mut op: F) -> StoreResult<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = StoreResult<T>>,
{
    let mut attempt = 0;
    loop {
        match op().await {
            Err(StoreError::Unavailable(e)) if attempt + 1 < AFTER_COMMIT_ATTEMPTS => {
                let base = 200u64 << (2 * attempt);
                tracing::warn!(what, attempt, error = %e, "write after a commit failed; retrying");
                let pause = base + rand::random_range(0..=base / 2);
                tokio::time::sleep(Duration::from_millis(pause)).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// Codes of a cancelled transaction item that mean "something changed under us".
fn moved(code: Option<&str>) -> bool {
    matches!(code, Some("ConditionalCheckFailed" | "TransactionConflict"))
}

fn job_item(job: &JobRecord) -> StoreResult<Attrs> {
    let mut item = encode(job, keys::job(job.workspace_id, &job.id))?;
    item.insert(TTL.into(), n(job.expires_at.secs()));
    Ok(item)
}

/// The job's put, only over revision `expected`.
fn job_put(table: &str, job: &JobRecord, expected: u64) -> StoreResult<Put> {
    built(
        Put::builder()
            .table_name(table)
            .set_item(Some(job_item(job)?))
            .condition_expression("#r = :r")
            .expression_attribute_names("#r", "revision")
            .expression_attribute_values(":r", n(expected))
            .build(),
    )
}

impl DynamoStore {
    pub(super) async fn put_new_job(
        &self,
        job: &JobRecord,
        idempotency: Option<&IdemRecord>,
    ) -> StoreResult<SaveOutcome> {
        let (items, key) = self.new_job_items(job, idempotency)?;
        self.commit(items, key).await
    }

    /// A new job's put, refused when its id is taken, and its idempotency record's beside
    /// it (with where that stands in the transaction).
    fn new_job_items<'k>(
        &self,
        job: &JobRecord,
        idempotency: Option<&'k IdemRecord>,
    ) -> StoreResult<NewJobItems<'k>> {
        let put = built(
            Put::builder()
                .table_name(&self.table)
                .set_item(Some(job_item(job)?))
                .condition_expression("attribute_not_exists(#pk)")
                .expression_attribute_names("#pk", PK)
                .build(),
        )?;
        let mut items = vec![TransactWriteItem::builder().put(put).build()];
        let key = match idempotency {
            Some(idem) => {
                items.push(idempotency_put(&self.table, idem)?);
                Some((1, &idem.key))
            }
            None => None,
        };
        Ok((items, key))
    }

    /// `put_new_job`, the job holding a slot of `lease` claimed in the same transaction:
    /// slot by slot, in order, until one is free (`LimitReached` when none is).
    pub(super) async fn put_new_job_holding(
        &self,
        job: &JobRecord,
        idempotency: Option<&IdemRecord>,
        lease: &LeaseClaim<'_>,
    ) -> StoreResult<SaveOutcome> {
        for i in 0..lease.kind.slots() {
            let (mut items, key) = self.new_job_items(job, idempotency)?;
            let holder = job.id.as_str();
            items.push(self.slot_claim_item(lease.kind, lease.client, i, holder, lease.until)?);
            let claim_at = items.len() - 1;
            match self.commit_limited(items, key, Some(claim_at), &[]).await? {
                SaveOutcome::LimitReached => continue,
                outcome => return Ok(outcome),
            }
        }
        Ok(SaveOutcome::LimitReached)
    }

    pub(super) async fn read_job(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<Option<JobRecord>> {
        let job: Option<JobRecord> = self.get_as(keys::job(ws, id), true).await?;
        // TTL deletes within days of expiry; until then the item is still there.
        Ok(job.filter(|j| !j.is_past_ttl(Timestamp::now())))
    }

    pub(super) async fn put_job_over(
        &self,
        job: &JobRecord,
        expected: u64,
        events: &[EventRecord],
    ) -> StoreResult<bool> {
        if !events.is_empty() {
            let items = [TransactWriteItem::builder()
                .put(job_put(&self.table, job, expected)?)
                .build()];
            for _ in 0..8 {
                let Err(reasons) = self.transact_numbered(&items, events).await? else {
                    return Ok(true);
                };
                match reasons.first().and_then(|r| r.code()) {
                    Some("ConditionalCheckFailed") => return Ok(false),
                    // Another write held the counter at that moment: go again.
                    _ if reasons
                        .iter()
                        .any(|r| r.code() == Some("TransactionConflict")) =>
                    {
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                    _ => break,
                }
            }
            return Err(StoreError::Unavailable(
                "the job's transaction kept being cancelled".into(),
            ));
        }
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(job_item(job)?))
            .condition_expression("#r = :r")
            .expression_attribute_names("#r", "revision")
            .expression_attribute_values(":r", n(expected));
        self.put_if(put).await
    }

    pub(super) async fn transact_version(&self, c: &VersionCommit) -> StoreResult<CommitOutcome> {
        let f = &c.family.family;
        let key = keys::family(f.workspace_id, &f.id);
        // The family as stored, whose list copies the new version replaces. If it is not
        // the expected version, the transaction below fails and nothing is relisted. A
        // family whose last version's copies are not all written yet is settled first, so
        // that the lists hold one version of it when the next one moves them.
        let stored: Option<StoredFamily> = self.get_as(key.clone(), true).await?;
        if let Some(StoredFamily {
            record,
            unlisted: Some(unlisted),
        }) = &stored
        {
            self.settle(record, unlisted).await?;
        }
        let before = stored.map(|s| s.record.family);
        let family_put = Put::builder().table_name(&self.table);
        // Imported records written before families had versions carry none: they are
        // version 1.
        let family_put = match c.expected_family_version {
            None => family_put
                .condition_expression("attribute_not_exists(#pk)")
                .expression_attribute_names("#pk", PK),
            Some(1) => family_put
                .condition_expression("#v = :v OR attribute_not_exists(#v)")
                .expression_attribute_names("#v", "version")
                .expression_attribute_values(":v", n(1)),
            Some(v) => family_put
                .condition_expression("#v = :v")
                .expression_attribute_names("#v", "version")
                .expression_attribute_values(":v", n(v)),
        };
        let v = &c.version;
        // Unconditional: the family's condition already makes the version number unique.
        let version_put = Put::builder().table_name(&self.table).set_item(Some(encode(
            v,
            keys::family_version(v.workspace_id, &v.family_id, v.version.version),
        )?));
        // The search lists hold a copy per word prefix, tag, category and order: they go in
        // the same transaction when they fit (the usual family), so a job that succeeded is
        // a family every search answers. A family with more list entries than a
        // transaction takes is relisted right after it (searches answer the previous
        // version meanwhile), and its record says so (`Unlisted`) until that is done, so
        // that a later delivery of the job, the family's next version or an import
        // finishes what a failure left.
        let (list_items, changes) = self.relist_items(before.as_ref(), f)?;
        let inline = 3 + event_actions(&c.events) + list_items.len() <= MAX_TRANSACTION_ITEMS;
        let unlisted = (!inline).then(|| Unlisted {
            old: before.clone(),
        });
        let mut family_item = encode(&c.family, key)?;
        if let Some(u) = &unlisted {
            family_item.insert(UNLISTED.into(), encode_value(u)?);
        }
        let family_put = family_put.set_item(Some(family_item));
        let mut items = vec![
            TransactWriteItem::builder()
                .put(built(family_put.build())?)
                .build(),
            TransactWriteItem::builder()
                .put(built(version_put.build())?)
                .build(),
            TransactWriteItem::builder()
                .put(job_put(&self.table, &c.job, c.expected_job_revision)?)
                .build(),
        ];
        if inline {
            items.extend(list_items);
        }
        let reasons = match self.transact_numbered(&items, &c.events).await? {
            Ok(()) => {
                match &unlisted {
                    None => self.write_sizes_after_commit(&changes).await,
                    Some(u) => self.settle(&c.family, u).await?,
                }
                return Ok(CommitOutcome::Committed);
            }
            Err(reasons) => reasons
                .iter()
                .map(|r| r.code().map(str::to_owned))
                .collect::<Vec<_>>(),
        };
        if reasons
            .get(2)
            .is_some_and(|c| c.as_deref() == Some("ConditionalCheckFailed"))
        {
            return Ok(CommitOutcome::JobMoved);
        }
        if reasons.iter().any(|c| moved(c.as_deref())) {
            return Ok(CommitOutcome::FamilyMoved);
        }
        Err(StoreError::Unavailable(format!(
            "version transaction cancelled: {reasons:?}"
        )))
    }

    /// Writes the list copies of `record` (committed, marked `unlisted`) that its commit
    /// left out, deletes those `unlisted.old` had and it has not, then clears the mark and
    /// moves the lists' sizes. Every step is retried (`after_commit`); the copies' puts and
    /// deletes may run any number of times, and the sizes move only after the mark is
    /// cleared, by whoever cleared it, so they move once at most (a size left unmoved costs
    /// a worse search plan, never a wrong page). An error leaves the mark for the next try.
    pub(super) async fn settle(
        &self,
        record: &FamilyRecord,
        unlisted: &Unlisted,
    ) -> StoreResult<()> {
        let f = &record.family;
        let requests = self.relist_requests(unlisted.old.as_ref(), f)?;
        after_commit("search-list copies", || self.batch_write(requests.clone())).await?;
        // The record as committed, without the mark, if it still carries it: a newer
        // version settled this one before replacing it, and of two settles at once (a
        // delivery beside another), one clears it. That one moves the sizes.
        let item = encode(record, keys::family(f.workspace_id, &f.id))?;
        let cleared = after_commit("the family's list mark", || {
            self.put_if(
                self.client
                    .put_item()
                    .table_name(&self.table)
                    .set_item(Some(item.clone()))
                    .condition_expression("#v = :v AND attribute_exists(#u)")
                    .expression_attribute_names("#v", "version")
                    .expression_attribute_names("#u", UNLISTED)
                    .expression_attribute_values(":v", n(f.version)),
            )
        })
        .await?;
        if cleared {
            let mut changes = ListChanges::default();
            changes.record(unlisted.old.as_ref(), f);
            self.write_sizes_after_commit(&changes).await;
            return Ok(());
        }
        self.converge(f).await
    }

    /// After writing the copies of `written` without clearing its mark: if a newer version
    /// was committed meanwhile (having settled `written` first), those writes may have
    /// landed over its copies or put back ones it deleted. Writes the stored version's
    /// copies again and deletes those only `written` has, until the stored version is the
    /// one last written (a few rounds at most; a version committed after that relists
    /// itself).
    async fn converge(&self, written: &Family) -> StoreResult<()> {
        let key = keys::family(written.workspace_id, &written.id);
        let mut written = written.clone();
        for _ in 0..AFTER_COMMIT_ATTEMPTS {
            let stored: Option<StoredFamily> = self.get_as(key.clone(), true).await?;
            let Some(current) = stored.map(|s| s.record.family) else {
                return Ok(());
            };
            if current.version <= written.version {
                return Ok(());
            }
            let requests = self.relist_requests(Some(&written), &current)?;
            after_commit("search-list copies", || self.batch_write(requests.clone())).await?;
            written = current;
        }
        Ok(())
    }

    /// The sizes a committed write moved, retried; a failure is only logged (sizes are
    /// hints for planning).
    async fn write_sizes_after_commit(&self, changes: &ListChanges) {
        if let Err(e) = after_commit("list sizes", || self.write_sizes(changes)).await {
            tracing::warn!(error = %e, "list sizes not moved; searches may plan worse");
        }
    }

    /// `Store::settle_family_lists`.
    pub(super) async fn settle_family(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<bool> {
        let stored: Option<StoredFamily> = self.get_as(keys::family(ws, id), true).await?;
        match stored {
            Some(StoredFamily {
                record,
                unlisted: Some(unlisted),
            }) => {
                self.settle(&record, &unlisted).await?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    pub(super) async fn read_family_version(
        &self,
        ws: WorkspaceId,
        family: &ResourceId,
        version: u64,
    ) -> StoreResult<Option<FamilyVersionRecord>> {
        self.get_as(keys::family_version(ws, family, version), false)
            .await
    }

    /// One `Query`, newest first, reading one item past the page to tell whether more follow.
    pub(super) async fn query_family_versions(
        &self,
        ws: WorkspaceId,
        family: &ResourceId,
        before: Option<u64>,
        max: usize,
    ) -> StoreResult<VersionPage> {
        let prefix = keys::family_versions_prefix(family);
        let upper = match before {
            Some(0 | 1) => return Ok(VersionPage::default()),
            Some(b) => keys::family_version(ws, family, b - 1).1,
            None => format!("{prefix}~"),
        };
        let q = PartitionQuery::new(keys::family_pk(ws), SortKeys::Between(&prefix, &upper));
        let out = self.query_partition(q.backwards().max(max + 1)).await?;
        let mut versions = out
            .items
            .into_iter()
            .map(decode)
            .collect::<StoreResult<Vec<FamilyVersionRecord>>>()?;
        let more = versions.len() > max;
        versions.truncate(max);
        Ok(VersionPage { versions, more })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::Instant;

    /// `op` failing with `err` its first `fails` calls; counts the calls.
    async fn run(fails: u32, err: fn() -> StoreError) -> (StoreResult<u32>, u32, Duration) {
        let calls = AtomicU32::new(0);
        let started = Instant::now();
        let out = after_commit("test", || async {
            let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
            if n <= fails { Err(err()) } else { Ok(n) }
        })
        .await;
        (out, calls.load(Ordering::SeqCst), started.elapsed())
    }

    #[tokio::test]
    async fn writes_after_a_commit_are_tried_up_to_three_times_while_unavailable() {
        let unavailable = || StoreError::Unavailable("throttled".into());
        let (out, calls, took) = run(2, unavailable).await;
        assert_eq!(
            (out.unwrap(), calls),
            (3, 3),
            "two failures, then it went in"
        );
        assert!(
            took >= Duration::from_millis(1000),
            "paused 200 + 800 ms: {took:?}"
        );
        let (out, calls, _) = run(u32::MAX, unavailable).await;
        assert!(matches!(out, Err(StoreError::Unavailable(_))));
        assert_eq!(calls, AFTER_COMMIT_ATTEMPTS, "bounded");
        // A bug or corrupt data is not retried.
        let (out, calls, took) = run(1, || StoreError::Internal("corrupt".into())).await;
        assert!(matches!(out, Err(StoreError::Internal(_))));
        assert_eq!(calls, 1);
        assert!(took < Duration::from_millis(200));
    }
}
