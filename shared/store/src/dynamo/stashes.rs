//! Stash writes: the stash, its idempotency record, its listing copies and the reference
//! entries of the families it holds, in one conditional transaction (or, when the entries alone would
//! overflow one, in the steps of `references.rs`).

use super::discovery::stash_list_keys;
use super::transact::idempotency_put;
use super::{
    DynamoStore, SaveOutcome, StashWrite, StoreResult, Timestamp, built, encode, key_attrs, keys, n,
};
use crate::AccessStore;
use crate::event_actions;
use crate::keys::PK;
use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem};
use pirros_domain::events::EventRecord;
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
        if items.len() + event_actions(&write.events) + changes.len() > self.transaction_items {
            return self
                .write_stash_in_steps(write, items, idempotency, changes)
                .await;
        }
        items.extend(self.reference_writes(st.workspace_id, &changes)?);
        self.commit_with_events(items, idempotency, &write.events)
            .await
    }
}

impl DynamoStore {
    /// Deletes the stash at version `expected` with its listing copies and the reference
    /// entries of the families it holds, in one transaction. When the entries don't fit
    /// one, in steps: the stash is kept in a journal item and its entries are marked
    /// `unverified` (a reader shows a marked entry only while the stash as stored holds it);
    /// then the stash and its copies go (from here a reader sees nothing of it); then the
    /// entries, a transaction's worth at a time; then the journal. A delete that stopped
    /// after the stash went is finished by the next one, from the journal.
    pub(super) async fn transact_stash_delete(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
        expected: u64,
        events: &[EventRecord],
    ) -> StoreResult<SaveOutcome> {
        let key = keys::stash(ws, id);
        let current = match self.get_as::<StashRecord>(key.clone(), true).await? {
            Some(r) if r.version == expected => r,
            Some(_) => return Ok(SaveOutcome::VersionMismatch),
            None => {
                let journal = keys::stash_delete_journal(ws, id);
                return match self.get_as::<StashRecord>(journal, true).await? {
                    Some(j) if j.version == expected => {
                        self.finish_stash_delete(&j).await?;
                        Ok(SaveOutcome::Saved)
                    }
                    _ => Ok(SaveOutcome::VersionMismatch),
                };
            }
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
            items.push(self.delete_action(copy)?);
        }
        let entries = ReferenceEntry::of_stash(&current.stash);
        // The journal of a delete in steps that stopped before the stash went (on this
        // or another instance, whose transactions may be smaller) goes with the stash: left
        // behind, it would make the next delete answer 204 for a stash already gone.
        let journal = self.delete_action(keys::stash_delete_journal(ws, id))?;
        if items.len() + 1 + event_actions(events) + entries.len() <= self.transaction_items {
            let changes = ReferenceChanges {
                put: Vec::new(),
                delete: entries,
            };
            items.push(journal);
            items.extend(self.reference_writes(ws, &changes)?);
            return self.commit_with_events(items, None, events).await;
        }
        let journal = Put::builder()
            .table_name(&self.table)
            .set_item(Some(encode(&current, keys::stash_delete_journal(ws, id))?));
        let journal = TransactWriteItem::builder()
            .put(built(journal.build())?)
            .build();
        self.commit(vec![journal], None).await?;
        self.mark_unverified(ws, &entries).await?;
        self.stop.check("journaled")?;
        let outcome = self.commit_with_events(items, None, events).await?;
        if outcome != SaveOutcome::Saved {
            return Ok(outcome);
        }
        self.stop.check("unlinked")?;
        self.finish_stash_delete(&current).await?;
        Ok(SaveOutcome::Saved)
    }

    /// The last steps of a stash delete: its reference entries, then its journal. An error
    /// leaves the journal, so the next delete finishes the work.
    async fn finish_stash_delete(&self, deleted: &StashRecord) -> StoreResult<()> {
        let st = &deleted.stash;
        let changes = ReferenceChanges {
            put: Vec::new(),
            delete: ReferenceEntry::of_stash(st),
        };
        let writes = self.reference_writes(st.workspace_id, &changes)?;
        for chunk in writes.chunks(self.transaction_items) {
            self.commit(chunk.to_vec(), None).await?;
        }
        let journal = self.delete_action(keys::stash_delete_journal(st.workspace_id, &st.id))?;
        self.commit(vec![journal], None).await?;
        Ok(())
    }
}
