//! Family reference entries (`pirros_domain::references`) in DynamoDB: one partition per family
//! (`FREF#{ws}#{family}`), sorted by `references::sort_key`. The importer writes the
//! entries of details and stashes beside their records; stash writes change them in their
//! own transaction, or in steps when a stash changes more families than one transaction
//! holds.

use super::batch::{delete_request, put_request};
use super::{
    DynamoStore, IdemKey, Item, SaveOutcome, Slice, StashWrite, StoreResult, WorkspaceId, built,
    encode, key_attrs, keys, n,
};
use crate::keys::kind;
use aws_sdk_dynamodb::types::{ConditionCheck, Put, TransactWriteItem, WriteRequest};
use pirros_domain::ids::ResourceId;
use pirros_domain::model::{DetailRecord, StashRecord};
use pirros_domain::references::{ReferenceChanges, ReferenceEntry};
use std::collections::HashMap;

fn entry_key(ws: WorkspaceId, e: &ReferenceEntry) -> (String, String) {
    keys::reference(ws, &e.family_id, &e.sort_key())
}

/// Puts and deletes that apply `changes` as trusted entries, for a batch write.
fn change_requests(ws: WorkspaceId, changes: &ReferenceChanges) -> StoreResult<Vec<WriteRequest>> {
    let mut out = Vec::with_capacity(changes.len());
    for e in &changes.delete {
        out.push(delete_request(entry_key(ws, e))?);
    }
    for e in &changes.put {
        out.push(put_request(encode(e, entry_key(ws, e))?)?);
    }
    Ok(out)
}

impl DynamoStore {
    /// Transaction actions that apply `changes` as trusted entries.
    pub(super) fn reference_writes(
        &self,
        ws: WorkspaceId,
        changes: &ReferenceChanges,
    ) -> StoreResult<Vec<TransactWriteItem>> {
        let mut out = Vec::with_capacity(changes.len());
        for e in &changes.delete {
            out.push(self.delete_action(entry_key(ws, e))?);
        }
        for e in &changes.put {
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(encode(e, entry_key(ws, e))?));
            out.push(
                TransactWriteItem::builder()
                    .put(built(put.build())?)
                    .build(),
            );
        }
        Ok(out)
    }

    /// Writes `entries` marked `unverified`: readers show them only while the stash as
    /// stored holds them.
    pub(super) async fn mark_unverified(
        &self,
        ws: WorkspaceId,
        entries: &[ReferenceEntry],
    ) -> StoreResult<()> {
        let mut marks = Vec::with_capacity(entries.len());
        for e in entries {
            let mut marked = e.clone();
            marked.unverified = true;
            marks.push(put_request(encode(&marked, entry_key(ws, e))?)?);
        }
        self.batch_write(marks).await
    }

    /// A stash write whose reference changes don't fit one transaction with it:
    /// 1. every entry the write adds, renames or drops is written marked `unverified`;
    /// 2. the stash and its idempotency record commit (`items`), or the write ends there;
    /// 3. the changes are applied as trusted entries, in transactions that each first check
    ///    that the stash is still at the version just written (a later write of the stash
    ///    stops this: it marked what it touches itself).
    ///
    /// Readers show an unverified entry only if the stash as stored holds the family under
    /// that name, so at every step, and after a crash between steps, the references shown
    /// are those of the stash as stored.
    pub(super) async fn write_stash_in_steps(
        &self,
        write: &StashWrite,
        items: Vec<TransactWriteItem>,
        idempotency: Option<(usize, &IdemKey)>,
        changes: ReferenceChanges,
    ) -> StoreResult<SaveOutcome> {
        let st = &write.record.stash;
        let ws = st.workspace_id;
        let touched: Vec<ReferenceEntry> =
            changes.put.iter().chain(&changes.delete).cloned().collect();
        self.mark_unverified(ws, &touched).await?;
        let outcome = self
            .commit_with_events(items, idempotency, &write.events)
            .await?;
        if outcome != SaveOutcome::Saved {
            return Ok(outcome);
        }
        let still_current = built(
            ConditionCheck::builder()
                .table_name(&self.table)
                .set_key(Some(key_attrs(keys::stash(ws, &st.id))))
                .condition_expression("#v = :v")
                .expression_attribute_names("#v", "version")
                .expression_attribute_values(":v", n(write.record.version))
                .build(),
        )?;
        let writes = self.reference_writes(ws, &changes)?;
        for chunk in writes.chunks(self.transaction_items - 1) {
            let mut tx = vec![
                TransactWriteItem::builder()
                    .condition_check(still_current.clone())
                    .build(),
            ];
            tx.extend(chunk.iter().cloned());
            match self.commit(tx, None).await {
                Ok(SaveOutcome::Saved) => {}
                // The stash moved on: its newer write owns the entries now.
                Ok(_) => break,
                // The stash is written; what is left stays marked and is checked on reads.
                Err(e) => {
                    tracing::warn!(error = %e, stash = %st.id, "reference entries left unverified");
                    break;
                }
            }
        }
        Ok(SaveOutcome::Saved)
    }

    /// One `Query` of a family's entries after `after`; unverified ones are checked
    /// against their stashes as stored (one consistent BatchGetItem) and left out if stale.
    pub(super) async fn query_references(
        &self,
        ws: WorkspaceId,
        family: &ResourceId,
        after: Option<&str>,
        max: usize,
    ) -> StoreResult<Slice<ReferenceEntry>> {
        let mut page: Slice<ReferenceEntry> = self
            .query_list(keys::references_pk(ws, family), after, max)
            .await?;
        let unverified: Vec<(String, String)> = page
            .items
            .iter()
            .filter(|(_, e)| e.unverified)
            .map(|(_, e)| keys::stash(ws, &e.id))
            .collect();
        if !unverified.is_empty() {
            let stashes: HashMap<ResourceId, StashRecord> = self
                .batch_get_with::<StashRecord>(unverified, true)
                .await?
                .into_iter()
                .map(|r| (r.stash.id.clone(), r))
                .collect();
            page.items.retain(|(_, e)| {
                !e.unverified || stashes.get(&e.id).is_some_and(|r| e.holds(&r.stash))
            });
        }
        Ok(page)
    }

    /// The entry writes an import needs: for each detail and stash among `items`, its
    /// entries as they will be, and deletes of the ones its stored record had that it
    /// loses. They go in the same batches as the records.
    pub(super) async fn import_reference_requests(
        &self,
        items: &[Item],
    ) -> StoreResult<Vec<WriteRequest>> {
        let mut detail_keys = Vec::new();
        let mut stash_keys = Vec::new();
        for item in items {
            match item {
                Item::Detail(d) => detail_keys.push(keys::in_workspace(
                    d.detail.workspace_id,
                    kind::DETAIL,
                    &d.detail.id,
                )),
                Item::Stash(st) => {
                    stash_keys.push(keys::stash(st.stash.workspace_id, &st.stash.id))
                }
                _ => {}
            }
        }
        let mut old: HashMap<(WorkspaceId, ResourceId), Vec<ReferenceEntry>> = HashMap::new();
        if !detail_keys.is_empty() {
            for d in self.batch_get::<DetailRecord>(detail_keys).await? {
                old.insert(
                    (d.detail.workspace_id, d.detail.id.clone()),
                    ReferenceEntry::of_detail(&d),
                );
            }
        }
        let mut old_stashes: HashMap<(WorkspaceId, ResourceId), Vec<ReferenceEntry>> =
            HashMap::new();
        if !stash_keys.is_empty() {
            for st in self.batch_get::<StashRecord>(stash_keys).await? {
                old_stashes.insert(
                    (st.stash.workspace_id, st.stash.id.clone()),
                    ReferenceEntry::of_stash(&st.stash),
                );
            }
        }
        let mut out = Vec::new();
        for item in items {
            let (ws, before, after) = match item {
                Item::Detail(d) => (
                    d.detail.workspace_id,
                    old.remove(&(d.detail.workspace_id, d.detail.id.clone())),
                    ReferenceEntry::of_detail(d),
                ),
                Item::Stash(st) => (
                    st.stash.workspace_id,
                    old_stashes.remove(&(st.stash.workspace_id, st.stash.id.clone())),
                    ReferenceEntry::of_stash(&st.stash),
                ),
                _ => continue,
            };
            let changes = ReferenceChanges::between(&before.unwrap_or_default(), &after);
            out.extend(change_requests(ws, &changes)?);
        }
        Ok(out)
    }
}
