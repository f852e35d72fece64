//! Webhook endpoints and deliveries: what the webhooks function writes, and what the
//! fan-out and the deliveries read and record.

#[cfg(feature = "embedded")]
pub(crate) mod memory;

use super::{IdemRecord, SaveOutcome, StoreResult};
use async_trait::async_trait;
use pirros_domain::ids::{ClientId, ResourceId, WorkspaceId};
use pirros_domain::webhooks::{DeliveryRecord, DeliveryStatus, EndpointRecord};

#[async_trait]
pub trait WebhookStore: Send + Sync {
    /// `client`'s endpoints in `ws` and how many it has created there (0 before its first),
    /// read together and after every write that came before: what a create counts under
    /// the cap, and the number it is then conditional on.
    async fn endpoints_for_create(
        &self,
        ws: WorkspaceId,
        client: &ClientId,
    ) -> StoreResult<(Vec<EndpointRecord>, u64)>;

    /// Writes a new endpoint (and notes its workspace among those with endpoints), with the
    /// request's idempotency record when it has one, only while its credential's creates in
    /// the workspace are still `after` (read with its endpoints, to count them under the
    /// cap), moving them to `after + 1`: all or nothing, so two creates that counted the
    /// same endpoints cannot both commit. `LimitReached` when another create came first
    /// (count again); `IdempotencyTaken` when another request with the key committed
    /// first; `VersionMismatch` when the id is taken.
    async fn create_endpoint(
        &self,
        endpoint: &EndpointRecord,
        after: u64,
        idempotency: Option<&IdemRecord>,
    ) -> StoreResult<SaveOutcome>;

    async fn get_endpoint(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<Option<EndpointRecord>>;

    /// Every endpoint of `ws`, of every credential, in no particular order.
    async fn list_endpoints(&self, ws: WorkspaceId) -> StoreResult<Vec<EndpointRecord>>;

    /// Replaces the endpoint if its stored version is still `expected`; `false` (nothing
    /// written) when it moved on or is gone.
    async fn replace_endpoint(
        &self,
        endpoint: &EndpointRecord,
        expected: u64,
    ) -> StoreResult<bool> {
        Ok(matches!(
            self.replace_endpoint_remembered(endpoint, expected, None)
                .await?,
            SaveOutcome::Saved
        ))
    }

    /// `replace_endpoint`, with the request's idempotency record when it has one: both or
    /// neither (`IdempotencyTaken` when another request with the key committed first,
    /// `VersionMismatch` when the endpoint moved on or is gone).
    async fn replace_endpoint_remembered(
        &self,
        endpoint: &EndpointRecord,
        expected: u64,
        idempotency: Option<&IdemRecord>,
    ) -> StoreResult<SaveOutcome>;

    /// Deletes the endpoint if its stored version is still `expected`; `false` when it
    /// moved on or is gone. Its deliveries stay until they expire.
    async fn delete_endpoint(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
        expected: u64,
    ) -> StoreResult<bool>;

    /// The workspaces that have (or had) an endpoint: what a local follower watches.
    async fn webhook_workspaces(&self) -> StoreResult<Vec<WorkspaceId>>;

    /// Writes deliveries, new or updated (the last attempt's record wins).
    async fn put_deliveries(&self, deliveries: &[DeliveryRecord]) -> StoreResult<()>;

    async fn get_delivery(
        &self,
        ws: WorkspaceId,
        endpoint: &ResourceId,
        id: &ResourceId,
    ) -> StoreResult<Option<DeliveryRecord>>;

    /// Up to `max` deliveries of an endpoint older than `before` (absent: the newest),
    /// newest first, only those with `status` when given.
    async fn query_deliveries(
        &self,
        ws: WorkspaceId,
        endpoint: &ResourceId,
        status: Option<DeliveryStatus>,
        before: Option<&ResourceId>,
        max: usize,
    ) -> StoreResult<Vec<DeliveryRecord>>;

    /// The last event sequence of `ws` a local follower has fanned out.
    async fn follow_position(&self, ws: WorkspaceId) -> StoreResult<Option<u64>>;

    async fn set_follow_position(&self, ws: WorkspaceId, sequence: u64) -> StoreResult<()>;
}
