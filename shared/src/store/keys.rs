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
    pub const FAMILY_GROUP: &str = "FGROUP#";
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

/// A detail's flags, newest last by sort key (`FLAG#{uuidv7}`), beside its open count.
pub fn flags_pk(ws: WorkspaceId, detail: &ResourceId) -> String {
    format!("DFLAG#{ws}#{detail}")
}

pub const FLAG_PREFIX: &str = "FLAG#";

pub fn flag(ws: WorkspaceId, detail: &ResourceId, flag: &ResourceId) -> (String, String) {
    (flags_pk(ws, detail), format!("{FLAG_PREFIX}{flag}"))
}

/// The count of a detail's open flags (attribute `open`), in its flags' partition.
pub fn open_flags(ws: WorkspaceId, detail: &ResourceId) -> (String, String) {
    (flags_pk(ws, detail), "OPEN".into())
}

/// The uses of a family (details placing it, stashes holding it), by
/// `references::sort_key`.
pub fn references_pk(ws: WorkspaceId, family: &ResourceId) -> String {
    format!("FREF#{ws}#{family}")
}

pub fn reference(ws: WorkspaceId, family: &ResourceId, sort_key: &str) -> (String, String) {
    (references_pk(ws, family), sort_key.to_owned())
}
