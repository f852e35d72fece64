//! A credential's leases (`LeaseKind`): one item, `LEASE#{kind}#{client}`, whose slots
//! `s0`, `s1`, ... each hold `{h: holder, u: until in ms}`. A take claims the first free or
//! lapsed slot with conditional updates, in slot order; a lost race moves on to the next.
//! A job that holds a slot claims it with the same update as an item of the transaction
//! that writes the job.

use super::{Attrs, DynamoStore, StoreResult, Timestamp, built, key_attrs, keys, n, s, written};
use crate::capacity;
use crate::keys::TTL;
use crate::{LeaseKind, LeaseSlot};
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use pirros_domain::ids::ClientId;
use std::collections::HashMap;

/// The item outlives every slot in it: leases last an hour at most.
const ITEM_TTL_SECS: u64 = 2 * 3600;

/// Slot `i`'s holder and expiry, if it holds anything readable.
fn slot(item: &Attrs, i: usize) -> Option<(&str, i64)> {
    let AttributeValue::M(m) = item.get(&format!("s{i}"))? else {
        return None;
    };
    let holder = m.get("h")?.as_s().ok()?;
    let until = m.get("u")?.as_n().ok()?.parse().ok()?;
    Some((holder.as_str(), until))
}

/// The conditional update that claims slot `i` for `holder` until `until`: the slot is
/// free, lapsed or already the holder's, and no other slot is the holder's (a retried claim
/// keeps the slot it has instead of taking a second one). Sent alone (`take_slot`) or as one
/// item of the transaction that writes what holds it (`slot_claim_item`).
struct SlotClaim {
    condition: String,
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
}

impl SlotClaim {
    const UPDATE: &str = "SET #s = :v, #ttl = :ttl";

    fn new(kind: LeaseKind, i: usize, holder: &str, until: Timestamp) -> Self {
        let now = Timestamp::now();
        let value = AttributeValue::M(HashMap::from([
            ("h".to_owned(), s(holder)),
            ("u".to_owned(), n(until.millis())),
        ]));
        let mut condition = "(attribute_not_exists(#s) OR #s.u <= :now OR #s.h = :h)".to_owned();
        let mut names = HashMap::from([
            ("#s".to_owned(), format!("s{i}")),
            ("#ttl".to_owned(), TTL.to_owned()),
        ]);
        for k in (0..kind.slots()).filter(|k| *k != i) {
            condition.push_str(&format!(
                " AND (attribute_not_exists(#o{k}) OR #o{k}.h <> :h)"
            ));
            names.insert(format!("#o{k}"), format!("s{k}"));
        }
        let values = HashMap::from([
            (":v".to_owned(), value),
            (":now".to_owned(), n(now.millis())),
            (":ttl".to_owned(), n(now.plus_secs(ITEM_TTL_SECS).secs())),
            (":h".to_owned(), s(holder)),
        ]);
        Self {
            condition,
            names,
            values,
        }
    }
}

impl DynamoStore {
    /// The claim of slot `i` of `client`'s lease as one item of a transaction.
    pub(super) fn slot_claim_item(
        &self,
        kind: LeaseKind,
        client: &ClientId,
        i: usize,
        holder: &str,
        until: Timestamp,
    ) -> StoreResult<TransactWriteItem> {
        let claim = SlotClaim::new(kind, i, holder, until);
        let update = built(
            Update::builder()
                .table_name(&self.table)
                .set_key(Some(key_attrs(keys::lease(kind, client))))
                .update_expression(SlotClaim::UPDATE)
                .condition_expression(claim.condition)
                .set_expression_attribute_names(Some(claim.names))
                .set_expression_attribute_values(Some(claim.values))
                .build(),
        )?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    pub(super) async fn take_slot(
        &self,
        kind: LeaseKind,
        client: &ClientId,
        holder: &str,
        until: Timestamp,
    ) -> StoreResult<Option<LeaseSlot>> {
        // Slot by slot, a conditional claim each, without reading the item first: a
        // credential usually holds none, so the first claim is the one round trip a take
        // costs; each slot held by another costs one more, and a full lease one call a slot.
        for i in 0..kind.slots() {
            let claim = SlotClaim::new(kind, i, holder, until);
            let claim = self
                .client
                .update_item()
                .update_expression(SlotClaim::UPDATE)
                .condition_expression(claim.condition)
                .set_expression_attribute_names(Some(claim.names))
                .set_expression_attribute_values(Some(claim.values));
            // `false`: the slot is someone else's (or ours is another one): the next.
            if self.on_slot(claim, kind, client, i, holder).await? {
                return Ok(Some(LeaseSlot(i)));
            }
        }
        Ok(None)
    }

    pub(super) async fn give_slot_back(
        &self,
        kind: LeaseKind,
        client: &ClientId,
        holder: &str,
        at: Option<LeaseSlot>,
    ) -> StoreResult<()> {
        let i = match at {
            Some(LeaseSlot(i)) => i,
            None => {
                let Some(item) = self.get(keys::lease(kind, client), true).await? else {
                    return Ok(());
                };
                let mine =
                    (0..kind.slots()).find(|i| slot(&item, *i).is_some_and(|(h, _)| h == holder));
                let Some(i) = mine else {
                    return Ok(());
                };
                i
            }
        };
        let give_back = self
            .client
            .update_item()
            .update_expression("REMOVE #s")
            .condition_expression("#s.h = :h");
        // `false`: it lapsed and someone else holds the slot now, nothing of ours to give.
        self.on_slot(give_back, kind, client, i, holder).await?;
        Ok(())
    }

    /// Sends `update` to slot `i` of the lease item (`#s`, with `:h` the holder);
    /// `false` when its condition failed.
    async fn on_slot(
        &self,
        update: UpdateItemFluentBuilder,
        kind: LeaseKind,
        client: &ClientId,
        i: usize,
        holder: &str,
    ) -> StoreResult<bool> {
        self.count();
        let res = update
            .table_name(&self.table)
            .set_key(Some(key_attrs(keys::lease(kind, client))))
            .expression_attribute_names("#s", format!("s{i}"))
            .expression_attribute_values(":h", s(holder))
            .return_consumed_capacity(capacity::TOTAL)
            .send()
            .await;
        written(res.map(|out| self.capacity.write(out.consumed_capacity())))
    }
}
