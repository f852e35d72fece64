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

/// Ordered copies of details for search: every detail in `DLIST#{ws}`, and again in each
/// other list it belongs to (`search_list` below).
pub fn detail_list_all(ws: WorkspaceId) -> String {
    format!("DLIST#{ws}")
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

// ---------------------------------------------------------------------------------------
// Search lists: every list of `search::lists` in a partition of its own, its
// members sorted by position, and its size beside them.

use crate::search::lists::{ListKey, Listed, Order, SearchList};

/// Sort key of a list's size item. Positions start with a digit, so it sorts before them
/// and a walk (`sk > position`) never meets it.
pub const LIST_SIZE_SK: &str = "#SIZE";

/// `#` and `%` of a category escaped, so that no category can spell another key.
fn escaped(s: &str) -> String {
    s.replace('%', "%25").replace('#', "%23")
}

/// The partition of a search list. The newest-first lists of all details, a tag's and a
/// project's keep the names they had before there were others (`DLIST#{ws}`,
/// `DLIST#{ws}#TAG#{tag}`, `DLIST#{ws}#PROJECT#{project}`).
pub fn search_list(listed: Listed, ws: WorkspaceId, list: &SearchList) -> String {
    let base = match listed {
        Listed::Details => detail_list_all(ws),
        Listed::Families => format!("FLIST#{ws}"),
    };
    let order = match list.order {
        Order::Newest => "",
        Order::Updated => "#UPD",
    };
    match &list.key {
        ListKey::All => format!("{base}{order}"),
        ListKey::Tag(t) => format!("{base}{order}#TAG#{t}"),
        ListKey::Project(p) => format!("{base}{order}#PROJECT#{p}"),
        ListKey::Category(c) => format!("{base}{order}#CAT#{}", escaped(c)),
        ListKey::Word(w) => format!("{base}{order}#W#{w}"),
        ListKey::NameWord(w) => format!("{base}{order}#NW#{w}"),
    }
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

// Detail flags and family references.

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
