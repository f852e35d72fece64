//! Stash writes: the stash, its idempotency record, its listing copies and the reference
//! entries of the families it holds, in one conditional transaction (or, when the entries alone would
//! overflow one, in the steps of `references.rs`).

use super::discovery::stash_list_keys;
use super::transact::idempotency_put;
use super::{
    DynamoStore, SaveOutcome, StashWrite, StoreResult, Timestamp, built, encode, key_attrs, keys, n,
};
use crate::AccessStore;
use crate::keys::PK;
use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem};
use pirros_domain::ids::{ResourceId, WorkspaceId};
use pirros_domain::model::StashRecord;
use pirros_domain::references::{ReferenceChanges, ReferenceEntry};

impl DynamoStore {
    pub(super) async fn transact_stash(&self, write: &StashWrite) -> StoreResult<SaveOutcome> {
        let st = &write.record.stash;
        let key = keys::stash(st.workspace_id, &st.id);
        // The entries to drop or rename are those of the stash as stored, which the
        // version condition below pins.
        let old = match write.expected_version {
            None => Vec::new(),
            Some(v) => match self.get_as::<StashRecord>(key.clone(), true).await? {
                Some(current) if current.version == v => ReferenceEntry::of_stash(&current.stash),
                // As a transaction would answer: another request with the key comes first.
                _ => {
                    if let Some(idem) = &write.idempotency
                        && let Some(rec) = self.get_idempotency(&idem.key).await?
                        && rec.is_live(Timestamp::now())
                    {
                        return Ok(SaveOutcome::IdempotencyTaken(rec));
                    }
                    return Ok(SaveOutcome::VersionMismatch);
                }
            },
        };
        let changes = ReferenceChanges::between(&old, &ReferenceEntry::of_stash(st));
        let stash_put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(encode(&write.record, key)?));
        // DynamoDB refuses attribute names an expression does not use, so each condition
        // names only its own.
        let stash_put = match write.expected_version {
            None => stash_put
                .condition_expression("attribute_not_exists(#pk)")
                .expression_attribute_names("#pk", PK),
            Some(v) => stash_put
                .condition_expression("#v = :v")
                .expression_attribute_names("#v", "version")
                .expression_attribute_values(":v", n(v)),
        };
        let mut items = vec![
            TransactWriteItem::builder()
                .put(built(stash_put.build())?)
                .build(),
        ];
        let idempotency = match &write.idempotency {
            Some(idem) => {
                items.push(idempotency_put(&self.table, idem)?);
                Some((1, &idem.key))
            }
            None => None,
        };
        // The listing copies, after the conditional puts so the cancellation reasons keep
        // their places; their keys never move once the stash exists (see `stash_sort_key`).
        for key in stash_list_keys(st) {
            let copy = Put::builder()
                .table_name(&self.table)
                .set_item(Some(encode(&write.record, key)?));
            items.push(
                TransactWriteItem::builder()
                    .put(built(copy.build())?)
                    .build(),
            );
        }
        if items.len() + changes.len() > self.transaction_items {
            return self
                .write_stash_in_steps(write, items, idempotency, changes)
                .await;
        }
        items.extend(self.reference_writes(st.workspace_id, &changes)?);
        self.commit(items, idempotency).await
    }
}

impl DynamoStore {
    /// Deletes the stash at version `expected` with its listing copies and the reference
    /// entries of the families it holds, in one transaction; when the entries don't fit
    /// one, they are first marked `unverified` (a reader shows such an entry only if the
    /// stash as stored holds it, and a deleted stash holds nothing), then the stash goes,
    /// then the entries, a transaction's worth at a time. A crash between steps leaves only
    /// marked entries, which no reader shows.
    pub(super) async fn transact_stash_delete(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
        expected: u64,
    ) -> StoreResult<SaveOutcome> {
        let key = keys::stash(ws, id);
        let current = match self.get_as::<StashRecord>(key.clone(), true).await? {
            Some(r) if r.version == expected => r,
            _ => return Ok(SaveOutcome::VersionMismatch),
        };
        let stash_delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key_attrs(key)))
            .condition_expression("#v = :v")
            .expression_attribute_names("#v", "version")
            .expression_attribute_values(":v", n(expected));
        let mut items = vec![
            TransactWriteItem::builder()
                .delete(built(stash_delete.build())?)
                .build(),
        ];
        for copy in stash_list_keys(&current.stash) {
            let delete = Delete::builder()
                .table_name(&self.table)
                .set_key(Some(key_attrs(copy)));
            items.push(
                TransactWriteItem::builder()
                    .delete(built(delete.build())?)
                    .build(),
            );
        }
        let changes = ReferenceChanges {
            put: Vec::new(),
            delete: ReferenceEntry::of_stash(&current.stash),
        };
        if items.len() + changes.len() <= self.transaction_items {
            items.extend(self.reference_writes(ws, &changes)?);
            return self.commit(items, None).await;
        }
        self.mark_unverified(ws, &changes.delete).await?;
        let outcome = self.commit(items, None).await?;
        if outcome != SaveOutcome::Saved {
            return Ok(outcome);
        }
        let writes = self.reference_writes(ws, &changes)?;
        for chunk in writes.chunks(self.transaction_items) {
            if let Err(e) = self.commit(chunk.to_vec(), None).await {
                // The stash is gone; what is left stays marked, and no reader shows it.
                tracing::warn!(error = %e, stash = %id, "reference entries of a deleted stash left marked");
                break;
            }
        }
        Ok(SaveOutcome::Saved)
    }
}
