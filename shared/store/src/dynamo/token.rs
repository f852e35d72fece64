//! A token attempt in one transaction: a condition check on the credential (that the
//! presented secret's tag is none of its secrets') beside both attempt counters' updates.
//! A wrong secret, first in its windows, is counted by the transaction committing. A right
//! secret fails the credential's check, so the transaction writes nothing, and its
//! cancellation hands back the credential, read in the same round trip. Counters that
//! hold attempts already fail their checks too and hand back their counts.

use super::{
    AttemptOutcome, DynamoStore, StoreResult, TokenAttempt, built, classify, decode, key_attrs,
    keys, n, s,
};
use crate::capacity;
use crate::keys::{PK, TTL};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    CancellationReason, ConditionCheck, ReturnValuesOnConditionCheckFailure, TransactWriteItem,
    Update,
};
use pirros_domain::model::Credential;
use rand::Rng;
use serde::Deserialize;
use std::time::Duration;

/// Attempts of a transaction that keeps meeting concurrent ones on the same counters before
/// the store leaves the attempt to the caller's plain updates, which never conflict.
const ATTEMPTS: u32 = 3;

/// The credential's check: it holds only when the credential exists, every secret it has
/// carries a tag, and none is the presented one (`Credential::tag_names_no_secret`).
const WRONG_SECRET: &str = "attribute_exists(#pk) AND attribute_exists(#s.#tag) AND #s.#tag <> :tag \
     AND (attribute_not_exists(#p) OR (attribute_exists(#p.#s.#tag) AND #p.#s.#tag <> :tag))";

#[derive(Deserialize)]
struct CountItem {
    count: u64,
}

fn failed(r: Option<&CancellationReason>) -> bool {
    r.and_then(|r| r.code()) == Some("ConditionalCheckFailed")
}

impl DynamoStore {
    pub(super) async fn attempt_token(
        &self,
        attempt: &TokenAttempt<'_>,
    ) -> StoreResult<AttemptOutcome> {
        if attempt.windows.iter().any(|(_, limit)| *limit == 0) {
            // A window allowing nothing: the first counter's `attribute_not_exists` would
            // let one through.
            return Ok(AttemptOutcome::Exceeded);
        }
        let items = self.attempt_items(attempt)?;
        let mut tries = 0;
        loop {
            tries += 1;
            self.count();
            let e = match self
                .client
                .transact_write_items()
                .set_transact_items(Some(items.clone()))
                .return_consumed_capacity(capacity::TOTAL)
                .send()
                .await
            {
                Ok(out) => {
                    self.capacity.write(out.consumed_capacity());
                    return Ok(AttemptOutcome::Counted);
                }
                Err(e) => e,
            };
            let Some(TransactWriteItemsError::TransactionCanceledException(tc)) =
                e.as_service_error()
            else {
                return Err(classify(e));
            };
            let reasons = tc.cancellation_reasons();
            if reasons
                .iter()
                .any(|r| r.code() == Some("TransactionConflict"))
            {
                if tries >= ATTEMPTS {
                    return Ok(AttemptOutcome::Contended);
                }
                let ceiling = 10u64 << tries;
                let wait = rand::rng().random_range(ceiling / 2..=ceiling);
                tokio::time::sleep(Duration::from_millis(wait)).await;
                continue;
            }
            return self.attempt_found(attempt, reasons);
        }
    }

    /// What a cancelled attempt found: each counter that failed `attribute_not_exists`
    /// handed back its count, the credential's check its item when the tag may be right.
    fn attempt_found(
        &self,
        attempt: &TokenAttempt<'_>,
        reasons: &[CancellationReason],
    ) -> StoreResult<AttemptOutcome> {
        let mut earlier = false;
        for (i, (_, limit)) in attempt.windows.iter().enumerate() {
            let reason = reasons.get(i + 1);
            if !failed(reason) {
                continue;
            }
            let count = match reason.and_then(|r| r.item()) {
                Some(item) => decode::<CountItem>(item.clone())?.count,
                None => 0,
            };
            if count >= *limit {
                return Ok(AttemptOutcome::Exceeded);
            }
            earlier |= count > 0;
        }
        let credential = match reasons.first() {
            Some(r) if failed(Some(r)) => {
                r.item().cloned().map(decode::<Credential>).transpose()?
            }
            // The check held (a wrong secret); only the counters stopped the transaction.
            _ => None,
        };
        self.read(usize::from(credential.is_some()));
        Ok(AttemptOutcome::Unsettled {
            credential: credential.map(Box::new),
            earlier,
        })
    }

    fn attempt_items(&self, attempt: &TokenAttempt<'_>) -> StoreResult<Vec<TransactWriteItem>> {
        // An id that is no id names no credential: the key of one that can't exist.
        let credential = match attempt.client {
            Some(c) => keys::credential(c),
            None => ("CRED#".to_owned(), "CRED".to_owned()),
        };
        let check = ConditionCheck::builder()
            .table_name(&self.table)
            .set_key(Some(key_attrs(credential)))
            .condition_expression(WRONG_SECRET)
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#s", "secret")
            .expression_attribute_names("#p", "previous_secret")
            .expression_attribute_names("#tag", "tag")
            .expression_attribute_values(":tag", s(attempt.tag))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        let mut items = vec![
            TransactWriteItem::builder()
                .condition_check(built(check.build())?)
                .build(),
        ];
        for (key, _) in attempt.windows {
            // Only an empty window is counted here: one holding attempts already hands back
            // its count, and the caller counts against the limit with a conditional update.
            let update = Update::builder()
                .table_name(&self.table)
                .set_key(Some(key_attrs(keys::rate(key))))
                .update_expression("ADD #c :one SET #ttl = if_not_exists(#ttl, :ttl)")
                .condition_expression("attribute_not_exists(#c)")
                .expression_attribute_names("#c", "count")
                .expression_attribute_names("#ttl", TTL)
                .expression_attribute_values(":one", n(1))
                .expression_attribute_values(":ttl", n(attempt.expires_at.secs()))
                .return_values_on_condition_check_failure(
                    ReturnValuesOnConditionCheckFailure::AllOld,
                );
            items.push(
                TransactWriteItem::builder()
                    .update(built(update.build())?)
                    .build(),
            );
        }
        Ok(items)
    }
}
