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

/// A stash, in a partition of its workspace's stashes: the stashes function writes there,
/// and IAM can let it write nowhere else (a condition names partition keys, not sort keys).
pub fn stash(ws: WorkspaceId, id: &ResourceId) -> (String, String) {
    (stash_pk(ws), format!("{}{id}", kind::STASH))
}

pub fn stash_pk(ws: WorkspaceId) -> String {
    format!("STASH#{ws}")
}

/// The partition families of the table: every partition key a builder above makes belongs
/// to exactly one. IAM policies name them by `pattern` in `dynamodb:LeadingKeys`
/// conditions (template.yaml), and `store::access` says which function uses which.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Partition {
    Credential,
    Firm,
    Workspace,
    DetailList,
    Stash,
    Idempotency,
    ApiRate,
    TokenRate,
    Config,
}

impl Partition {
    pub const ALL: &[Partition] = &[
        Self::Credential,
        Self::Firm,
        Self::Workspace,
        Self::DetailList,
        Self::Stash,
        Self::Idempotency,
        Self::ApiRate,
        Self::TokenRate,
        Self::Config,
    ];

    /// The IAM `StringLike` pattern of its partition keys (`*` only at the end).
    pub const fn pattern(self) -> &'static str {
        match self {
            Self::Credential => "CRED#*",
            Self::Firm => "FIRM#*",
            Self::Workspace => "WS#*",
            Self::DetailList => "DLIST#*",
            Self::Stash => "STASH#*",
            Self::Idempotency => "IDEM#*",
            Self::ApiRate => "RATE#API#*",
            // Per client and IP (`RATE#TOKEN#`) and per client (`RATE#TOKENC#`).
            Self::TokenRate => "RATE#TOKEN*",
            Self::Config => "CONFIG",
        }
    }

    pub fn matches(self, pk: &str) -> bool {
        let p = self.pattern();
        match p.strip_suffix('*') {
            Some(prefix) => pk.starts_with(prefix),
            None => pk == p,
        }
    }

    /// The family of a partition key; `None` for a key no builder makes.
    pub fn of(pk: &str) -> Option<Partition> {
        Self::ALL.iter().copied().find(|p| p.matches(pk))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every builder's partition key belongs to exactly one family.
    #[test]
    fn every_key_belongs_to_one_partition_family() {
        let ws = WorkspaceId::parse("6a1f4c4e-0b0e-4f6c-9a43-3f1c2b1d0e11").unwrap();
        let id = ResourceId::parse("x1").unwrap();
        let client = ClientId::parse("c1").unwrap();
        let built = [
            (credential(&client).0, Partition::Credential),
            (firm(&id).0, Partition::Firm),
            (workspace(ws).0, Partition::Workspace),
            (in_workspace(ws, kind::DETAIL, &id).0, Partition::Workspace),
            (detail_list_all(ws), Partition::DetailList),
            (detail_list_tag(ws, &id), Partition::DetailList),
            (detail_list_project(ws, &id), Partition::DetailList),
            (stash(ws, &id).0, Partition::Stash),
            (idempotency(&client, "k").0, Partition::Idempotency),
            (rate("API#c1#0").0, Partition::ApiRate),
            (rate("TOKEN#c1#127.0.0.1#0").0, Partition::TokenRate),
            (rate("TOKENC#c1#0").0, Partition::TokenRate),
            (kill_switch().0, Partition::Config),
            (published_keys().0, Partition::Config),
        ];
        for (pk, family) in built {
            let all: Vec<_> = Partition::ALL.iter().filter(|p| p.matches(&pk)).collect();
            assert_eq!(all, [&family], "{pk}");
            assert_eq!(Partition::of(&pk), Some(family));
        }
        assert_eq!(Partition::of("OTHER#1"), None);
        assert_eq!(Partition::of("CONFIGX"), None);
    }
}
