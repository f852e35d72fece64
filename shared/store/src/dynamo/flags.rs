//! Detail flags in DynamoDB: a detail's flags in one partition (`DFLAG#{ws}#{detail}`,
//! sort key `FLAG#{uuidv7}`); the item counting its open ones, which every flag write
//! changes in the same transaction, in its workspace's counts (`DFLAG#{ws}`, sort key
//! `OPEN#{detail}`), where a search page reads them beside its list query.

use super::query::{PartitionQuery, SortKeys};
use super::transact::idempotency_put;
use super::{
    DynamoStore, FlagWrite, SaveOutcome, Slice, StoreError, StoreResult, WorkspaceId, built,
    decode, encode, key_attrs, keys, n, s,
};
use crate::OpenFlagIndex;
use crate::keys::{FLAG_PREFIX, OPEN_PREFIX, PK, SK, kind};
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
use pirros_domain::flags::FlagRecord;
use pirros_domain::ids::ResourceId;
use pirros_domain::model::DetailRecord;
use serde::Deserialize;
use std::collections::HashMap;

/// The counter item of a detail (below zero only for a moment of `pirros-admin table
/// migrate`, while a count an earlier release kept is added to it).
#[derive(Deserialize)]
struct OpenCount {
    detail_id: ResourceId,
    #[serde(default)]
    open: i64,
}

fn flag_id_of(item: &mut super::Attrs) -> Option<String> {
    match item.remove(SK) {
        Some(AttributeValue::S(sk)) => sk.strip_prefix(FLAG_PREFIX).map(str::to_owned),
        _ => None,
    }
}

impl DynamoStore {
    pub(super) async fn transact_flag(&self, write: &FlagWrite) -> StoreResult<SaveOutcome> {
        let ws = write.workspace_id;
        let flag = &write.record.flag;
        let put = Put::builder().table_name(&self.table).set_item(Some(encode(
            &write.record,
            keys::flag(ws, &flag.detail_id, &flag.id),
        )?));
        let put = match write.expected_version {
            None => put
                .condition_expression("attribute_not_exists(#pk)")
                .expression_attribute_names("#pk", PK),
            Some(v) => put
                .condition_expression("#v = :v")
                .expression_attribute_names("#v", "version")
                .expression_attribute_values(":v", n(v)),
        };
        let mut items = vec![
            TransactWriteItem::builder()
                .put(built(put.build())?)
                .build(),
        ];
        let delta = write.open_flags.delta();
        let mut limit_at = None;
        if delta != 0 {
            let mut update = Update::builder()
                .table_name(&self.table)
                .set_key(Some(key_attrs(keys::open_flags(ws, &flag.detail_id))))
                .update_expression("SET #d = :d ADD #open :delta")
                .expression_attribute_names("#d", "detail_id")
                .expression_attribute_names("#open", "open")
                .expression_attribute_values(":d", s(flag.detail_id.as_str()))
                .expression_attribute_values(":delta", n(delta));
            // The limit is a condition of the count's own update: two writes racing for
            // the last place conflict on this item, and the loser is retried against the
            // count the winner left.
            if let Some(limit) = write.open_limit.filter(|_| delta > 0) {
                update = update
                    .condition_expression("attribute_not_exists(#open) OR #open < :limit")
                    .expression_attribute_values(":limit", n(limit));
                limit_at = Some(items.len());
            }
            items.push(
                TransactWriteItem::builder()
                    .update(built(update.build())?)
                    .build(),
            );
        }
        let idempotency = match &write.idempotency {
            Some(idem) => {
                items.push(idempotency_put(&self.table, idem)?);
                Some((items.len() - 1, &idem.key))
            }
            None => None,
        };
        let saved = self
            .commit_limited(items, idempotency, limit_at, &write.events)
            .await?;
        if delta < 0 && saved == SaveOutcome::Saved {
            self.drop_zero_count(ws, &flag.detail_id).await?;
        }
        Ok(saved)
    }

    /// Deletes a detail's count when it is back at zero, so the workspace's counts hold
    /// only details with open flags (a search page reads them all in one query). Safe
    /// against a flag opened meanwhile: the delete is conditional on the zero, and an
    /// `ADD` after it starts a new count from nothing.
    pub(super) async fn drop_zero_count(
        &self,
        ws: WorkspaceId,
        detail: &ResourceId,
    ) -> StoreResult<()> {
        let key = keys::open_flags(ws, detail);
        self.delete_where(key, "#a <= :v", "open", n(0)).await?;
        Ok(())
    }

    /// Up to `max` of the workspace's open-flag counts, in detail id order.
    pub(super) async fn query_open_flags(
        &self,
        ws: WorkspaceId,
        max: usize,
    ) -> StoreResult<OpenFlagIndex> {
        let q = PartitionQuery::new(keys::open_flags_pk(ws), SortKeys::Prefix(OPEN_PREFIX));
        let out = self.query_partition(q.max(max)).await?;
        let mut index = OpenFlagIndex::default();
        for item in out.items {
            let c: OpenCount = decode(item)?;
            if c.open > 0 {
                index.counts.insert(c.detail_id, c.open as u64);
            }
        }
        index.last = out.last.and_then(|mut k| match k.remove(SK) {
            Some(AttributeValue::S(sk)) => sk.strip_prefix(OPEN_PREFIX).and_then(ResourceId::parse),
            _ => None,
        });
        Ok(index)
    }

    pub(super) async fn query_flag_list(
        &self,
        ws: WorkspaceId,
        detail: &ResourceId,
        after: Option<&str>,
        max: usize,
    ) -> StoreResult<Slice<FlagRecord>> {
        let pk = keys::flags_pk(ws, detail);
        let start = after.map(|a| key_attrs((pk.clone(), format!("{FLAG_PREFIX}{a}"))));
        let q = PartitionQuery::new(pk, SortKeys::Prefix(FLAG_PREFIX));
        let mut out = self
            .query_partition(q.backwards().start(start).max(max))
            .await?;
        let mut page = Slice::default();
        for mut item in out.items {
            let id = flag_id_of(&mut item)
                .ok_or_else(|| StoreError::Internal("flag without its sort key".into()))?;
            page.items.push((id, decode(item)?));
        }
        page.last_key = out.last.as_mut().and_then(flag_id_of);
        Ok(page)
    }

    /// The detail's item and its count's, in one batch read.
    pub(super) async fn read_detail_counted(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<Option<DetailRecord>> {
        let count_key = keys::open_flags(ws, id);
        let items = self
            .batch_get_items(
                vec![keys::in_workspace(ws, kind::DETAIL, id), count_key.clone()],
                false,
            )
            .await?;
        let (mut record, mut open) = (None, 0);
        for item in items {
            let is_count = matches!(item.get(SK), Some(AttributeValue::S(sk)) if *sk == count_key.1)
                && matches!(item.get(PK), Some(AttributeValue::S(pk)) if *pk == count_key.0);
            if is_count {
                open = decode::<OpenCount>(item)?.open.max(0) as u64;
            } else {
                record = Some(decode::<DetailRecord>(item)?);
            }
        }
        Ok(record.map(|mut r: DetailRecord| {
            r.detail.open_flags = open;
            r
        }))
    }

    pub(super) async fn read_open_flag_counts(
        &self,
        ws: WorkspaceId,
        ids: &[ResourceId],
    ) -> StoreResult<HashMap<ResourceId, u64>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let counts: Vec<OpenCount> = self
            .batch_get(ids.iter().map(|id| keys::open_flags(ws, id)).collect())
            .await?;
        Ok(counts
            .into_iter()
            .map(|c| (c.detail_id, c.open.max(0) as u64))
            .collect())
    }
}
