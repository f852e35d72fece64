//! Webhook endpoints: each belongs to the credential that made it, and receives the
//! workspace's events that credential may see when each is sent. Created, listed, read,
//! changed and deleted here; its secret rolled, a test sent, its deliveries listed and
//! replayed. The deliveries themselves are made by `pirros-delivery`.

pub mod actions;
pub mod body;
pub mod deliveries;
pub mod endpoints;
mod sealed;
mod valid;

use endpoints::ENTITY;
use pirros_shared::ids::{ResourceId, WorkspaceId};

/// A workspace's endpoints: listed (`GET`) and created (`POST`).
pub const ENDPOINTS_PATH: &str = "/v1/workspaces/{ws}/webhook-endpoints";
/// One endpoint: read, changed, deleted.
pub const ENDPOINT_PATH: &str = "/v1/workspaces/{ws}/webhook-endpoints/{id}";

pirros_shared::declare_routes! {
    v1 WebhooksRoute for Webhooks {
        Create(ws: WorkspaceId) => endpoints::{create} needs any_read(ENTITY)
            ahead(endpoints::read_count),
        List(ws: WorkspaceId) => endpoints::{list} needs any_read(ENTITY),
        Get(ws: WorkspaceId, id: ResourceId) => endpoints::{get},
        Update(ws: WorkspaceId, id: ResourceId) => endpoints::{update} needs any_read(ENTITY),
        Roll(ws: WorkspaceId, id: ResourceId) => actions::{roll} needs any_read(ENTITY),
        Test(ws: WorkspaceId, id: ResourceId) => actions::{test} needs any_read(ENTITY),
        Replay(ws: WorkspaceId, id: ResourceId) => actions::{replay} needs any_read(ENTITY),
        Deliveries(ws: WorkspaceId, id: ResourceId) => deliveries::{list}
            needs any_read(ENTITY),
        Delete(ws: WorkspaceId, id: ResourceId) => endpoints::{delete} needs any_read(ENTITY),
    }
}
