//! The events outbox. A write's events go into the write's own transaction: per workspace,
//! one conditional update of the workspace's sequence counter (from the number the store
//! last saw to that plus the events' count) and one put per event, keyed by its sequence.
//! Transactions are serializable, so two writes can never take the same numbers, and an
//! event with a higher sequence is never visible before a lower one: a feed reader that
//! resumes after the last sequence it saw misses nothing, whatever commits concurrently.
//!
//! The number is a guess kept per container (read once per workspace); a guess that
//! another container overtook fails the counter's condition, whose current value comes
//! back with the cancellation, and the write is retried with it.

use super::StoreError;
use super::query::{PartitionQuery, SortKeys};
use super::{Attrs, DynamoStore, StoreResult, built, classify, decode, encode, n, s};
use crate::capacity;
use crate::keys::{self, PK, SK, TTL};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, CancellationReason, Put, ReturnValuesOnConditionCheckFailure,
    TransactWriteItem, Update,
};
use pirros_domain::events::{EventRecord, RETENTION_DAYS};
use pirros_domain::ids::WorkspaceId;
use std::collections::BTreeMap;

const SEQUENCE: &str = "seq";
/// How long one write may keep being overtaken: each time means another write committed
/// (so the workspace's writes as a whole always go on). With 8 writers always busy on one
/// workspace a write takes 8 tries on average (`bench.sh events` measures it); this bounds
/// the tail, within a request's time.
const RENUMBERING_TIME: std::time::Duration = std::time::Duration::from_secs(5);

/// The counter's value in a stored (or returned) counter item: 0 when it has none.
fn sequence_of(item: Option<&Attrs>) -> u64 {
    match item.and_then(|i| i.get(SEQUENCE)) {
        Some(AttributeValue::N(v)) => v.parse().unwrap_or(0),
        _ => 0,
    }
}

/// What a transaction adds for its events.
pub(super) struct EventWrites {
    pub items: Vec<TransactWriteItem>,
    /// Where each counter update sits among the transaction's items (its position once
    /// `items` follows `offset` others), and its workspace.
    pub counters: Vec<(usize, WorkspaceId)>,
    /// The counters' values once the transaction commits.
    pub after: Vec<(WorkspaceId, u64)>,
}

impl DynamoStore {
    /// The sequence the store believes `ws` is at.
    async fn sequence_guess(&self, ws: WorkspaceId) -> StoreResult<u64> {
        if let Some(n) = self.sequences().get(&ws) {
            return Ok(*n);
        }
        self.read_sequence(ws).await
    }

    /// The counter as stored (consistent), remembered as the next guess.
    pub(super) async fn read_sequence(&self, ws: WorkspaceId) -> StoreResult<u64> {
        let item = self.get(keys::event_counter(ws), true).await?;
        let n = sequence_of(item.as_ref());
        self.sequences().insert(ws, n);
        Ok(n)
    }

    fn sequences(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<WorkspaceId, u64>> {
        self.sequences.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// What the cancellation of a transaction says about a counter it could not move: its
    /// current value when the cancellation carries it, else the guess is dropped and the
    /// next write reads the counter again.
    pub(super) fn learn_sequence(&self, ws: WorkspaceId, item: Option<&Attrs>) {
        match item {
            Some(i) => self.sequences().insert(ws, sequence_of(Some(i))),
            None => self.sequences().remove(&ws),
        };
    }

    pub(super) fn committed_sequences(&self, after: &[(WorkspaceId, u64)]) {
        let mut seqs = self.sequences();
        for (ws, n) in after {
            seqs.insert(*ws, *n);
        }
    }

    /// The counter updates and event puts for `events`, numbered from the store's guess,
    /// to follow `offset` other actions in one transaction.
    pub(super) async fn event_writes(
        &self,
        events: &[EventRecord],
        offset: usize,
    ) -> StoreResult<EventWrites> {
        let mut by_ws: BTreeMap<WorkspaceId, Vec<&EventRecord>> = BTreeMap::new();
        for e in events {
            by_ws.entry(e.event.workspace_id).or_default().push(e);
        }
        let mut out = EventWrites {
            items: Vec::new(),
            counters: Vec::new(),
            after: Vec::new(),
        };
        for (ws, group) in by_ws {
            let from = self.sequence_guess(ws).await?;
            let to = from + group.len() as u64;
            let (pk, sk) = keys::event_counter(ws);
            let update = Update::builder()
                .table_name(&self.table)
                .key(PK, s(pk))
                .key(SK, s(sk))
                .update_expression("SET #seq = :to")
                .expression_attribute_names("#seq", SEQUENCE)
                .expression_attribute_values(":to", n(to))
                .return_values_on_condition_check_failure(
                    ReturnValuesOnConditionCheckFailure::AllOld,
                );
            let update = if from == 0 {
                update
                    .condition_expression("attribute_not_exists(#seq) OR #seq = :from")
                    .expression_attribute_values(":from", n(0))
            } else {
                update
                    .condition_expression("#seq = :from")
                    .expression_attribute_values(":from", n(from))
            };
            out.counters.push((offset + out.items.len(), ws));
            out.items.push(
                TransactWriteItem::builder()
                    .update(built(update.build())?)
                    .build(),
            );
            for (i, e) in group.into_iter().enumerate() {
                let mut record = e.clone();
                record.event.sequence = from + 1 + i as u64;
                let mut item = encode(&record, keys::event(ws, record.event.sequence))?;
                let expires = record.event.created_at.secs() + RETENTION_DAYS * 86_400;
                item.insert(TTL.into(), n(expires));
                let put = Put::builder().table_name(&self.table).set_item(Some(item));
                out.items.push(
                    TransactWriteItem::builder()
                        .put(built(put.build())?)
                        .build(),
                );
            }
            out.after.push((ws, to));
        }
        Ok(out)
    }

    /// How many times this store's writes were overtaken and numbered again.
    pub fn renumberings(&self) -> u64 {
        self.renumbered.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Sends `items` and, after them, `events` (numbered) as one transaction, renumbering
    /// while other writes take the numbers first (one action and no events goes alone:
    /// `single.rs`). A cancellation for any other cause is
    /// returned with its reasons, those of `items` first in their places.
    pub(super) async fn transact_numbered(
        &self,
        items: &[TransactWriteItem],
        events: &[EventRecord],
    ) -> StoreResult<Result<(), Vec<CancellationReason>>> {
        if let ([one], []) = (items, events)
            && let Some(outcome) = self.send_single(one).await
        {
            return outcome;
        }
        let started = std::time::Instant::now();
        while started.elapsed() < RENUMBERING_TIME {
            let numbered = self.event_writes(events, items.len()).await?;
            let mut all = items.to_vec();
            all.extend(numbered.items.iter().cloned());
            self.count();
            let e = match self
                .client
                .transact_write_items()
                .set_transact_items(Some(all))
                .return_consumed_capacity(capacity::TOTAL)
                .send()
                .await
            {
                Ok(out) => {
                    self.capacity.write(out.consumed_capacity());
                    self.committed_sequences(&numbered.after);
                    return Ok(Ok(()));
                }
                Err(e) => e,
            };
            let Some(TransactWriteItemsError::TransactionCanceledException(tc)) =
                e.as_service_error()
            else {
                return Err(classify(e));
            };
            let reasons = tc.cancellation_reasons();
            let failed = |r: &CancellationReason| r.code() == Some("ConditionalCheckFailed");
            // Another write moved the counter first, or was moving it at that moment.
            let raced = |r: &CancellationReason| {
                matches!(
                    r.code(),
                    Some("ConditionalCheckFailed" | "TransactionConflict")
                )
            };
            let own = &reasons[..items.len().min(reasons.len())];
            let overtaken: Vec<&(usize, WorkspaceId)> = numbered
                .counters
                .iter()
                .filter(|(at, _)| reasons.get(*at).is_some_and(raced))
                .collect();
            if overtaken.is_empty() || own.iter().any(failed) {
                return Ok(Err(reasons.to_vec()));
            }
            for (at, ws) in overtaken {
                self.learn_sequence(*ws, reasons.get(*at).and_then(|r| r.item()));
            }
            self.renumbered
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            // At once, with the number just learnt: a writer that waited would fall behind
            // the writer that just won, which sends its next write straight away.
        }
        Err(StoreError::Contended(
            "Other writes to this workspace kept coming first; retry",
        ))
    }

    /// One strongly consistent `Query`: up to `max` events of `ws` after sequence `after`.
    pub(super) async fn query_event_page(
        &self,
        ws: WorkspaceId,
        after: u64,
        max: usize,
    ) -> StoreResult<Vec<EventRecord>> {
        let (pk, after) = keys::event(ws, after);
        let q = PartitionQuery::new(pk, SortKeys::After(&after));
        let out = self.query_partition(q.consistent(true).max(max)).await?;
        out.items.into_iter().map(decode).collect()
    }
}
