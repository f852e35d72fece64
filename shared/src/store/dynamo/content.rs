//! The search lists of details: the `DLIST#` partitions holding a copy of each detail
//! per list it belongs to, in `detail_sort_key` order.

use super::{
    Detail, DetailIndex, DetailPage, DynamoStore, Key, StoreError, StoreResult, WorkspaceId,
    classify, decode, key_attrs, keys, s,
};
use crate::store::capacity;
use crate::store::detail_sort_key;
use crate::store::keys::{PK, SK};
use aws_sdk_dynamodb::types::AttributeValue;

fn list_pk(ws: WorkspaceId, index: &DetailIndex) -> String {
    match index {
        DetailIndex::All => keys::detail_list_all(ws),
        DetailIndex::Tag(t) => keys::detail_list_tag(ws, t),
        DetailIndex::Project(p) => keys::detail_list_project(ws, p),
    }
}

/// Keys of the search copies of `d`: one per list it belongs to.
pub(super) fn detail_list_keys(d: &Detail) -> Vec<Key> {
    let sk = detail_sort_key(d);
    let ws = d.workspace_id;
    let mut tags = d.tag_ids.clone();
    tags.sort();
    tags.dedup();
    std::iter::once(DetailIndex::All)
        .chain(tags.into_iter().map(DetailIndex::Tag))
        .chain(d.project_id.clone().map(DetailIndex::Project))
        .map(|index| (list_pk(ws, &index), sk.clone()))
        .collect()
}

fn sort_key(item: &mut super::Attrs) -> Option<String> {
    match item.remove(SK) {
        Some(AttributeValue::S(sk)) => Some(sk),
        _ => None,
    }
}

impl DynamoStore {
    /// One `Query` of one list: up to `max` copies after the sort key `after`.
    pub(super) async fn query_detail_list(
        &self,
        ws: WorkspaceId,
        index: &DetailIndex,
        after: Option<&str>,
        max: usize,
    ) -> StoreResult<DetailPage> {
        let pk = list_pk(ws, index);
        let start = after.map(|a| key_attrs((pk.clone(), a.to_owned())));
        self.count();
        let mut out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("#pk = :pk")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_values(":pk", s(pk))
            .set_exclusive_start_key(start)
            .limit(max.clamp(1, 1000) as i32)
            .return_consumed_capacity(capacity::TOTAL)
            .send()
            .await
            .map_err(classify)?;
        self.capacity.read(out.consumed_capacity());
        self.read(out.scanned_count as usize);
        let mut page = DetailPage::default();
        for mut item in out.items.unwrap_or_default() {
            let sk = sort_key(&mut item)
                .ok_or_else(|| StoreError::Internal("search copy without sort key".into()))?;
            page.items.push((sk, decode(item)?));
        }
        page.last_key = out.last_evaluated_key.as_mut().and_then(sort_key);
        Ok(page)
    }
}
