//! BatchGetItem and BatchWriteItem within DynamoDB's limits (100 keys, 25 writes a call),
//! taking the keys or items a call leaves unprocessed again until none are left.

use super::{Attrs, DynamoStore, Key, StoreError, StoreResult, built, classify, decode, key_attrs};
use crate::capacity;
use crate::keys::{self, PK, SK};
use aws_sdk_dynamodb::types::{
    AttributeValue, DeleteRequest, KeysAndAttributes, PutRequest, WriteRequest,
};
use pirros_domain::ids::WorkspaceId;
use pirros_domain::model::Workspace;
use serde::de::DeserializeOwned;
use std::time::Duration;

/// DynamoDB's per-call limits.
pub(super) const MAX_BATCH_GET: usize = 100;
const MAX_BATCH_WRITE: usize = 25;
/// Write calls in flight at once during an import.
const WRITES_IN_FLIGHT: usize = 8;
/// Calls per chunk before giving up on a table that keeps throttling.
const MAX_ROUNDS: u32 = 8;

/// Waits before round `round` + 1 of a chunk that came back in part (exponential, from
/// 40 ms), or gives up after `MAX_ROUNDS`.
async fn back_off(round: u32, what: &str) -> StoreResult<()> {
    if round >= MAX_ROUNDS {
        return Err(StoreError::Unavailable(format!(
            "{what} kept leaving work unprocessed"
        )));
    }
    tokio::time::sleep(Duration::from_millis(20 << round)).await;
    Ok(())
}

/// An item's size as DynamoDB bills it: attribute names plus values.
pub fn item_bytes(item: &Attrs) -> usize {
    item.iter().map(|(k, v)| k.len() + value_bytes(v)).sum()
}

fn value_bytes(v: &AttributeValue) -> usize {
    match v {
        AttributeValue::S(s) | AttributeValue::N(s) => s.len(),
        AttributeValue::B(b) => b.as_ref().len(),
        AttributeValue::Ss(l) | AttributeValue::Ns(l) => l.iter().map(String::len).sum(),
        AttributeValue::L(l) => 3 + l.iter().map(|v| 1 + value_bytes(v)).sum::<usize>(),
        AttributeValue::M(m) => {
            3 + m
                .iter()
                .map(|(k, v)| 1 + k.len() + value_bytes(v))
                .sum::<usize>()
        }
        _ => 1,
    }
}

pub(super) fn put_request(item: Attrs) -> StoreResult<WriteRequest> {
    let put = built(PutRequest::builder().set_item(Some(item)).build())?;
    Ok(WriteRequest::builder().put_request(put).build())
}

pub(super) fn delete_request(key: Key) -> StoreResult<WriteRequest> {
    let delete = built(
        DeleteRequest::builder()
            .set_key(Some(key_attrs(key)))
            .build(),
    )?;
    Ok(WriteRequest::builder().delete_request(delete).build())
}

impl DynamoStore {
    /// The items under `keys`, each once (DynamoDB refuses a key twice in one call, and a
    /// caller asking twice wants the item once). Order is not kept.
    pub(super) async fn batch_get<T: DeserializeOwned>(
        &self,
        keys: Vec<Key>,
    ) -> StoreResult<Vec<T>> {
        self.batch_get_with(keys, false).await
    }

    /// As `batch_get`, with strongly consistent reads when `consistent`.
    pub(super) async fn batch_get_with<T: DeserializeOwned>(
        &self,
        keys: Vec<Key>,
        consistent: bool,
    ) -> StoreResult<Vec<T>> {
        self.batch_get_items(keys, consistent)
            .await?
            .into_iter()
            .map(decode)
            .collect()
    }

    /// As `batch_get_with`, undecoded: for reads whose keys name items of several types.
    /// The item at `key` and the workspace's, in one batch read (strongly consistent when
    /// `consistent`).
    pub(super) async fn get_beside_workspace<T: DeserializeOwned>(
        &self,
        ws: WorkspaceId,
        key: Key,
        consistent: bool,
    ) -> StoreResult<(Option<T>, Option<Workspace>)> {
        let workspace_key = keys::workspace(ws);
        let items = self
            .batch_get_items(vec![key, workspace_key.clone()], consistent)
            .await?;
        let (mut found, mut workspace) = (None, None);
        for item in items {
            let at = |name: &str, want: &str| matches!(item.get(name), Some(AttributeValue::S(v)) if v == want);
            if at(PK, &workspace_key.0) && at(SK, &workspace_key.1) {
                workspace = Some(decode(item)?);
            } else {
                found = Some(decode(item)?);
            }
        }
        Ok((found, workspace))
    }

    pub(super) async fn batch_get_items(
        &self,
        keys: Vec<Key>,
        consistent: bool,
    ) -> StoreResult<Vec<Attrs>> {
        let mut uniq = keys;
        uniq.sort();
        uniq.dedup();
        let mut out = Vec::with_capacity(uniq.len());
        for chunk in uniq.chunks(MAX_BATCH_GET) {
            let keys = chunk.iter().cloned().map(key_attrs).collect();
            let mut pending = Some(built(
                KeysAndAttributes::builder()
                    .set_keys(Some(keys))
                    .consistent_read(consistent)
                    .build(),
            )?);
            let mut round = 0;
            while let Some(req) = pending.take() {
                if round > 0 {
                    back_off(round, "BatchGetItem").await?;
                }
                round += 1;
                self.count();
                let resp = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, req)
                    .return_consumed_capacity(capacity::TOTAL)
                    .send()
                    .await
                    .map_err(classify)?;
                self.capacity.read(resp.consumed_capacity());
                if let Some(items) = resp.responses.and_then(|mut r| r.remove(&self.table)) {
                    self.read(items.len());
                    out.extend(items);
                }
                pending = resp
                    .unprocessed_keys
                    .and_then(|mut u| u.remove(&self.table))
                    .filter(|k| !k.keys().is_empty());
            }
        }
        Ok(out)
    }

    /// Runs every request, `WRITES_IN_FLIGHT` chunks at once. Not atomic: a failure part
    /// way leaves the chunks before it written (the importer writes whole records, so a
    /// second run completes the import).
    pub(super) async fn batch_write(&self, requests: Vec<WriteRequest>) -> StoreResult<()> {
        for put in requests.iter().filter_map(|r| r.put_request()) {
            self.wrote(item_bytes(put.item()));
        }
        let chunks: Vec<&[WriteRequest]> = requests.chunks(MAX_BATCH_WRITE).collect();
        for group in chunks.chunks(WRITES_IN_FLIGHT) {
            let calls = group.iter().map(|c| self.batch_write_chunk(c.to_vec()));
            futures::future::try_join_all(calls).await?;
        }
        Ok(())
    }

    async fn batch_write_chunk(&self, chunk: Vec<WriteRequest>) -> StoreResult<()> {
        let mut pending = chunk;
        let mut round = 0;
        while !pending.is_empty() {
            if round > 0 {
                back_off(round, "BatchWriteItem").await?;
            }
            round += 1;
            self.count();
            let resp = self
                .client
                .batch_write_item()
                .request_items(&self.table, pending)
                .return_consumed_capacity(capacity::TOTAL)
                .send()
                .await
                .map_err(classify)?;
            self.capacity.write(resp.consumed_capacity());
            pending = resp
                .unprocessed_items
                .and_then(|mut u| u.remove(&self.table))
                .unwrap_or_default();
        }
        Ok(())
    }
}
