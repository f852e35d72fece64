//! The guards in front of every `/v1` call: rate-limit windows (one conditional counter
//! update each) and the kill switch.

use super::{
    DynamoStore, RateHit, RateUsage, StoreResult, Timestamp, classify, decode, encode, key_attrs,
    keys, n,
};

/// The attribute prefix of a window's tallies (`t:GET /v1/...`).
const TALLY_PREFIX: &str = "t:";
use crate::capacity;
use crate::keys::TTL;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, ReturnValuesOnConditionCheckFailure};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct KillSwitchItem {
    on: bool,
}

#[derive(Deserialize)]
struct CountItem {
    count: u64,
}

impl DynamoStore {
    /// One conditional update: the window's count, and `tally`'s (an attribute `t:{tally}`
    /// beside it) when given.
    pub(super) async fn count_hit(
        &self,
        key: &str,
        limit: u64,
        expires_at: Timestamp,
        tally: &str,
    ) -> StoreResult<RateHit> {
        if limit == 0 {
            // `attribute_not_exists` below would let a first hit through.
            return Ok(RateHit {
                allowed: false,
                count: self.read_rate_count(key).await?,
            });
        }
        self.count();
        let res = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_attrs(keys::rate(key))))
            .update_expression("ADD #c :one, #t :one SET #ttl = if_not_exists(#ttl, :ttl)")
            .expression_attribute_names("#t", format!("{TALLY_PREFIX}{tally}"))
            .condition_expression("attribute_not_exists(#c) OR #c < :limit")
            .expression_attribute_names("#c", "count")
            .expression_attribute_names("#ttl", TTL)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":limit", n(limit))
            .expression_attribute_values(":ttl", n(expires_at.secs()))
            .return_values(ReturnValue::UpdatedNew)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .return_consumed_capacity(capacity::TOTAL)
            .send()
            .await;
        match res {
            Ok(out) => {
                self.capacity.write(out.consumed_capacity());
                let count = out
                    .attributes
                    .map(decode::<CountItem>)
                    .transpose()?
                    .map_or(1, |c| c.count);
                Ok(RateHit {
                    allowed: true,
                    count,
                })
            }
            Err(SdkError::ServiceError(se)) if se.err().is_conditional_check_failed_exception() => {
                let count = match se.into_err() {
                    UpdateItemError::ConditionalCheckFailedException(c) => c
                        .item
                        .map(decode::<CountItem>)
                        .transpose()?
                        .map(|c| c.count),
                    _ => None,
                };
                Ok(RateHit {
                    allowed: false,
                    count: count.unwrap_or(limit),
                })
            }
            Err(e) => Err(classify(e)),
        }
    }

    pub(super) async fn read_rate_usage(&self, keys: &[String]) -> StoreResult<Vec<RateUsage>> {
        let wanted: Vec<_> = keys.iter().map(|k| keys::rate(k)).collect();
        let now = Timestamp::now().secs();
        let items = self.batch_get_items(wanted, false).await?;
        let mut out = Vec::with_capacity(items.len());
        for mut item in items {
            let expired = match item.get(TTL) {
                Some(AttributeValue::N(t)) => t.parse::<i64>().is_ok_and(|t| t <= now),
                _ => false,
            };
            let key = match item.remove(crate::keys::PK) {
                Some(AttributeValue::S(pk)) => pk.strip_prefix("RATE#").unwrap_or(&pk).to_owned(),
                _ => continue,
            };
            if expired {
                continue;
            }
            let number = |v: &AttributeValue| match v {
                AttributeValue::N(n) => n.parse::<u64>().ok(),
                _ => None,
            };
            let count = item.get("count").and_then(number).unwrap_or(0);
            let tallies = item
                .iter()
                .filter_map(|(k, v)| Some((k.strip_prefix(TALLY_PREFIX)?.to_owned(), number(v)?)))
                .collect();
            out.push(RateUsage {
                key,
                count,
                tallies,
            });
        }
        Ok(out)
    }

    pub(super) async fn read_rate_count(&self, key: &str) -> StoreResult<u64> {
        Ok(self
            .get_as::<CountItem>(keys::rate(key), true)
            .await?
            .map_or(0, |c| c.count))
    }

    pub(super) async fn read_kill_switch(&self) -> StoreResult<bool> {
        Ok(self
            .get_as::<KillSwitchItem>(keys::kill_switch(), true)
            .await?
            .is_some_and(|k| k.on))
    }

    pub(super) async fn write_kill_switch(&self, on: bool) -> StoreResult<()> {
        self.put(encode(&KillSwitchItem { on }, keys::kill_switch())?)
            .await
    }
}
