//! The production store: one DynamoDB table (see `keys.rs` and `infra/TABLE.md`).

use super::capacity::{self, Meter};
use super::keys::{self, PK, SK, TTL, kind};
use super::*;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, DeleteRequest, KeySchemaElement, KeyType,
    KeysAndAttributes, Put, PutRequest, ReturnValue, ReturnValuesOnConditionCheckFailure,
    ScalarAttributeType, TimeToLiveSpecification, TransactWriteItem, WriteRequest,
};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

type Attrs = HashMap<String, AttributeValue>;

pub struct DynamoStore {
    client: Client,
    table: String,
    calls: AtomicU64,
    items_read: AtomicU64,
    capacity: Meter,
}

fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

/// Throttling, timeouts and transport failures are worth a retry later (503);
/// everything else is a bug or a misconfiguration (500).
fn classify<E, R>(e: SdkError<E, R>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    let transient = match &e {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            true
        }
        SdkError::ServiceError(se) => matches!(
            se.err().code(),
            Some(
                "ThrottlingException"
                    | "ProvisionedThroughputExceededException"
                    | "RequestLimitExceeded"
                    | "InternalServerError"
                    | "ServiceUnavailable"
            )
        ),
        _ => false,
    };
    let msg = aws_sdk_dynamodb::error::DisplayErrorContext(e).to_string();
    if transient {
        StoreError::Unavailable(msg)
    } else {
        StoreError::Internal(msg)
    }
}

fn decode<T: DeserializeOwned>(item: Attrs) -> StoreResult<T> {
    serde_dynamo::from_item(item).map_err(|e| StoreError::Internal(format!("corrupt item: {e}")))
}

fn encode<T: Serialize>(value: &T, key: (String, String)) -> StoreResult<Attrs> {
    let mut item: Attrs = serde_dynamo::to_item(value)
        .map_err(|e| StoreError::Internal(format!("cannot encode item: {e}")))?;
    item.insert(PK.into(), s(key.0));
    item.insert(SK.into(), s(key.1));
    Ok(item)
}

fn key_attrs((pk, sk): (String, String)) -> Attrs {
    HashMap::from([(PK.to_owned(), s(pk)), (SK.to_owned(), s(sk))])
}

/// Search copies of a detail: `(partition, sort key)` for each list it belongs to.
fn detail_list_keys(d: &Detail) -> Vec<(String, String)> {
    let sk = detail_sort_key(d);
    let ws = d.workspace_id;
    let mut out = vec![(keys::detail_list_all(ws), sk.clone())];
    let mut tags = d.tag_ids.clone();
    tags.sort();
    tags.dedup();
    for t in &tags {
        out.push((keys::detail_list_tag(ws, t), sk.clone()));
    }
    if let Some(p) = &d.project_id {
        out.push((keys::detail_list_project(ws, p), sk));
    }
    out
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
            calls: AtomicU64::new(0),
            items_read: AtomicU64::new(0),
            capacity: Meter::default(),
        }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    fn count(&self) {
        self.calls.fetch_add(1, Ordering::Relaxed);
        crate::metrics::usage::add(|u| u.calls += 1);
    }

    fn read(&self, items: usize) {
        self.items_read.fetch_add(items as u64, Ordering::Relaxed);
        crate::metrics::usage::add(|u| u.items_read += items as u64);
    }

    /// Creates the table (pk/sk, on demand) and turns on TTL. Idempotent.
    pub async fn create_table(&self) -> StoreResult<bool> {
        let attr = |name: &str| {
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .expect("name and type are set")
        };
        let key = |name: &str, t: KeyType| {
            KeySchemaElement::builder()
                .attribute_name(name)
                .key_type(t)
                .build()
                .expect("name and type are set")
        };
        let created = match self
            .client
            .create_table()
            .table_name(&self.table)
            .attribute_definitions(attr(PK))
            .attribute_definitions(attr(SK))
            .key_schema(key(PK, KeyType::Hash))
            .key_schema(key(SK, KeyType::Range))
            .billing_mode(BillingMode::PayPerRequest)
            .send()
            .await
        {
            Ok(_) => true,
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_resource_in_use_exception()) =>
            {
                false
            }
            Err(e) => return Err(classify(e)),
        };
        if created {
            self.client
                .update_time_to_live()
                .table_name(&self.table)
                .time_to_live_specification(
                    TimeToLiveSpecification::builder()
                        .attribute_name(TTL)
                        .enabled(true)
                        .build()
                        .expect("name and flag are set"),
                )
                .send()
                .await
                .map_err(classify)?;
        }
        Ok(created)
    }

    async fn get(&self, key: (String, String), consistent: bool) -> StoreResult<Option<Attrs>> {
        self.count();
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key_attrs(key)))
            .consistent_read(consistent)
            .return_consumed_capacity(capacity::TOTAL)
            .send()
            .await
            .map_err(classify)?;
        self.capacity.read(out.consumed_capacity());
        self.read(usize::from(out.item.is_some()));
        Ok(out.item)
    }

    async fn get_as<T: DeserializeOwned>(
        &self,
        key: (String, String),
        consistent: bool,
    ) -> StoreResult<Option<T>> {
        self.get(key, consistent).await?.map(decode).transpose()
    }

    async fn put(&self, item: Attrs) -> StoreResult<()> {
        self.count();
        let out = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .return_consumed_capacity(capacity::TOTAL)
            .send()
            .await
            .map_err(classify)?;
        self.capacity.write(out.consumed_capacity());
        Ok(())
    }

    /// Every item of `pk` whose sort key starts with `prefix`, all pages.
    async fn query_prefix<T: DeserializeOwned>(
        &self,
        pk: String,
        prefix: &str,
    ) -> StoreResult<Vec<T>> {
        let mut out = Vec::new();
        let mut start: Option<Attrs> = None;
        loop {
            self.count();
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expression_attribute_names("#pk", PK)
                .expression_attribute_names("#sk", SK)
                .expression_attribute_values(":pk", s(pk.clone()))
                .expression_attribute_values(":prefix", s(prefix))
                .set_exclusive_start_key(start)
                .return_consumed_capacity(capacity::TOTAL)
                .send()
                .await
                .map_err(classify)?;
            self.capacity.read(page.consumed_capacity());
            self.read(page.scanned_count as usize);
            for item in page.items.unwrap_or_default() {
                out.push(decode(item)?);
            }
            match page.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => return Ok(out),
            }
        }
    }

    /// BatchGetItem in chunks of 100, retrying unprocessed keys. Order is not kept.
    async fn batch_get<T: DeserializeOwned>(
        &self,
        keys: Vec<(String, String)>,
    ) -> StoreResult<Vec<T>> {
        let mut out = Vec::with_capacity(keys.len());
        let mut uniq = keys;
        uniq.sort();
        uniq.dedup();
        for chunk in uniq.chunks(100) {
            let mut pending = Some(
                KeysAndAttributes::builder()
                    .set_keys(Some(chunk.iter().cloned().map(key_attrs).collect()))
                    .build()
                    .map_err(|e| StoreError::Internal(e.to_string()))?,
            );
            let mut rounds = 0;
            while let Some(req) = pending.take() {
                rounds += 1;
                if rounds > 8 {
                    return Err(StoreError::Unavailable(
                        "BatchGetItem kept leaving keys unprocessed".into(),
                    ));
                }
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
                if let Some(mut r) = resp.responses
                    && let Some(items) = r.remove(&self.table)
                {
                    self.read(items.len());
                    for item in items {
                        out.push(decode(item)?);
                    }
                }
                pending = resp
                    .unprocessed_keys
                    .and_then(|mut u| u.remove(&self.table))
                    .filter(|k| !k.keys().is_empty());
                if pending.is_some() {
                    tokio::time::sleep(std::time::Duration::from_millis(20 << rounds)).await;
                }
            }
        }
        Ok(out)
    }

    /// BatchWriteItem in chunks of 25, a few chunks at once, retrying unprocessed items.
    async fn batch_write(&self, requests: Vec<WriteRequest>) -> StoreResult<()> {
        let chunks: Vec<Vec<WriteRequest>> = requests.chunks(25).map(|c| c.to_vec()).collect();
        for group in chunks.chunks(8) {
            let results =
                futures::future::join_all(group.iter().map(|c| self.batch_write_chunk(c.clone())))
                    .await;
            results.into_iter().collect::<StoreResult<Vec<()>>>()?;
        }
        Ok(())
    }

    async fn batch_write_chunk(&self, chunk: Vec<WriteRequest>) -> StoreResult<()> {
        let mut pending = chunk;
        let mut rounds = 0;
        while !pending.is_empty() {
            rounds += 1;
            if rounds > 8 {
                return Err(StoreError::Unavailable(
                    "BatchWriteItem kept leaving items unprocessed".into(),
                ));
            }
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
            if !pending.is_empty() {
                tokio::time::sleep(std::time::Duration::from_millis(20 << rounds)).await;
            }
        }
        Ok(())
    }
}

fn put_request(item: Attrs) -> StoreResult<WriteRequest> {
    Ok(WriteRequest::builder()
        .put_request(
            PutRequest::builder()
                .set_item(Some(item))
                .build()
                .map_err(|e| StoreError::Internal(e.to_string()))?,
        )
        .build())
}

fn delete_request(key: (String, String)) -> StoreResult<WriteRequest> {
    Ok(WriteRequest::builder()
        .delete_request(
            DeleteRequest::builder()
                .set_key(Some(key_attrs(key)))
                .build()
                .map_err(|e| StoreError::Internal(e.to_string()))?,
        )
        .build())
}

#[derive(Serialize, Deserialize)]
struct KillSwitchItem {
    on: bool,
}

#[derive(Deserialize)]
struct CountItem {
    count: u64,
}

#[async_trait]
impl Store for DynamoStore {
    async fn get_credential(&self, id: &ClientId) -> StoreResult<Option<Credential>> {
        // Consistent: a revocation must be seen by the very next request.
        self.get_as(keys::credential(id), true).await
    }

    async fn put_credential(&self, c: &Credential) -> StoreResult<()> {
        self.put(encode(c, keys::credential(&c.client_id))?).await
    }

    async fn get_workspace(&self, ws: WorkspaceId) -> StoreResult<Option<Workspace>> {
        self.get_as(keys::workspace(ws), false).await
    }

    async fn get_firm(&self, id: &ResourceId) -> StoreResult<Option<Firm>> {
        self.get_as(keys::firm(id), false).await
    }

    async fn list_filters(&self, ws: WorkspaceId) -> StoreResult<Vec<Filter>> {
        self.query_prefix(keys::workspace_pk(ws), kind::FILTER)
            .await
    }

    async fn get_filters(&self, ws: WorkspaceId, ids: &[ResourceId]) -> StoreResult<Vec<Filter>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let keys = ids
            .iter()
            .map(|id| keys::in_workspace(ws, kind::FILTER, id))
            .collect();
        self.batch_get(keys).await
    }

    async fn delete_filter(&self, ws: WorkspaceId, id: &ResourceId) -> StoreResult<bool> {
        self.count();
        let out = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key_attrs(keys::in_workspace(ws, kind::FILTER, id))))
            .return_values(ReturnValue::AllOld)
            .return_consumed_capacity(capacity::TOTAL)
            .send()
            .await
            .map_err(classify)?;
        self.capacity.write(out.consumed_capacity());
        Ok(out.attributes.is_some_and(|a| !a.is_empty()))
    }

    async fn list_tags(&self, ws: WorkspaceId) -> StoreResult<Vec<Tag>> {
        self.query_prefix(keys::workspace_pk(ws), kind::TAG).await
    }

    async fn get_tags(&self, ws: WorkspaceId, ids: &[ResourceId]) -> StoreResult<Vec<Tag>> {
        let keys = ids
            .iter()
            .map(|id| keys::in_workspace(ws, kind::TAG, id))
            .collect();
        self.batch_get(keys).await
    }

    async fn get_projects(&self, ws: WorkspaceId, ids: &[ResourceId]) -> StoreResult<Vec<Project>> {
        let keys = ids
            .iter()
            .map(|id| keys::in_workspace(ws, kind::PROJECT, id))
            .collect();
        self.batch_get(keys).await
    }

    async fn get_detail(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<Option<DetailRecord>> {
        self.get_as(keys::in_workspace(ws, kind::DETAIL, id), false)
            .await
    }

    async fn get_details(&self, ws: WorkspaceId, ids: &[ResourceId]) -> StoreResult<Vec<Detail>> {
        let keys = ids
            .iter()
            .map(|id| keys::in_workspace(ws, kind::DETAIL, id))
            .collect();
        let recs: Vec<DetailRecord> = self.batch_get(keys).await?;
        Ok(recs.into_iter().map(|r| r.detail).collect())
    }

    async fn query_details(
        &self,
        ws: WorkspaceId,
        index: &DetailIndex,
        after: Option<&str>,
        max: usize,
    ) -> StoreResult<DetailPage> {
        let pk = match index {
            DetailIndex::All => keys::detail_list_all(ws),
            DetailIndex::Tag(t) => keys::detail_list_tag(ws, t),
            DetailIndex::Project(p) => keys::detail_list_project(ws, p),
        };
        let start = after.map(|a| key_attrs((pk.clone(), a.to_owned())));
        self.count();
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("#pk = :pk")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_values(":pk", s(pk))
            .set_exclusive_start_key(start)
            .limit(max.clamp(1, 1000) as i32)
            .return_consumed_capacity(capacity::TOTAL)
            .send()
            .await
            .map_err(classify)?;
        self.capacity.read(out.consumed_capacity());
        self.read(out.scanned_count as usize);
        let mut page = DetailPage::default();
        for mut item in out.items.unwrap_or_default() {
            let sk = match item.remove(SK) {
                Some(AttributeValue::S(sk)) => sk,
                _ => return Err(StoreError::Internal("search copy without sort key".into())),
            };
            page.items.push((sk, decode(item)?));
        }
        page.last_key = out.last_evaluated_key.and_then(|mut k| match k.remove(SK) {
            Some(AttributeValue::S(sk)) => Some(sk),
            _ => None,
        });
        Ok(page)
    }

    async fn get_family(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<Option<FamilyRecord>> {
        self.get_as(keys::in_workspace(ws, kind::FAMILY, id), false)
            .await
    }

    async fn get_families(&self, ws: WorkspaceId, ids: &[ResourceId]) -> StoreResult<Vec<Family>> {
        let keys = ids
            .iter()
            .map(|id| keys::in_workspace(ws, kind::FAMILY, id))
            .collect();
        let recs: Vec<FamilyRecord> = self.batch_get(keys).await?;
        Ok(recs.into_iter().map(|r| r.family).collect())
    }

    async fn list_families(&self, ws: WorkspaceId) -> StoreResult<Vec<Family>> {
        let recs: Vec<FamilyRecord> = self
            .query_prefix(keys::workspace_pk(ws), kind::FAMILY)
            .await?;
        Ok(recs.into_iter().map(|r| r.family).collect())
    }

    async fn get_stash(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<Option<StashRecord>> {
        self.get_as(keys::in_workspace(ws, kind::STASH, id), true)
            .await
    }

    async fn save_stash(&self, write: &StashWrite) -> StoreResult<SaveOutcome> {
        let st = &write.record.stash;
        let item = encode(
            &write.record,
            keys::in_workspace(st.workspace_id, kind::STASH, &st.id),
        )?;
        let mut stash_put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .expression_attribute_names("#pk", PK);
        stash_put = match write.expected_version {
            None => stash_put.condition_expression("attribute_not_exists(#pk)"),
            Some(v) => stash_put
                .condition_expression("#v = :v")
                .expression_attribute_names("#v", "version")
                .expression_attribute_values(":v", n(v)),
        };
        if write.expected_version.is_some() {
            // `#pk` is only used by the create condition; DynamoDB refuses unused names.
            stash_put = stash_put.set_expression_attribute_names(Some(HashMap::from([(
                "#v".to_owned(),
                "version".to_owned(),
            )])));
        }
        let mut tx = self.client.transact_write_items().transact_items(
            TransactWriteItem::builder()
                .put(
                    stash_put
                        .build()
                        .map_err(|e| StoreError::Internal(e.to_string()))?,
                )
                .build(),
        );
        if let Some(idem) = &write.idempotency {
            let mut item = encode(idem, keys::idempotency(&idem.key.client_id, &idem.key.key))?;
            // DynamoDB's TTL deletes within days; the condition below also treats an
            // expired record as absent.
            item.insert(TTL.into(), n(idem.expires_at.secs()));
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(#pk) OR #exp <= :now")
                .expression_attribute_names("#pk", PK)
                .expression_attribute_names("#exp", TTL)
                .expression_attribute_values(":now", n(Timestamp::now().secs()))
                .return_values_on_condition_check_failure(
                    ReturnValuesOnConditionCheckFailure::AllOld,
                )
                .build()
                .map_err(|e| StoreError::Internal(e.to_string()))?;
            tx = tx.transact_items(TransactWriteItem::builder().put(put).build());
        }
        self.count();
        match tx.return_consumed_capacity(capacity::TOTAL).send().await {
            Ok(out) => {
                self.capacity.write(out.consumed_capacity());
                Ok(SaveOutcome::Saved)
            }
            Err(e) => {
                let Some(aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError::TransactionCanceledException(tc)) = e.as_service_error() else {
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
                    let winner = reasons.get(1).and_then(|r| r.item().cloned());
                    let rec = match winner {
                        Some(item) => decode(item)?,
                        None => self.get_idempotency(&idem.key).await?.ok_or_else(|| {
                            StoreError::Unavailable("idempotency record vanished".into())
                        })?,
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
    }

    async fn get_idempotency(&self, key: &IdemKey) -> StoreResult<Option<IdemRecord>> {
        self.get_as(keys::idempotency(&key.client_id, &key.key), true)
            .await
    }

    async fn hit_rate_limit(
        &self,
        key: &str,
        limit: u64,
        expires_at: Timestamp,
    ) -> StoreResult<RateHit> {
        self.count();
        let res = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_attrs(keys::rate(key))))
            .update_expression("ADD #c :one SET #ttl = if_not_exists(#ttl, :ttl)")
            .condition_expression("attribute_not_exists(#c) OR #c < :limit")
            .expression_attribute_names("#c", "count")
            .expression_attribute_names("#ttl", TTL)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":limit", n(limit))
            .expression_attribute_values(":ttl", n(expires_at.secs()))
            .return_values(ReturnValue::UpdatedNew)
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
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_conditional_check_failed_exception()) =>
            {
                Ok(RateHit {
                    allowed: false,
                    count: limit,
                })
            }
            Err(e) => Err(classify(e)),
        }
    }

    async fn reset_rate_limit(&self, key: &str) -> StoreResult<()> {
        self.count();
        let out = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key_attrs(keys::rate(key))))
            .return_consumed_capacity(capacity::TOTAL)
            .send()
            .await
            .map_err(classify)?;
        self.capacity.write(out.consumed_capacity());
        Ok(())
    }

    async fn kill_switch(&self) -> StoreResult<bool> {
        Ok(self
            .get_as::<KillSwitchItem>(keys::kill_switch(), true)
            .await?
            .is_some_and(|k| k.on))
    }

    async fn set_kill_switch(&self, on: bool) -> StoreResult<()> {
        self.put(encode(&KillSwitchItem { on }, keys::kill_switch())?)
            .await
    }

    async fn put_items(&self, items: &[Item]) -> StoreResult<()> {
        // Search copies of details that are re-imported with other tags, project or
        // creation time must go, or searches would find them twice.
        let detail_keys: Vec<(String, String)> = items
            .iter()
            .filter_map(|i| match i {
                Item::Detail(d) => Some(keys::in_workspace(
                    d.detail.workspace_id,
                    kind::DETAIL,
                    &d.detail.id,
                )),
                _ => None,
            })
            .collect();
        let mut stale: Vec<(String, String)> = Vec::new();
        if !detail_keys.is_empty() {
            let old: Vec<DetailRecord> = self.batch_get(detail_keys).await?;
            let new: HashMap<(WorkspaceId, &ResourceId), &Detail> = items
                .iter()
                .filter_map(|i| match i {
                    Item::Detail(d) => Some(((d.detail.workspace_id, &d.detail.id), &d.detail)),
                    _ => None,
                })
                .collect();
            for o in &old {
                let keep = new
                    .get(&(o.detail.workspace_id, &o.detail.id))
                    .map(|d| detail_list_keys(d))
                    .unwrap_or_default();
                stale.extend(
                    detail_list_keys(&o.detail)
                        .into_iter()
                        .filter(|k| !keep.contains(k)),
                );
            }
        }
        let mut requests = Vec::with_capacity(items.len() * 2);
        for k in stale {
            requests.push(delete_request(k)?);
        }
        for item in items {
            match item {
                Item::Firm(f) => requests.push(put_request(encode(f, keys::firm(&f.id))?)?),
                Item::Workspace(w) => {
                    requests.push(put_request(encode(w, keys::workspace(w.id))?)?)
                }
                Item::Project(p) => requests.push(put_request(encode(
                    p,
                    keys::in_workspace(p.workspace_id, kind::PROJECT, &p.id),
                )?)?),
                Item::Tag(t) => requests.push(put_request(encode(
                    t,
                    keys::in_workspace(t.workspace_id, kind::TAG, &t.id),
                )?)?),
                Item::Detail(d) => {
                    let det = &d.detail;
                    requests.push(put_request(encode(
                        d,
                        keys::in_workspace(det.workspace_id, kind::DETAIL, &det.id),
                    )?)?);
                    for k in detail_list_keys(det) {
                        requests.push(put_request(encode(det, k)?)?);
                    }
                }
                Item::Family(f) => requests.push(put_request(encode(
                    f,
                    keys::in_workspace(f.family.workspace_id, kind::FAMILY, &f.family.id),
                )?)?),
                Item::Stash(st) => requests.push(put_request(encode(
                    st,
                    keys::in_workspace(st.stash.workspace_id, kind::STASH, &st.stash.id),
                )?)?),
                Item::Filter(f) => requests.push(put_request(encode(
                    f,
                    keys::in_workspace(f.workspace_id, kind::FILTER, &f.id),
                )?)?),
                Item::Credential(c) => {
                    requests.push(put_request(encode(c, keys::credential(&c.client_id))?)?)
                }
            }
        }
        self.batch_write(requests).await
    }

    fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    fn items_read(&self) -> u64 {
        self.items_read.load(Ordering::Relaxed)
    }

    fn consumed_capacity(&self) -> (f64, f64) {
        self.capacity.totals()
    }
}
