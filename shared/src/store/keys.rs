//! The DynamoDB key design: one table, `pk` + `sk`, no secondary indexes.
//! `infra/TABLE.md` lists every access pattern against these keys.

use crate::ids::{ClientId, ResourceId, WorkspaceId};

pub const PK: &str = "pk";
pub const SK: &str = "sk";
pub const TTL: &str = "ttl";

pub fn credential(id: &ClientId) -> (String, String) {
    (format!("CRED#{id}"), "CRED".into())
}

pub fn firm(id: &ResourceId) -> (String, String) {
    (format!("FIRM#{id}"), "FIRM".into())
}

pub fn workspace_pk(ws: WorkspaceId) -> String {
    format!("WS#{ws}")
}

pub fn workspace(ws: WorkspaceId) -> (String, String) {
    (workspace_pk(ws), "WS".into())
}

/// Sort-key prefixes of the resources kept in a workspace's partition.
pub mod kind {
    pub const PROJECT: &str = "PROJECT#";
    pub const FILTER: &str = "FILTER#";
    pub const TAG: &str = "TAG#";
    pub const DETAIL: &str = "DETAIL#";
    pub const FAMILY: &str = "FAMILY#";
    pub const STASH: &str = "STASH#";
}

pub fn in_workspace(ws: WorkspaceId, kind: &str, id: &ResourceId) -> (String, String) {
    (workspace_pk(ws), format!("{kind}{id}"))
}

/// Ordered copies of details for search: every detail in `DLIST#{ws}`, and again under
/// each of its tags and its project, sorted by `detail_sort_key`.
pub fn detail_list_all(ws: WorkspaceId) -> String {
    format!("DLIST#{ws}")
}

pub fn detail_list_tag(ws: WorkspaceId, tag: &ResourceId) -> String {
    format!("DLIST#{ws}#TAG#{tag}")
}

pub fn detail_list_project(ws: WorkspaceId, project: &ResourceId) -> String {
    format!("DLIST#{ws}#PROJECT#{project}")
}

pub fn idempotency(client: &ClientId, key: &str) -> (String, String) {
    (format!("IDEM#{client}#{key}"), "IDEM".into())
}

pub fn rate(key: &str) -> (String, String) {
    (format!("RATE#{key}"), "RATE".into())
}

pub fn kill_switch() -> (String, String) {
    ("CONFIG".into(), "KILLSWITCH".into())
}

/// The token function's public keys, as it publishes them for the `/v1` functions.
pub fn published_keys() -> (String, String) {
    ("CONFIG".into(), "JWKS".into())
}

// Discovery lists: ordered copies for the projects and stashes listings.

/// Projects of a workspace in name order, one copy each (sort key `project_sort_key`).
pub fn project_list(ws: WorkspaceId) -> String {
    format!("PLIST#{ws}")
}

/// Stashes of a workspace, newest first: every stash in `SLIST#{ws}`, and again under its
/// project and its creator (sort key `stash_sort_key`).
pub fn stash_list_all(ws: WorkspaceId) -> String {
    format!("SLIST#{ws}")
}

pub fn stash_list_project(ws: WorkspaceId, project: &ResourceId) -> String {
    format!("SLIST#{ws}#PROJECT#{project}")
}

/// A creator is a client id or a web-app user id, which may hold any character: a plain
/// id is used as it is, anything else by a digest marked with `~` (which no plain id
/// holds), so no creator can reach into another key's shape.
pub fn stash_list_creator(ws: WorkspaceId, created_by: &str) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    if crate::ids::is_plain_id(created_by) {
        format!("SLIST#{ws}#BY#{created_by}")
    } else {
        let digest = Sha256::digest(created_by.as_bytes());
        let part = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..16]);
        format!("SLIST#{ws}#BY#~{part}")
    }
}
