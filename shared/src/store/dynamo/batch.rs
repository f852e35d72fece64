//! BatchGetItem and BatchWriteItem within DynamoDB's limits (100 keys, 25 writes a call),
//! taking the keys or items a call leaves unprocessed again until none are left.

use super::{Attrs, DynamoStore, Key, StoreError, StoreResult, built, classify, decode, key_attrs};
use crate::store::capacity;
use aws_sdk_dynamodb::types::{DeleteRequest, KeysAndAttributes, PutRequest, WriteRequest};
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
        let mut uniq = keys;
        uniq.sort();
        uniq.dedup();
        let mut out = Vec::with_capacity(uniq.len());
        for chunk in uniq.chunks(MAX_BATCH_GET) {
            let keys = chunk.iter().cloned().map(key_attrs).collect();
            let mut pending = Some(built(
                KeysAndAttributes::builder().set_keys(Some(keys)).build(),
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
                    for item in items {
                        out.push(decode(item)?);
                    }
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
