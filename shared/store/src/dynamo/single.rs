//! A transaction of one action and no events, sent as that action alone (`PutItem`,
//! `UpdateItem`, `DeleteItem`). DynamoDB bills a transactional write twice and holds it to
//! a two-phase commit, for an atomicity one item has anyway; a new job is such a write.
//! The outcome is reported as the transaction's would be: a failed condition is the one
//! cancellation reason `ConditionalCheckFailed` (with the item, when asked for), an item
//! that another transaction holds at that moment `TransactionConflict`, so callers match
//! one shape either way.

use super::{DynamoStore, StoreResult, classify};
use crate::capacity;
use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::operation::delete_item::DeleteItemError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{CancellationReason, TransactWriteItem};

type Outcome = StoreResult<Result<(), Vec<CancellationReason>>>;

/// The parts every conditional action shares, set on the single call's builder `$call`
/// from the transaction's action `$a`; then sent, and its outcome told as `Outcome`.
macro_rules! send_as_single {
    ($store:expr, $call:expr, $a:expr, $error:ident) => {{
        $store.count();
        let sent = $call
            .table_name($a.table_name())
            .set_condition_expression($a.condition_expression().map(str::to_owned))
            .set_expression_attribute_names($a.expression_attribute_names().cloned())
            .set_expression_attribute_values($a.expression_attribute_values().cloned())
            .set_return_values_on_condition_check_failure(
                $a.return_values_on_condition_check_failure().cloned(),
            )
            .return_consumed_capacity(capacity::TOTAL)
            .send()
            .await;
        match sent {
            Ok(out) => {
                $store.capacity.write(out.consumed_capacity());
                Ok(Ok(()))
            }
            Err(e) => {
                let reason = e.as_service_error().and_then(|err| {
                    let (code, item) = match err {
                        $error::ConditionalCheckFailedException(c) => {
                            ("ConditionalCheckFailed", c.item().cloned())
                        }
                        _ if err.code() == Some("TransactionConflictException") => {
                            ("TransactionConflict", None)
                        }
                        _ => return None,
                    };
                    Some(
                        CancellationReason::builder()
                            .code(code)
                            .set_item(item)
                            .build(),
                    )
                });
                match reason {
                    Some(r) => Ok(Err(vec![r])),
                    None => Err(classify(e)),
                }
            }
        }
    }};
}

impl DynamoStore {
    /// Sends `action` on its own; `None` when it is a kind that only exists in a
    /// transaction (a condition check).
    pub(super) async fn send_single(&self, action: &TransactWriteItem) -> Option<Outcome> {
        if let Some(p) = action.put() {
            let call = self.client.put_item().set_item(Some(p.item().clone()));
            return Some(send_as_single!(self, call, p, PutItemError));
        }
        if let Some(u) = action.update() {
            let call = self
                .client
                .update_item()
                .set_key(Some(u.key().clone()))
                .update_expression(u.update_expression());
            return Some(send_as_single!(self, call, u, UpdateItemError));
        }
        if let Some(d) = action.delete() {
            let call = self.client.delete_item().set_key(Some(d.key().clone()));
            return Some(send_as_single!(self, call, d, DeleteItemError));
        }
        None
    }
}
