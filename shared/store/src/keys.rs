//! The DynamoDB key design: one table, `pk` + `sk`, no secondary indexes.
//! `infra/TABLE.md` lists every access pattern against these keys.

use crate::LeaseKind;
use pirros_domain::ids::{ClientId, ResourceId, WorkspaceId};

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

/// Sort-key prefixes of the resources kept in a workspace's partition (and of stashes and
/// families, in partitions of their own).
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

/// The leases of one credential that bound what it holds open (`LeaseKind`): one item of
/// numbered slots.
pub fn lease(kind: LeaseKind, client: &ClientId) -> (String, String) {
    let kind = match kind {
        LeaseKind::Waits => "WAITS",
        LeaseKind::Bulk => "BULK",
    };
    (format!("LEASE#{kind}#{client}"), "LEASE".into())
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

use pirros_domain::lists::{ListKey, Listed, Order, SearchList};

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
    if pirros_domain::ids::is_plain_id(created_by) {
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

/// The open-flag counts of a workspace's details, one partition for the workspace, so a
/// search page reads them beside its list query (one `Query`, by detail id) rather than
/// after it. Under the flags' family (`DFLAG#`): a detail's own flags partition always
/// has `#{detail}` after the workspace.
pub fn open_flags_pk(ws: WorkspaceId) -> String {
    format!("DFLAG#{ws}")
}

pub const OPEN_PREFIX: &str = "OPEN#";

/// The count of a detail's open flags (attribute `open`), in its workspace's counts.
pub fn open_flags(ws: WorkspaceId, detail: &ResourceId) -> (String, String) {
    (open_flags_pk(ws), format!("{OPEN_PREFIX}{detail}"))
}

/// Where an earlier release kept a detail's count: in the detail's flags partition
/// (`pirros-admin table migrate` moves it).
pub const OLD_OPEN_SK: &str = "OPEN";

/// The uses of a family (details placing it, stashes holding it), by
/// `references::sort_key`.
pub fn references_pk(ws: WorkspaceId, family: &ResourceId) -> String {
    format!("FREF#{ws}#{family}")
}

pub fn reference(ws: WorkspaceId, family: &ResourceId, sort_key: &str) -> (String, String) {
    (references_pk(ws, family), sort_key.to_owned())
}

// ---- Families, their versions, and jobs (uploads and exports).

/// Sort-key prefixes of jobs (in a partition of their workspace's jobs) and family versions
/// (beside the families, where no `begins_with` query of another kind meets them).
pub const JOB: &str = "JOB#";
pub const FAMILY_VERSION: &str = "FAMVER#";

/// A workspace's families and their versions, in a partition of their own: the upload
/// worker writes there, and IAM can let it write nothing else of the workspace's (a
/// condition names partition keys, not sort keys).
pub fn family_pk(ws: WorkspaceId) -> String {
    format!("FAM#{ws}")
}

pub fn family(ws: WorkspaceId, id: &ResourceId) -> (String, String) {
    (family_pk(ws), format!("{}{id}", kind::FAMILY))
}

/// A job, in a partition of its workspace's jobs: the jobs function writes there, and IAM
/// can let it write nowhere near workspace content (as with stashes below).
pub fn job(ws: WorkspaceId, id: &ResourceId) -> (String, String) {
    (format!("JOB#{ws}"), format!("{JOB}{id}"))
}

/// The sort keys of one family's versions: zero-padded, so ascending key order is version
/// order.
pub fn family_versions_prefix(family: &ResourceId) -> String {
    format!("{FAMILY_VERSION}{family}#")
}

pub fn family_version(ws: WorkspaceId, family: &ResourceId, version: u64) -> (String, String) {
    (
        family_pk(ws),
        format!("{}{version:020}", family_versions_prefix(family)),
    )
}

/// A stash, in a partition of its workspace's stashes: the stashes function writes there,
/// and IAM can let it write nowhere else (a condition names partition keys, not sort keys).
pub fn stash(ws: WorkspaceId, id: &ResourceId) -> (String, String) {
    (stash_pk(ws), format!("{}{id}", kind::STASH))
}

/// The journal of a stash delete going in steps: the stash as it was, kept until every
/// step is done, so a delete that stopped half-way is finished by the next one.
pub fn stash_delete_journal(ws: WorkspaceId, id: &ResourceId) -> (String, String) {
    (stash_pk(ws), format!("DELETING#{id}"))
}

/// A workspace's events, by sequence (20 digits, so text order is number order), beside
/// the counter that numbers them (`#SEQ`, which sorts before every digit: a query of the
/// events after one never meets it).
pub fn event(ws: WorkspaceId, sequence: u64) -> (String, String) {
    (format!("EVENT#{ws}"), format!("{sequence:020}"))
}

pub fn event_counter(ws: WorkspaceId) -> (String, String) {
    (format!("EVENT#{ws}"), "#SEQ".into())
}

/// A workspace's webhook endpoints.
pub fn webhook_pk(ws: WorkspaceId) -> String {
    format!("WEBHOOK#{ws}")
}

pub const ENDPOINT_PREFIX: &str = "ENDPOINT#";

pub fn endpoint(ws: WorkspaceId, id: &ResourceId) -> (String, String) {
    (webhook_pk(ws), format!("{ENDPOINT_PREFIX}{id}"))
}

/// How many endpoints a credential created in the workspace: every create is conditional
/// on it and moves it, so creates that counted the same endpoints under the cap cannot both
/// commit.
pub fn endpoint_creates(ws: WorkspaceId, client: &ClientId) -> (String, String) {
    (webhook_pk(ws), format!("CREATES#{client}"))
}

/// The one partition naming the workspaces with endpoints, each with the position a local
/// follower reached in its events.
pub const WEBHOOK_WORKSPACES: &str = "WEBHOOKS";

pub fn webhook_workspace(ws: WorkspaceId) -> (String, String) {
    (WEBHOOK_WORKSPACES.into(), ws.to_string())
}

/// An endpoint's deliveries, by UUIDv7 (creation order).
pub fn deliveries_pk(ws: WorkspaceId, endpoint: &ResourceId) -> String {
    format!("DELIVERY#{ws}#{endpoint}")
}

pub fn delivery(ws: WorkspaceId, endpoint: &ResourceId, id: &ResourceId) -> (String, String) {
    (deliveries_pk(ws, endpoint), id.to_string())
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
    Family,
    DetailList,
    FamilyList,
    ProjectList,
    StashList,
    Flags,
    References,
    Job,
    Stash,
    Events,
    Webhooks,
    WebhookWorkspaces,
    Deliveries,
    Idempotency,
    ApiRate,
    TokenRate,
    Lease,
    Config,
}

impl Partition {
    pub const ALL: &[Partition] = &[
        Self::Credential,
        Self::Firm,
        Self::Workspace,
        Self::Family,
        Self::DetailList,
        Self::FamilyList,
        Self::ProjectList,
        Self::StashList,
        Self::Flags,
        Self::References,
        Self::Job,
        Self::Stash,
        Self::Events,
        Self::Webhooks,
        Self::WebhookWorkspaces,
        Self::Deliveries,
        Self::Idempotency,
        Self::ApiRate,
        Self::TokenRate,
        Self::Lease,
        Self::Config,
    ];

    /// The IAM `StringLike` pattern of its partition keys (`*` only at the end).
    pub const fn pattern(self) -> &'static str {
        match self {
            Self::Credential => "CRED#*",
            Self::Firm => "FIRM#*",
            Self::Workspace => "WS#*",
            // Families and their versions.
            Self::Family => "FAM#*",
            // Every search list of details (`search_list` with `Listed::Details`).
            Self::DetailList => "DLIST#*",
            // Every search list of families (`Listed::Families`).
            Self::FamilyList => "FLIST#*",
            Self::ProjectList => "PLIST#*",
            // Stashes newest first: all of a workspace's, a project's, a creator's.
            Self::StashList => "SLIST#*",
            // A detail's flags, and a workspace's open-flag counts.
            Self::Flags => "DFLAG#*",
            Self::References => "FREF#*",
            Self::Job => "JOB#*",
            Self::Stash => "STASH#*",
            // A workspace's events and their sequence counter.
            Self::Events => "EVENT#*",
            // A workspace's webhook endpoints.
            Self::Webhooks => "WEBHOOK#*",
            Self::WebhookWorkspaces => "WEBHOOKS",
            // An endpoint's deliveries.
            Self::Deliveries => "DELIVERY#*",
            Self::Idempotency => "IDEM#*",
            Self::ApiRate => "RATE#API#*",
            // A client's token attempts (`RATE#TOKENA#`).
            Self::TokenRate => "RATE#TOKEN*",
            // A credential's long-poll slots (`LEASE#WAITS#`) and bulk-job slots
            // (`LEASE#BULK#`).
            Self::Lease => "LEASE#*",
            Self::Config => "CONFIG",
        }
    }

    /// The kinds of item its partitions hold, by sort key: an exact key, a prefix (`*` at
    /// the end) or `*` alone for every other key (a list's positions). IAM cannot tell
    /// them apart (a condition names partition keys only): a role that may write a family
    /// may write every kind in it, so `tests/tests/least_privilege.rs` checks that a role
    /// writing a family writes each of its kinds.
    pub const fn holds(self) -> &'static [&'static str] {
        match self {
            Self::Credential => &["CRED"],
            Self::Firm => &["FIRM"],
            Self::Workspace => &[
                "WS",
                "PROJECT#*",
                "TAG#*",
                "FILTER#*",
                "DETAIL#*",
                "FGROUP#*",
            ],
            Self::Family => &["FAMILY#*", "FAMVER#*"],
            Self::DetailList | Self::FamilyList => &["#SIZE", "*"],
            Self::ProjectList | Self::StashList => &["*"],
            Self::Flags => &["FLAG#*", "OPEN#*"],
            Self::References => &["detail#*", "stash#*"],
            Self::Job => &["JOB#*"],
            Self::Stash => &["STASH#*", "DELETING#*"],
            Self::Events => &["#SEQ", "*"],
            Self::Webhooks => &["ENDPOINT#*", "CREATES#*"],
            Self::WebhookWorkspaces | Self::Deliveries => &["*"],
            Self::Idempotency => &["IDEM"],
            Self::ApiRate | Self::TokenRate => &["RATE"],
            Self::Lease => &["LEASE"],
            Self::Config => &["KILLSWITCH", "JWKS"],
        }
    }

    /// Which of `holds` the item under sort key `sk` is; `None` for a key no builder makes.
    pub fn kind_of(self, sk: &str) -> Option<&'static str> {
        let holds = self.holds();
        let named = holds.iter().copied().find(|k| match k.strip_suffix('*') {
            Some("") => false,
            Some(prefix) => sk.starts_with(prefix),
            None => sk == *k,
        });
        named.or_else(|| holds.iter().copied().find(|k| *k == "*"))
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
            (
                search_list(
                    Listed::Details,
                    ws,
                    &SearchList::newest(ListKey::Tag(id.clone())),
                ),
                Partition::DetailList,
            ),
            (
                search_list(
                    Listed::Details,
                    ws,
                    &SearchList::updated(ListKey::Project(id.clone())),
                ),
                Partition::DetailList,
            ),
            (
                search_list(Listed::Families, ws, &SearchList::newest(ListKey::All)),
                Partition::FamilyList,
            ),
            (
                search_list(
                    Listed::Families,
                    ws,
                    &SearchList::updated(ListKey::Category("Doors#%".into())),
                ),
                Partition::FamilyList,
            ),
            (
                search_list(
                    Listed::Families,
                    ws,
                    &SearchList::newest(ListKey::Word("door".into())),
                ),
                Partition::FamilyList,
            ),
            (
                search_list(
                    Listed::Details,
                    ws,
                    &SearchList::newest(ListKey::NameWord("slab".into())),
                ),
                Partition::DetailList,
            ),
            (project_list(ws), Partition::ProjectList),
            (stash_list_all(ws), Partition::StashList),
            (stash_list_project(ws, &id), Partition::StashList),
            (stash_list_creator(ws, "c1"), Partition::StashList),
            (stash_list_creator(ws, "user#1 @x"), Partition::StashList),
            (flags_pk(ws, &id), Partition::Flags),
            (flag(ws, &id, &id).0, Partition::Flags),
            (open_flags(ws, &id).0, Partition::Flags),
            (references_pk(ws, &id), Partition::References),
            (reference(ws, &id, "DETAIL#d1").0, Partition::References),
            (job(ws, &id).0, Partition::Job),
            (family(ws, &id).0, Partition::Family),
            (family_version(ws, &id, 1).0, Partition::Family),
            (
                in_workspace(ws, kind::FAMILY_GROUP, &id).0,
                Partition::Workspace,
            ),
            (stash(ws, &id).0, Partition::Stash),
            (stash_pk(ws), Partition::Stash),
            (event(ws, 1).0, Partition::Events),
            (event_counter(ws).0, Partition::Events),
            (endpoint(ws, &id).0, Partition::Webhooks),
            (webhook_workspace(ws).0, Partition::WebhookWorkspaces),
            (delivery(ws, &id, &id).0, Partition::Deliveries),
            (idempotency(&client, "k").0, Partition::Idempotency),
            (rate("API#c1#0").0, Partition::ApiRate),
            (rate("TOKENA#c1").0, Partition::TokenRate),
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

    /// Every builder's item is one of the kinds its partition family says it holds, and
    /// every kind named is one some builder makes.
    #[test]
    fn every_item_is_of_a_kind_its_partition_family_holds() {
        use pirros_domain::lists::{newest_key, updated_key};
        use pirros_domain::timestamp::Timestamp;
        let ws = WorkspaceId::parse("6a1f4c4e-0b0e-4f6c-9a43-3f1c2b1d0e11").unwrap();
        let id = ResourceId::parse("x1").unwrap();
        let client = ClientId::parse("c1").unwrap();
        let at = Timestamp::from_millis(1_000);
        let list = |listed, key| search_list(listed, ws, &SearchList::newest(key));
        let built = [
            (credential(&client), "CRED"),
            (firm(&id), "FIRM"),
            (workspace(ws), "WS"),
            (in_workspace(ws, kind::PROJECT, &id), "PROJECT#*"),
            (in_workspace(ws, kind::TAG, &id), "TAG#*"),
            (in_workspace(ws, kind::FILTER, &id), "FILTER#*"),
            (in_workspace(ws, kind::DETAIL, &id), "DETAIL#*"),
            (in_workspace(ws, kind::FAMILY_GROUP, &id), "FGROUP#*"),
            (family(ws, &id), "FAMILY#*"),
            (family_version(ws, &id, 3), "FAMVER#*"),
            (
                (list(Listed::Details, ListKey::All), LIST_SIZE_SK.into()),
                "#SIZE",
            ),
            (
                (
                    list(Listed::Details, ListKey::Word("wa".into())),
                    newest_key(at, &id),
                ),
                "*",
            ),
            (
                (
                    list(Listed::Families, ListKey::Tag(id.clone())),
                    updated_key(at, &id),
                ),
                "*",
            ),
            (
                (list(Listed::Families, ListKey::All), LIST_SIZE_SK.into()),
                "#SIZE",
            ),
            ((project_list(ws), "61#x1".into()), "*"),
            ((stash_list_all(ws), newest_key(at, &id)), "*"),
            (flag(ws, &id, &id), "FLAG#*"),
            (open_flags(ws, &id), "OPEN#*"),
            (
                reference(
                    ws,
                    &id,
                    &pirros_domain::references::sort_key(
                        pirros_domain::references::ReferenceType::Detail,
                        "n",
                        &id,
                    ),
                ),
                "detail#*",
            ),
            (
                reference(
                    ws,
                    &id,
                    &pirros_domain::references::sort_key(
                        pirros_domain::references::ReferenceType::Stash,
                        "n",
                        &id,
                    ),
                ),
                "stash#*",
            ),
            (job(ws, &id), "JOB#*"),
            (stash(ws, &id), "STASH#*"),
            (stash_delete_journal(ws, &id), "DELETING#*"),
            (event_counter(ws), "#SEQ"),
            (event(ws, 7), "*"),
            (endpoint(ws, &id), "ENDPOINT#*"),
            (endpoint_creates(ws, &client), "CREATES#*"),
            (webhook_workspace(ws), "*"),
            (delivery(ws, &id, &id), "*"),
            (idempotency(&client, "k"), "IDEM"),
            (rate("API#c1#0"), "RATE"),
            (rate("TOKENA#c1"), "RATE"),
            (kill_switch(), "KILLSWITCH"),
            (published_keys(), "JWKS"),
            (lease(LeaseKind::Waits, &client), "LEASE"),
            (lease(LeaseKind::Bulk, &client), "LEASE"),
        ];
        let mut named = std::collections::BTreeSet::new();
        for ((pk, sk), kind) in built {
            let family = Partition::of(&pk).expect("a family");
            assert_eq!(family.kind_of(&sk), Some(kind), "{pk} {sk}");
            named.insert((family, kind));
        }
        for p in Partition::ALL {
            for k in p.holds() {
                assert!(named.contains(&(*p, *k)), "{p:?} {k}: no builder makes it");
            }
        }
        assert_eq!(Partition::Config.kind_of("OTHER"), None);
        assert_eq!(Partition::Workspace.kind_of("JOB#1"), None);
    }
}
