//! Writes of the importer and `pirros-admin`: whole records, with the search copies of
//! details kept in step with the records.

use super::batch::{delete_request, put_request};
use super::content::detail_list_keys;
use super::{
    Attrs, Detail, DetailRecord, DynamoStore, Item, Key, StoreResult, classify, encode, keys, n,
};
use crate::store::capacity;
use crate::store::keys::{PK, kind};
use aws_sdk_dynamodb::types::WriteRequest;
use std::collections::HashMap;

/// The puts that store `item`: its record, and for a detail its search copies.
fn puts(item: &Item, out: &mut Vec<WriteRequest>) -> StoreResult<()> {
    let mut put = |attrs: StoreResult<Attrs>| -> StoreResult<()> {
        out.push(put_request(attrs?)?);
        Ok(())
    };
    match item {
        Item::Firm(f) => put(encode(f, keys::firm(&f.id))),
        Item::Workspace(w) => put(encode(w, keys::workspace(w.id))),
        Item::Project(p) => put(encode(
            p,
            keys::in_workspace(p.workspace_id, kind::PROJECT, &p.id),
        )),
        Item::Tag(t) => put(encode(
            t,
            keys::in_workspace(t.workspace_id, kind::TAG, &t.id),
        )),
        Item::Detail(d) => {
            put(encode(d, detail_key(&d.detail)))?;
            detail_list_keys(&d.detail)
                .into_iter()
                .try_for_each(|k| put(encode(&d.detail, k)))
        }
        Item::Family(f) => put(encode(
            f,
            keys::in_workspace(f.family.workspace_id, kind::FAMILY, &f.family.id),
        )),
        Item::Stash(st) => put(encode(st, keys::stash(st.stash.workspace_id, &st.stash.id))),
        Item::Filter(f) => put(encode(
            f,
            keys::in_workspace(f.workspace_id, kind::FILTER, &f.id),
        )),
        Item::Credential(c) => put(encode(c, keys::credential(&c.client_id))),
    }
}

fn detail_key(d: &Detail) -> Key {
    keys::in_workspace(d.workspace_id, kind::DETAIL, &d.id)
}

impl DynamoStore {
    pub(super) async fn import(&self, items: &[Item]) -> StoreResult<()> {
        let mut requests = Vec::with_capacity(items.len() * 2);
        for key in self.stale_list_copies(items).await? {
            requests.push(delete_request(key)?);
        }
        for item in items {
            puts(item, &mut requests)?;
        }
        self.batch_write(requests).await
    }

    /// Search copies that the details among `items` leave behind: a detail written again
    /// with other tags, another project or another creation time no longer belongs in
    /// some lists (or sits elsewhere in them), so its stored record says which copies to
    /// delete. They go in the same batches as the new copies.
    async fn stale_list_copies(&self, items: &[Item]) -> StoreResult<Vec<Key>> {
        let new: HashMap<Key, &Detail> = items
            .iter()
            .filter_map(|i| match i {
                Item::Detail(d) => Some((detail_key(&d.detail), &d.detail)),
                _ => None,
            })
            .collect();
        if new.is_empty() {
            return Ok(Vec::new());
        }
        let old: Vec<DetailRecord> = self.batch_get(new.keys().cloned().collect()).await?;
        let mut stale = Vec::new();
        for o in &old {
            let keep = new
                .get(&detail_key(&o.detail))
                .map(|d| detail_list_keys(d))
                .unwrap_or_default();
            stale.extend(
                detail_list_keys(&o.detail)
                    .into_iter()
                    .filter(|k| !keep.contains(k)),
            );
        }
        Ok(stale)
    }

    /// Puts `item` over a stored one whose `version` is `expected` (absent counts as 0);
    /// `false` when it holds another version or there is none.
    pub(super) async fn put_if_version(&self, item: Attrs, expected: u64) -> StoreResult<bool> {
        self.count();
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .expression_attribute_names("#v", "version")
            .expression_attribute_values(":v", n(expected))
            .return_consumed_capacity(capacity::TOTAL);
        let put = if expected == 0 {
            put.condition_expression(
                "attribute_exists(#pk) AND (attribute_not_exists(#v) OR #v = :v)",
            )
            .expression_attribute_names("#pk", PK)
        } else {
            put.condition_expression("#v = :v")
        };
        match put.send().await {
            Ok(out) => {
                self.capacity.write(out.consumed_capacity());
                Ok(true)
            }
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(classify(e)),
        }
    }

    /// Puts `item` unless its key holds an item already; `false` then.
    pub(super) async fn put_new(&self, item: Attrs) -> StoreResult<bool> {
        self.count();
        let res = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(#pk)")
            .expression_attribute_names("#pk", PK)
            .return_consumed_capacity(capacity::TOTAL)
            .send()
            .await;
        match res {
            Ok(out) => {
                self.capacity.write(out.consumed_capacity());
                Ok(true)
            }
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(classify(e)),
        }
    }
}
