//! Webhook endpoints and deliveries in the embedded store, under a lock of their own: no
//! webhook write touches content, so none waits on it.

use super::WebhookStore;
use crate::memory::MemoryStore;
use crate::{IdemRecord, SaveOutcome, StoreResult};
use async_trait::async_trait;
use pirros_domain::ids::{ClientId, ResourceId, WorkspaceId};
use pirros_domain::webhooks::{DeliveryRecord, DeliveryStatus, EndpointRecord};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

#[derive(Default)]
pub(crate) struct WebhookTables {
    endpoints: HashMap<(WorkspaceId, ResourceId), EndpointRecord>,
    /// Per endpoint, its deliveries by id (UUIDv7: creation order).
    deliveries: HashMap<(WorkspaceId, ResourceId), BTreeMap<ResourceId, DeliveryRecord>>,
    follow: HashMap<WorkspaceId, u64>,
    /// Per workspace and credential, the endpoints it created.
    creates: HashMap<(WorkspaceId, ClientId), u64>,
}

#[derive(Default)]
pub(crate) struct Webhooks(Mutex<WebhookTables>);

impl Webhooks {
    fn lock(&self) -> MutexGuard<'_, WebhookTables> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[async_trait]
impl WebhookStore for MemoryStore {
    async fn endpoints_for_create(
        &self,
        ws: WorkspaceId,
        client: &ClientId,
    ) -> StoreResult<(Vec<EndpointRecord>, u64)> {
        let g = self.webhooks().lock();
        let mine = g
            .endpoints
            .iter()
            .filter(|((w, _), e)| *w == ws && e.client_id == *client)
            .map(|(_, e)| e.clone())
            .collect();
        let creates = g.creates.get(&(ws, client.clone())).copied().unwrap_or(0);
        Ok((mine, creates))
    }

    async fn create_endpoint(
        &self,
        endpoint: &EndpointRecord,
        after: u64,
        idempotency: Option<&IdemRecord>,
    ) -> StoreResult<SaveOutcome> {
        let creator = (endpoint.workspace_id, endpoint.client_id.clone());
        let mut counted_again = false;
        let outcome = self.with_idempotency(idempotency, || {
            let mut g = self.webhooks().lock();
            let key = (endpoint.workspace_id, endpoint.id.clone());
            if g.endpoints.contains_key(&key) {
                return false;
            }
            let creates = g.creates.entry(creator.clone()).or_default();
            if *creates != after {
                counted_again = true;
                return false;
            }
            *creates += 1;
            g.endpoints.insert(key, endpoint.clone());
            true
        });
        Ok(match outcome {
            SaveOutcome::VersionMismatch if counted_again => SaveOutcome::LimitReached,
            other => other,
        })
    }

    async fn get_endpoint(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<Option<EndpointRecord>> {
        Ok(self
            .webhooks()
            .lock()
            .endpoints
            .get(&(ws, id.clone()))
            .cloned())
    }

    async fn list_endpoints(&self, ws: WorkspaceId) -> StoreResult<Vec<EndpointRecord>> {
        Ok(self
            .webhooks()
            .lock()
            .endpoints
            .values()
            .filter(|e| e.workspace_id == ws)
            .cloned()
            .collect())
    }

    async fn replace_endpoint_remembered(
        &self,
        endpoint: &EndpointRecord,
        expected: u64,
        idempotency: Option<&IdemRecord>,
    ) -> StoreResult<SaveOutcome> {
        Ok(self.with_idempotency(idempotency, || {
            let mut g = self.webhooks().lock();
            match g
                .endpoints
                .get_mut(&(endpoint.workspace_id, endpoint.id.clone()))
            {
                Some(stored) if stored.version == expected => {
                    *stored = endpoint.clone();
                    true
                }
                _ => false,
            }
        }))
    }

    async fn delete_endpoint(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
        expected: u64,
    ) -> StoreResult<bool> {
        let mut g = self.webhooks().lock();
        let key = (ws, id.clone());
        if g.endpoints.get(&key).is_some_and(|e| e.version == expected) {
            g.endpoints.remove(&key);
            return Ok(true);
        }
        Ok(false)
    }

    async fn webhook_workspaces(&self) -> StoreResult<Vec<WorkspaceId>> {
        let g = self.webhooks().lock();
        let mut wss: Vec<WorkspaceId> = g.endpoints.keys().map(|(ws, _)| *ws).collect();
        wss.extend(g.follow.keys().copied());
        wss.sort();
        wss.dedup();
        Ok(wss)
    }

    async fn put_deliveries(&self, deliveries: &[DeliveryRecord]) -> StoreResult<()> {
        let mut g = self.webhooks().lock();
        for d in deliveries {
            g.deliveries
                .entry((d.workspace_id, d.endpoint_id.clone()))
                .or_default()
                .insert(d.id.clone(), d.clone());
        }
        Ok(())
    }

    async fn get_delivery(
        &self,
        ws: WorkspaceId,
        endpoint: &ResourceId,
        id: &ResourceId,
    ) -> StoreResult<Option<DeliveryRecord>> {
        Ok(self
            .webhooks()
            .lock()
            .deliveries
            .get(&(ws, endpoint.clone()))
            .and_then(|d| d.get(id))
            .cloned())
    }

    async fn query_deliveries(
        &self,
        ws: WorkspaceId,
        endpoint: &ResourceId,
        status: Option<DeliveryStatus>,
        before: Option<&ResourceId>,
        max: usize,
    ) -> StoreResult<Vec<DeliveryRecord>> {
        let g = self.webhooks().lock();
        let Some(all) = g.deliveries.get(&(ws, endpoint.clone())) else {
            return Ok(Vec::new());
        };
        Ok(all
            .iter()
            .rev()
            .filter(|(id, _)| before.is_none_or(|b| *id < b))
            .map(|(_, d)| d)
            .filter(|d| status.is_none_or(|s| d.status == s))
            .take(max)
            .cloned()
            .collect())
    }

    async fn follow_position(&self, ws: WorkspaceId) -> StoreResult<Option<u64>> {
        Ok(self.webhooks().lock().follow.get(&ws).copied())
    }

    async fn set_follow_position(&self, ws: WorkspaceId, sequence: u64) -> StoreResult<()> {
        self.webhooks().lock().follow.insert(ws, sequence);
        Ok(())
    }
}
