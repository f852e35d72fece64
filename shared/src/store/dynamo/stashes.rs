//! Stash writes: the stash and its idempotency record in one conditional transaction.

use super::{
    DynamoStore, IdemRecord, SaveOutcome, StashWrite, Store, StoreError, StoreResult, Timestamp,
    built, classify, decode, encode, keys, n,
};
use crate::store::capacity;
use crate::store::keys::{PK, TTL};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem};

impl DynamoStore {
    pub(super) async fn transact_stash(&self, write: &StashWrite) -> StoreResult<SaveOutcome> {
        let st = &write.record.stash;
        let item = encode(&write.record, keys::stash(st.workspace_id, &st.id))?;
        let stash_put = Put::builder().table_name(&self.table).set_item(Some(item));
        // DynamoDB refuses attribute names an expression does not use, so each condition
        // names only its own.
        let stash_put = match write.expected_version {
            None => stash_put
                .condition_expression("attribute_not_exists(#pk)")
                .expression_attribute_names("#pk", PK),
            Some(v) => stash_put
                .condition_expression("#v = :v")
                .expression_attribute_names("#v", "version")
                .expression_attribute_values(":v", n(v)),
        };
        let mut tx = self.client.transact_write_items().transact_items(
            TransactWriteItem::builder()
                .put(built(stash_put.build())?)
                .build(),
        );
        if let Some(idem) = &write.idempotency {
            tx = tx.transact_items(
                TransactWriteItem::builder()
                    .put(idempotency_put(&self.table, idem)?)
                    .build(),
            );
        }
        self.count();
        let e = match tx.return_consumed_capacity(capacity::TOTAL).send().await {
            Ok(out) => {
                self.capacity.write(out.consumed_capacity());
                return Ok(SaveOutcome::Saved);
            }
            Err(e) => e,
        };
        let Some(TransactWriteItemsError::TransactionCanceledException(tc)) = e.as_service_error()
        else {
            return Err(classify(e));
        };
        let reasons = tc.cancellation_reasons();
        let failed = |i: usize| {
            reasons
                .get(i)
                .and_then(|r| r.code())
                .is_some_and(|c| c == "ConditionalCheckFailed")
        };
        if let Some(idem) = &write.idempotency
            && failed(1)
        {
            let rec = match reasons.get(1).and_then(|r| r.item().cloned()) {
                Some(item) => decode(item)?,
                None => self
                    .get_idempotency(&idem.key)
                    .await?
                    .ok_or_else(|| StoreError::Unavailable("idempotency record vanished".into()))?,
            };
            return Ok(SaveOutcome::IdempotencyTaken(rec));
        }
        if failed(0) {
            return Ok(SaveOutcome::VersionMismatch);
        }
        // Cancelled for another reason (a concurrent transaction on the same items).
        Err(StoreError::Unavailable(format!(
            "transaction cancelled: {:?}",
            reasons.iter().map(|r| r.code()).collect::<Vec<_>>()
        )))
    }
}

/// The idempotency record's put: only when no live record holds the key. DynamoDB's TTL
/// deletes within days, so the condition also treats an expired record as absent.
fn idempotency_put(table: &str, idem: &IdemRecord) -> StoreResult<Put> {
    let mut item = encode(idem, keys::idempotency(&idem.key.client_id, &idem.key.key))?;
    item.insert(TTL.into(), n(idem.expires_at.secs()));
    built(
        Put::builder()
            .table_name(table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(#pk) OR #exp <= :now")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#exp", TTL)
            .expression_attribute_values(":now", n(Timestamp::now().secs()))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build(),
    )
}
