//! Discovery: `GET /v1/me` (who the credential is, the workspaces its grants open and its
//! rate-limit state), `GET /v1/me/usage` (its requests per day and route), `GET /v1/workspaces/{ws}/projects` (the projects a stash or a
//! search can name) and `GET /v1/workspaces/{ws}/events` (what changed, for copies kept
//! in step).

pub mod events;
pub mod me;
pub mod projects;
pub mod usage;

use pirros_shared::ids::WorkspaceId;

pirros_shared::declare_routes! {
    v1 DiscoveryRoute for Discovery {
        Me() => me::{me} ahead(me::read_reach),
        Usage() => usage::{usage},
        Projects(ws: WorkspaceId) => projects::{list} needs any_read("project"),
        Events(ws: WorkspaceId) => events::{list} needs any_read("event")
            ahead(events::read_events),
    }
}
