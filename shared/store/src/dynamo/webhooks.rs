//! Webhook endpoints and deliveries in DynamoDB: a workspace's endpoints in one partition
//! (`WEBHOOK#{ws}`, sort key `ENDPOINT#{id}`), each endpoint's deliveries in its own
//! (`DELIVERY#{ws}#{endpoint}`, sort key the delivery's UUIDv7, so a reverse query is
//! newest first), kept 30 days; and one partition (`WEBHOOKS`, sort key the workspace)
//! naming the workspaces that have endpoints, each with the position a local follower
//! reached in its events.

use super::batch::put_request;
use super::query::{PartitionQuery, SortKeys};
use super::transact::idempotency_put;
use super::{
    Attrs, DynamoStore, IdemRecord, SaveOutcome, StoreResult, built, decode, encode, key_attrs,
    keys, n, s,
};
use crate::keys::{ENDPOINT_PREFIX, PK, SK, TTL};
use crate::webhooks::WebhookStore;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
use pirros_domain::ids::{ClientId, ResourceId, WorkspaceId};
use pirros_domain::webhooks::{
    DELIVERY_RETENTION_DAYS, DeliveryRecord, DeliveryStatus, EndpointRecord,
};
use serde::Deserialize;

/// The follower's position item.
#[derive(Deserialize)]
struct Follow {
    #[serde(default)]
    sequence: Option<u64>,
}

fn delivery_item(d: &DeliveryRecord) -> StoreResult<Attrs> {
    let mut item = encode(d, keys::delivery(d.workspace_id, &d.endpoint_id, &d.id))?;
    let expires = d.created_at.secs() + DELIVERY_RETENTION_DAYS * 86_400;
    item.insert(TTL.into(), n(expires));
    Ok(item)
}

#[async_trait]
impl WebhookStore for DynamoStore {
    async fn endpoints_for_create(
        &self,
        ws: WorkspaceId,
        client: &ClientId,
    ) -> StoreResult<(Vec<EndpointRecord>, u64)> {
        #[derive(Deserialize)]
        struct Creates {
            creates: u64,
        }
        // One consistent query of the partition: the endpoints, and the creates items of
        // the credentials that made them (a few small items), this one's kept.
        let (_, creates_sk) = keys::endpoint_creates(ws, client);
        let mut mine = Vec::new();
        let mut creates = 0;
        for item in self
            .query_pages(keys::webhook_pk(ws), "", false, true)
            .await?
        {
            let sk = match item.get(SK) {
                Some(AttributeValue::S(sk)) => sk.clone(),
                _ => continue,
            };
            if sk == creates_sk {
                creates = decode::<Creates>(item)?.creates;
            } else if sk.starts_with(ENDPOINT_PREFIX) {
                let endpoint: EndpointRecord = decode(item)?;
                if endpoint.client_id == *client {
                    mine.push(endpoint);
                }
            }
        }
        Ok((mine, creates))
    }

    async fn create_endpoint(
        &self,
        endpoint: &EndpointRecord,
        after: u64,
        idempotency: Option<&IdemRecord>,
    ) -> StoreResult<SaveOutcome> {
        let ws = endpoint.workspace_id;
        let put = built(
            Put::builder()
                .table_name(&self.table)
                .set_item(Some(encode(endpoint, keys::endpoint(ws, &endpoint.id))?))
                .condition_expression("attribute_not_exists(#pk)")
                .expression_attribute_names("#pk", PK)
                .build(),
        )?;
        // With the endpoint, in the same call: an update that sets nothing new, which makes
        // the workspace's registry item if it is missing and keeps a follower's position
        // if it is not. (A follower moving its position at that moment cancels the
        // transaction as a conflict, which `commit` sends again.)
        let registry = built(
            Update::builder()
                .table_name(&self.table)
                .set_key(Some(key_attrs(keys::webhook_workspace(ws))))
                .update_expression("SET #ws = :ws")
                .expression_attribute_names("#ws", "workspace_id")
                .expression_attribute_values(":ws", s(ws.to_string()))
                .build(),
        )?;
        // The credential's creates, conditional on the number its endpoints were counted
        // with: a create that committed meanwhile fails this one as `LimitReached`.
        let creates = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key_attrs(keys::endpoint_creates(
                ws,
                &endpoint.client_id,
            ))))
            .update_expression("SET #n = :next")
            .expression_attribute_names("#n", "creates")
            .expression_attribute_values(":next", n(after + 1));
        let creates = match after {
            0 => creates.condition_expression("attribute_not_exists(#n)"),
            _ => creates
                .condition_expression("#n = :after")
                .expression_attribute_values(":after", n(after)),
        };
        let mut items = vec![
            TransactWriteItem::builder().put(put).build(),
            TransactWriteItem::builder().update(registry).build(),
            TransactWriteItem::builder()
                .update(built(creates.build())?)
                .build(),
        ];
        let key = match idempotency {
            Some(idem) => {
                items.push(idempotency_put(&self.table, idem)?);
                Some((3, &idem.key))
            }
            None => None,
        };
        self.commit_limited(items, key, Some(2), &[]).await
    }

    async fn get_endpoint(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<Option<EndpointRecord>> {
        self.get_as(keys::endpoint(ws, id), true).await
    }

    async fn list_endpoints(&self, ws: WorkspaceId) -> StoreResult<Vec<EndpointRecord>> {
        self.query_prefix(keys::webhook_pk(ws), ENDPOINT_PREFIX)
            .await
    }

    async fn replace_endpoint(
        &self,
        endpoint: &EndpointRecord,
        expected: u64,
    ) -> StoreResult<bool> {
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(encode(
                endpoint,
                keys::endpoint(endpoint.workspace_id, &endpoint.id),
            )?))
            .condition_expression("#v = :v")
            .expression_attribute_names("#v", "version")
            .expression_attribute_values(":v", n(expected));
        self.put_if(put).await
    }

    async fn replace_endpoint_remembered(
        &self,
        endpoint: &EndpointRecord,
        expected: u64,
        idempotency: Option<&IdemRecord>,
    ) -> StoreResult<SaveOutcome> {
        let Some(idem) = idempotency else {
            return Ok(match self.replace_endpoint(endpoint, expected).await? {
                true => SaveOutcome::Saved,
                false => SaveOutcome::VersionMismatch,
            });
        };
        let put = built(
            Put::builder()
                .table_name(&self.table)
                .set_item(Some(encode(
                    endpoint,
                    keys::endpoint(endpoint.workspace_id, &endpoint.id),
                )?))
                .condition_expression("#v = :v")
                .expression_attribute_names("#v", "version")
                .expression_attribute_values(":v", n(expected))
                .build(),
        )?;
        let items = vec![
            TransactWriteItem::builder().put(put).build(),
            idempotency_put(&self.table, idem)?,
        ];
        self.commit(items, Some((1, &idem.key))).await
    }

    async fn delete_endpoint(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
        expected: u64,
    ) -> StoreResult<bool> {
        self.delete_where(keys::endpoint(ws, id), "#a = :v", "version", n(expected))
            .await
    }

    async fn webhook_workspaces(&self) -> StoreResult<Vec<WorkspaceId>> {
        let items = self
            .query_all(keys::WEBHOOK_WORKSPACES.into(), "", true)
            .await?;
        Ok(items
            .into_iter()
            .filter_map(|mut item| match item.remove(SK) {
                Some(AttributeValue::S(sk)) => WorkspaceId::parse(&sk),
                _ => None,
            })
            .collect())
    }

    async fn put_deliveries(&self, deliveries: &[DeliveryRecord]) -> StoreResult<()> {
        match deliveries {
            [] => Ok(()),
            [one] => self.put(delivery_item(one)?).await,
            many => {
                let requests = many
                    .iter()
                    .map(|d| put_request(delivery_item(d)?))
                    .collect::<StoreResult<Vec<_>>>()?;
                self.batch_write(requests).await
            }
        }
    }

    async fn get_delivery(
        &self,
        ws: WorkspaceId,
        endpoint: &ResourceId,
        id: &ResourceId,
    ) -> StoreResult<Option<DeliveryRecord>> {
        self.get_as(keys::delivery(ws, endpoint, id), true).await
    }

    async fn query_deliveries(
        &self,
        ws: WorkspaceId,
        endpoint: &ResourceId,
        status: Option<DeliveryStatus>,
        before: Option<&ResourceId>,
        max: usize,
    ) -> StoreResult<Vec<DeliveryRecord>> {
        let mut out = Vec::new();
        let mut start: Option<Attrs> = before.map(|b| key_attrs(keys::delivery(ws, endpoint, b)));
        loop {
            let q = PartitionQuery::new(keys::deliveries_pk(ws, endpoint), SortKeys::All)
                .backwards()
                .max(max.saturating_sub(out.len()))
                .start(start);
            let page = self
                .query_partition_with(q, |query| match status {
                    Some(status) => query
                        .filter_expression("#status = :status")
                        .expression_attribute_names("#status", "status")
                        .expression_attribute_values(":status", s(status.as_str())),
                    None => query,
                })
                .await?;
            for item in page.items {
                out.push(decode(item)?);
            }
            match page.last {
                Some(k) if out.len() < max => start = Some(k),
                _ => {
                    out.truncate(max);
                    return Ok(out);
                }
            }
        }
    }

    async fn follow_position(&self, ws: WorkspaceId) -> StoreResult<Option<u64>> {
        let follow: Option<Follow> = self.get_as(keys::webhook_workspace(ws), true).await?;
        Ok(follow.and_then(|f| f.sequence))
    }

    async fn set_follow_position(&self, ws: WorkspaceId, sequence: u64) -> StoreResult<()> {
        let mut item = key_attrs(keys::webhook_workspace(ws));
        item.insert("workspace_id".into(), s(ws.to_string()));
        item.insert("sequence".into(), n(sequence));
        self.put(item).await
    }
}
