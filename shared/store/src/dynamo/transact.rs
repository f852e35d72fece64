//! Conditional transactions (stash and flag writes): what a cancellation means, and
//! retrying the ones DynamoDB cancels only because another transaction touched the same
//! item at the same moment (many flags on one detail all add to its one counter).

use super::{
    DynamoStore, IdemKey, IdemRecord, SaveOutcome, StoreError, StoreResult, Timestamp, built,
    decode, encode, key_attrs, keys, n,
};
use crate::AccessStore;
use crate::keys::{PK, TTL};
use aws_sdk_dynamodb::types::{
    Delete, Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem,
};
use pirros_domain::events::EventRecord;
use rand::Rng;
use std::time::Duration;

/// DynamoDB's limit of actions in one TransactWriteItems.
pub(super) const MAX_TRANSACTION_ITEMS: usize = 100;
/// Attempts of a transaction that keeps losing conflicts before the store answers
/// unavailable: with the backoff below at most 2.5 s of waiting in all.
const ATTEMPTS: u32 = 8;

/// The idempotency record's put: only when no live record holds the key. DynamoDB's TTL
/// deletes within days, so the condition also treats an expired record as absent.
pub(super) fn idempotency_put(table: &str, idem: &IdemRecord) -> StoreResult<TransactWriteItem> {
    let mut item = encode(idem, keys::idempotency(&idem.key.client_id, &idem.key.key))?;
    item.insert(TTL.into(), n(idem.expires_at.secs()));
    let put = built(
        Put::builder()
            .table_name(table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(#pk) OR #exp <= :now")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#exp", TTL)
            .expression_attribute_values(":now", n(Timestamp::now().secs()))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build(),
    )?;
    Ok(TransactWriteItem::builder().put(put).build())
}

impl DynamoStore {
    /// Commits `items`, whose first is the write proper (its condition failing means
    /// `VersionMismatch`) and whose item at `idempotency.0`, if any, is the idempotency
    /// record of `idempotency.1` (its condition failing means another request with the key
    /// won: `IdempotencyTaken` with that request's record).
    /// An unconditional delete of `key`, as a transaction action.
    pub(super) fn delete_action(&self, key: (String, String)) -> StoreResult<TransactWriteItem> {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key_attrs(key)));
        Ok(TransactWriteItem::builder()
            .delete(built(delete.build())?)
            .build())
    }

    pub(super) async fn commit(
        &self,
        items: Vec<TransactWriteItem>,
        idempotency: Option<(usize, &IdemKey)>,
    ) -> StoreResult<SaveOutcome> {
        self.commit_limited(items, idempotency, None, &[]).await
    }

    /// `commit`, with `events` numbered and written in the same transaction.
    pub(super) async fn commit_with_events(
        &self,
        items: Vec<TransactWriteItem>,
        idempotency: Option<(usize, &IdemKey)>,
        events: &[EventRecord],
    ) -> StoreResult<SaveOutcome> {
        self.commit_limited(items, idempotency, None, events).await
    }

    /// `commit_with_events`, where the item at `limit_at`, if any, is conditional on a
    /// limit: its condition failing means `LimitReached`.
    pub(super) async fn commit_limited(
        &self,
        items: Vec<TransactWriteItem>,
        idempotency: Option<(usize, &IdemKey)>,
        limit_at: Option<usize>,
        events: &[EventRecord],
    ) -> StoreResult<SaveOutcome> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let Err(reasons) = self.transact_numbered(&items, events).await? else {
                return Ok(SaveOutcome::Saved);
            };
            let code = |i: usize| reasons.get(i).and_then(|r| r.code()).unwrap_or("None");
            if let Some((at, key)) = idempotency
                && code(at) == "ConditionalCheckFailed"
            {
                let rec = match reasons.get(at).and_then(|r| r.item().cloned()) {
                    Some(item) => decode(item)?,
                    None => self.get_idempotency(key).await?.ok_or_else(|| {
                        StoreError::Unavailable("idempotency record vanished".into())
                    })?,
                };
                return Ok(SaveOutcome::IdempotencyTaken(rec));
            }
            if code(0) == "ConditionalCheckFailed" {
                return Ok(SaveOutcome::VersionMismatch);
            }
            if limit_at.is_some_and(|at| code(at) == "ConditionalCheckFailed") {
                return Ok(SaveOutcome::LimitReached);
            }
            let conflict = reasons
                .iter()
                .any(|r| r.code() == Some("TransactionConflict"));
            if !conflict || attempt >= ATTEMPTS {
                return Err(StoreError::Unavailable(format!(
                    "transaction cancelled: {:?}",
                    reasons.iter().map(|r| r.code()).collect::<Vec<_>>()
                )));
            }
            // Jittered, growing waits, so that the losers of one conflict don't meet again.
            let ceiling = 20u64 << attempt.min(5);
            let wait = rand::rng().random_range(ceiling / 2..=ceiling);
            tokio::time::sleep(Duration::from_millis(wait)).await;
        }
    }
}
