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

// ---- Jobs and family versions (uploads and exports).

/// Sort-key prefixes of jobs and family versions in a workspace's partition. Neither
/// starts with another kind's prefix, so `begins_with` queries of those never meet them.
pub const JOB: &str = "JOB#";
pub const FAMILY_VERSION: &str = "FAMVER#";

pub fn job(ws: WorkspaceId, id: &ResourceId) -> (String, String) {
    (workspace_pk(ws), format!("{JOB}{id}"))
}

/// The sort keys of one family's versions: zero-padded, so ascending key order is version
/// order.
pub fn family_versions_prefix(family: &ResourceId) -> String {
    format!("{FAMILY_VERSION}{family}#")
}

pub fn family_version(ws: WorkspaceId, family: &ResourceId, version: u64) -> (String, String) {
    (
        workspace_pk(ws),
        format!("{}{version:020}", family_versions_prefix(family)),
    )
}
