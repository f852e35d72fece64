//! Jobs and family versions: a job is created with its idempotency record in one
//! transaction, moves forward by conditional puts on its revision, and an upload's result
//! lands in one transaction with the family and its version record.

use super::transact::{MAX_TRANSACTION_ITEMS, idempotency_put};
use super::{
    Attrs, CommitOutcome, DynamoStore, FamilyRecord, FamilyVersionRecord, IdemRecord, JobRecord,
    ResourceId, SaveOutcome, StoreError, StoreResult, Timestamp, VersionCommit, VersionPage,
    WorkspaceId, built, classify, decode, encode, keys, n, s,
};
use crate::store::capacity;
use crate::store::keys::{PK, SK, TTL, kind};
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};

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

/// The reasons of a cancelled transaction, or the error itself when it was not one.
fn cancellation(
    e: SdkError<TransactWriteItemsError, aws_sdk_dynamodb::config::http::HttpResponse>,
) -> Result<Vec<Option<String>>, StoreError> {
    match e.as_service_error() {
        Some(TransactWriteItemsError::TransactionCanceledException(tc)) => Ok(tc
            .cancellation_reasons()
            .iter()
            .map(|r| r.code().map(str::to_owned))
            .collect()),
        _ => Err(classify(e)),
    }
}

impl DynamoStore {
    pub(super) async fn put_new_job(
        &self,
        job: &JobRecord,
        idempotency: Option<&IdemRecord>,
    ) -> StoreResult<SaveOutcome> {
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
        self.commit(items, key).await
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

    pub(super) async fn put_job_over(&self, job: &JobRecord, expected: u64) -> StoreResult<bool> {
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
        // The family as stored, whose list copies the new version replaces. If it is not
        // the expected version, the transaction below fails and nothing is relisted.
        let before: Option<FamilyRecord> = self
            .get_as(
                keys::in_workspace(f.workspace_id, kind::FAMILY, &f.id),
                true,
            )
            .await?;
        let family_put = Put::builder().table_name(&self.table).set_item(Some(encode(
            &c.family,
            keys::in_workspace(f.workspace_id, kind::FAMILY, &f.id),
        )?));
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
        // a family every search answers; a family with more list entries than a
        // transaction takes is relisted right after it (searches answer the previous
        // version meanwhile).
        let (list_items, changes) = self.relist_items(before.as_ref().map(|r| &r.family), f)?;
        let inline = 3 + list_items.len() <= MAX_TRANSACTION_ITEMS;
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
        let tx = self
            .client
            .transact_write_items()
            .set_transact_items(Some(items));
        self.count();
        let reasons = match tx.return_consumed_capacity(capacity::TOTAL).send().await {
            Ok(out) => {
                self.capacity.write(out.consumed_capacity());
                if inline {
                    self.write_sizes(&changes).await?;
                } else {
                    self.relist(before.as_ref().map(|r| &r.family), f).await?;
                }
                return Ok(CommitOutcome::Committed);
            }
            Err(e) => cancellation(e)?,
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
        self.count();
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("#pk = :pk AND #sk BETWEEN :lo AND :hi")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#sk", SK)
            .expression_attribute_values(":pk", s(keys::workspace_pk(ws)))
            .expression_attribute_values(":lo", s(prefix))
            .expression_attribute_values(":hi", s(upper))
            .scan_index_forward(false)
            .limit(max.clamp(1, 1000) as i32 + 1)
            .return_consumed_capacity(capacity::TOTAL)
            .send()
            .await
            .map_err(classify)?;
        self.capacity.read(out.consumed_capacity());
        self.read(out.scanned_count as usize);
        let mut versions = out
            .items
            .unwrap_or_default()
            .into_iter()
            .map(decode)
            .collect::<StoreResult<Vec<FamilyVersionRecord>>>()?;
        let more = versions.len() > max;
        versions.truncate(max);
        Ok(VersionPage { versions, more })
    }
}
