//! Writes of the importer and `pirros-admin`: whole records, with the search list copies of
//! details and families and the lists' sizes kept in step with the records.

use super::batch::{delete_request, put_request};
use super::discovery::{project_list_key, stash_list_keys};
use super::jobs::StoredFamily;
use super::lists::{copy_keys, size_item};
use super::{Attrs, DynamoStore, Item, Key, StoreResult, built, encode, keys, n, written};
use crate::capacity;
use crate::keys::{PK, kind};
use aws_sdk_dynamodb::operation::put_item::builders::PutItemFluentBuilder;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem, WriteRequest};
use pirros_domain::lists::{Indexed, Listed};
use serde::de::DeserializeOwned;
use std::collections::{HashMap, HashSet};

/// The puts that store `item`: its record, and for a detail or family its list copies.
fn puts(item: &Item, out: &mut Vec<WriteRequest>) -> StoreResult<()> {
    let mut put = |attrs: StoreResult<Attrs>| -> StoreResult<()> {
        out.push(put_request(attrs?)?);
        Ok(())
    };
    match item {
        Item::Firm(f) => put(encode(f, keys::firm(&f.id))),
        Item::Workspace(w) => put(encode(w, keys::workspace(w.id))),
        Item::Project(p) => {
            put(encode(
                p,
                keys::in_workspace(p.workspace_id, kind::PROJECT, &p.id),
            ))?;
            put(encode(p, project_list_key(p)))
        }
        Item::Tag(t) => put(encode(
            t,
            keys::in_workspace(t.workspace_id, kind::TAG, &t.id),
        )),
        Item::Detail(d) => {
            put(encode(d, record_key(&d.detail)))?;
            copy_keys(&d.detail)
                .into_iter()
                .try_for_each(|k| put(encode(&d.detail, k)))
        }
        Item::Family(f) => {
            // An import writes version 1 and its history entry; a family it leaves at a
            // later version (uploads since) has its entries already, notes and all.
            if f.family.version == 1 {
                let v = f.current_version(None, None);
                put(encode(
                    &v,
                    keys::family_version(v.workspace_id, &v.family_id, v.version.version),
                ))?;
            }
            put(encode(f, keys::family(f.family.workspace_id, &f.family.id)))?;
            copy_keys(&f.family)
                .into_iter()
                .try_for_each(|k| put(encode(&f.family, k)))
        }
        Item::Stash(st) => {
            put(encode(st, keys::stash(st.stash.workspace_id, &st.stash.id)))?;
            stash_list_keys(&st.stash)
                .into_iter()
                .try_for_each(|k| put(encode(st, k)))
        }
        Item::Filter(f) => put(encode(
            f,
            keys::in_workspace(f.workspace_id, kind::FILTER, &f.id),
        )),
        Item::Credential(c) => put(encode(c, keys::credential(&c.client_id))),
        Item::FamilyGroup(g) => put(encode(
            g,
            keys::in_workspace(g.workspace_id, kind::FAMILY_GROUP, &g.id),
        )),
    }
}

/// The key of a detail's or family's record.
fn record_key<T: Indexed>(item: &T) -> Key {
    match T::LISTED {
        Listed::Details => keys::in_workspace(item.workspace(), kind::DETAIL, item.id()),
        Listed::Families => keys::family(item.workspace(), item.id()),
    }
}

/// What writing some details and families changes in the lists besides their new copies.
#[derive(Default)]
pub(super) struct ListChanges {
    /// Copies that the rewritten resources leave behind.
    stale: Vec<Key>,
    /// Members gained (+) and lost (-) per list partition.
    sizes: HashMap<String, i64>,
}

impl ListChanges {
    /// `old` leaves every list.
    pub(super) fn removed<T: Indexed>(&mut self, old: &T) {
        let before = copy_keys(old);
        let lists: HashSet<&String> = before.iter().map(|(pk, _)| pk).collect();
        for pk in lists {
            *self.sizes.entry(pk.clone()).or_default() -= 1;
        }
        self.stale.extend(before);
    }

    /// The copies to delete.
    pub(super) fn take_stale(&mut self) -> Vec<Key> {
        std::mem::take(&mut self.stale)
    }

    /// `new` replaces `old` (if it was stored).
    pub(super) fn record<T: Indexed>(&mut self, old: Option<&T>, new: &T) {
        self.record_unsettled(old, None, new);
    }

    /// `new` replaces a resource that the lists count as `old` and that may also have
    /// copies as `also` (a family whose last version's copies were not all written:
    /// `old` is what the lists held before it, `also` that version).
    fn record_unsettled<T: Indexed>(&mut self, old: Option<&T>, also: Option<&T>, new: &T) {
        let now = copy_keys(new);
        let before = old.map(copy_keys).unwrap_or_default();
        let kept: HashSet<&Key> = now.iter().collect();
        let mut stale: Vec<Key> = before
            .iter()
            .filter(|k| !kept.contains(k))
            .cloned()
            .collect();
        if let Some(also) = also {
            stale.extend(copy_keys(also).into_iter().filter(|k| !kept.contains(k)));
        }
        stale.sort();
        stale.dedup();
        self.stale.extend(stale);
        let lists_now: HashSet<&String> = now.iter().map(|(pk, _)| pk).collect();
        let lists_before: HashSet<&String> = before.iter().map(|(pk, _)| pk).collect();
        for pk in lists_now.difference(&lists_before) {
            *self.sizes.entry((*pk).clone()).or_default() += 1;
        }
        for pk in lists_before.difference(&lists_now) {
            *self.sizes.entry((*pk).clone()).or_default() -= 1;
        }
    }
}

/// DynamoDB's largest item: 400 KB, names and values.
const MAX_ITEM_BYTES: usize = 400 * 1024;

impl DynamoStore {
    pub(super) async fn import(&self, items: &[Item]) -> StoreResult<()> {
        let mut changes = ListChanges::default();
        let details: Vec<_> = items
            .iter()
            .filter_map(|i| match i {
                Item::Detail(d) => Some(&d.detail),
                _ => None,
            })
            .collect();
        let families: Vec<_> = items
            .iter()
            .filter_map(|i| match i {
                Item::Family(f) => Some(&f.family),
                _ => None,
            })
            .collect();
        self.compare(
            &details,
            |r: &pirros_domain::model::DetailRecord| (Some(&r.detail), None),
            &mut changes,
        )
        .await?;
        // A family whose last upload's list copies are not all written is counted as the
        // lists held it before that upload, and may have copies of both.
        self.compare(
            &families,
            |r: &StoredFamily| match &r.unlisted {
                Some(u) => (u.old.as_ref(), Some(&r.record.family)),
                None => (Some(&r.record.family), None),
            },
            &mut changes,
        )
        .await?;
        let mut requests = Vec::with_capacity(items.len() * 2);
        for key in std::mem::take(&mut changes.stale) {
            requests.push(delete_request(key)?);
        }
        for key in self.stale_discovery_copies(items).await? {
            requests.push(delete_request(key)?);
        }
        requests.extend(self.import_reference_requests(items).await?);
        for item in items {
            puts(item, &mut requests)?;
        }
        requests.extend(self.size_requests(&changes).await?);
        // DynamoDB refuses an item over its limit only when that item's batch goes, after
        // others went in: checked first, so an import it would refuse writes nothing.
        for put in requests.iter().filter_map(|r| r.put_request()) {
            let bytes = super::item_bytes(put.item());
            if bytes > MAX_ITEM_BYTES {
                let (pk, sk) = super::deletes::key_of(put.item()).unwrap_or_default();
                return Err(crate::StoreError::Internal(format!(
                    "nothing written: the item {pk} {sk} would be {bytes} bytes, over \
                     DynamoDB's {MAX_ITEM_BYTES}"
                )));
            }
        }
        self.batch_write(requests).await
    }

    /// The puts of the sizes `changes` moves. Sizes are hints for planning a search, never
    /// for its answer: a count left off by a failed or concurrent write costs a worse plan,
    /// not a wrong page.
    pub(super) async fn size_requests(
        &self,
        changes: &ListChanges,
    ) -> StoreResult<Vec<WriteRequest>> {
        let moved: Vec<String> = changes
            .sizes
            .iter()
            .filter(|(_, d)| **d != 0)
            .map(|(pk, _)| pk.clone())
            .collect();
        let stored = self.sizes_in_parallel(moved.clone()).await?;
        moved
            .into_iter()
            .map(|pk| {
                let now = stored.get(&pk).copied().unwrap_or(0) as i64 + changes.sizes[&pk];
                put_request(size_item(&pk, now.max(0) as u64))
            })
            .collect()
    }

    /// The writes that move one resource that `new` replaced `old` with (an upload's
    /// family) in every list, outside any transaction: its copies rewritten, the ones it
    /// left deleted (`write_sizes` then moves the sizes of the lists it joined or left).
    pub(super) fn relist_requests<T: Indexed>(
        &self,
        old: Option<&T>,
        new: &T,
    ) -> StoreResult<Vec<WriteRequest>> {
        let mut changes = ListChanges::default();
        changes.record(old, new);
        let mut requests = Vec::new();
        for key in std::mem::take(&mut changes.stale) {
            requests.push(delete_request(key)?);
        }
        for key in copy_keys(new) {
            requests.push(put_request(encode(new, key)?)?);
        }
        Ok(requests)
    }

    /// The same move as transaction items (the copies' puts and the stale copies' deletes),
    /// and what it does to list sizes, for `write_sizes` once the transaction is in.
    pub(super) fn relist_items<T: Indexed>(
        &self,
        old: Option<&T>,
        new: &T,
    ) -> StoreResult<(Vec<TransactWriteItem>, ListChanges)> {
        let mut changes = ListChanges::default();
        changes.record(old, new);
        let mut items = Vec::new();
        for key in std::mem::take(&mut changes.stale) {
            items.push(self.delete_action(key)?);
        }
        for key in copy_keys(new) {
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(encode(new, key)?));
            items.push(
                TransactWriteItem::builder()
                    .put(built(put.build())?)
                    .build(),
            );
        }
        Ok((items, changes))
    }

    pub(super) async fn write_sizes(&self, changes: &ListChanges) -> StoreResult<()> {
        let requests = self.size_requests(changes).await?;
        self.batch_write(requests).await
    }

    /// Reads the stored records of `new` and records how the lists change. `listed` says,
    /// of a stored record, what the lists count it as and what else they may hold copies
    /// of.
    async fn compare<R: DeserializeOwned, T: Indexed>(
        &self,
        new: &[&T],
        listed: for<'a> fn(&'a R) -> (Option<&'a T>, Option<&'a T>),
        changes: &mut ListChanges,
    ) -> StoreResult<()> {
        if new.is_empty() {
            return Ok(());
        }
        let new: HashMap<Key, &T> = new.iter().map(|t| (record_key(*t), *t)).collect();
        let stored: Vec<R> = self.batch_get(new.keys().cloned().collect()).await?;
        let mut old: HashMap<Key, (Option<&T>, Option<&T>)> = HashMap::new();
        for r in &stored {
            let (counted, also) = listed(r);
            if let Some(t) = counted.or(also) {
                old.insert(record_key(t), (counted, also));
            }
        }
        for (key, t) in &new {
            let (counted, also) = old.get(key).copied().unwrap_or((None, None));
            changes.record_unsettled(counted, also, *t);
        }
        Ok(())
    }

    /// Puts `item` over a stored one whose `version` is `expected` (absent counts as 0),
    /// in one transaction with `events`; `false` when it holds another version or there is
    /// none. (Operators' credential writes: a transaction even without events costs them
    /// nothing that matters.)
    pub(super) async fn put_if_version(
        &self,
        item: Attrs,
        expected: u64,
        events: &[pirros_domain::events::EventRecord],
    ) -> StoreResult<bool> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .expression_attribute_names("#v", "version")
            .expression_attribute_values(":v", n(expected));
        let put = if expected == 0 {
            put.condition_expression(
                "attribute_exists(#pk) AND (attribute_not_exists(#v) OR #v = :v)",
            )
            .expression_attribute_names("#pk", PK)
        } else {
            put.condition_expression("#v = :v")
        };
        let items = vec![
            TransactWriteItem::builder()
                .put(built(put.build())?)
                .build(),
        ];
        let outcome = self.commit_with_events(items, None, events).await?;
        Ok(outcome == super::SaveOutcome::Saved)
    }

    /// Puts `item` unless its key holds an item already; `false` then.
    pub(super) async fn put_new(&self, item: Attrs) -> StoreResult<bool> {
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(#pk)")
            .expression_attribute_names("#pk", PK);
        self.put_if(put).await
    }

    /// Sends a conditional `PutItem`: `true` when it wrote, `false` when its condition
    /// failed.
    pub(super) async fn put_if(&self, put: PutItemFluentBuilder) -> StoreResult<bool> {
        self.count();
        let sent = put.return_consumed_capacity(capacity::TOTAL).send().await;
        written(sent.map(|out| self.capacity.write(out.consumed_capacity())))
    }
}
