//! Change events: what the feed (`GET /v1/workspaces/{ws}/events`) shows and webhooks
//! deliver. Each is written in the transaction of the change it records, with a sequence
//! number that orders a workspace's events, and with what grants look at of the resource
//! before and after the change (its facets), so that each reader sees the event as its own
//! grants make it: itself, a removal (the resource left its view) or nothing.

use crate::grants::{DetailFacets, EntityType, FamilyFacets, Scope, StashFacets, TagFacets};
use crate::ids::{ResourceId, WorkspaceId};
use crate::model::Library;
use crate::timestamp::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;
use utoipa::ToSchema;

/// How long events are kept (and a feed cursor stays good).
pub const RETENTION_DAYS: i64 = 30;

/// What an event is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ObjectType {
    Tag,
    Project,
    Detail,
    Family,
    Stash,
    Flag,
    Job,
    Credential,
}

impl ObjectType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tag => "tag",
            Self::Project => "project",
            Self::Detail => "detail",
            Self::Family => "family",
            Self::Stash => "stash",
            Self::Flag => "flag",
            Self::Job => "job",
            Self::Credential => "credential",
        }
    }
}

/// What happened to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Change {
    Created,
    Updated,
    Removed,
    VersionCreated,
    Resolved,
    Succeeded,
    Failed,
    AccessChanged,
}

/// An event's type: `detail.updated`, `access.changed`, ... Only the pairs the feed
/// documents exist (`EventType::ALL`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EventType {
    pub object: ObjectType,
    pub change: Change,
}

const fn t(object: ObjectType, change: Change) -> EventType {
    EventType { object, change }
}

impl EventType {
    pub const ALL: [EventType; 21] = {
        use Change::*;
        use ObjectType::*;
        [
            t(Tag, Created),
            t(Tag, Updated),
            t(Tag, Removed),
            t(Project, Created),
            t(Project, Updated),
            t(Project, Removed),
            t(Detail, Created),
            t(Detail, Updated),
            t(Detail, Removed),
            t(Family, Created),
            t(Family, Updated),
            t(Family, Removed),
            t(Family, VersionCreated),
            t(Stash, Created),
            t(Stash, Updated),
            t(Stash, Removed),
            t(Flag, Created),
            t(Flag, Resolved),
            t(Job, Succeeded),
            t(Job, Failed),
            t(Credential, AccessChanged),
        ]
    };

    pub const fn new(object: ObjectType, change: Change) -> Self {
        t(object, change)
    }

    /// The part before the dot: the object type, except `access` for access changes.
    pub fn prefix(self) -> &'static str {
        match self.change {
            Change::AccessChanged => "access",
            _ => self.object.as_str(),
        }
    }

    fn suffix(self) -> &'static str {
        match self.change {
            Change::Created => "created",
            Change::Updated => "updated",
            Change::Removed => "removed",
            Change::VersionCreated => "version_created",
            Change::Resolved => "resolved",
            Change::Succeeded => "succeeded",
            Change::Failed => "failed",
            Change::AccessChanged => "changed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.to_string() == s)
    }

    /// Whether a resource of this kind can leave a reader's view (and be shown to it as
    /// `<type>.removed`).
    fn removable(self) -> bool {
        Self::ALL.contains(&t(self.object, Change::Removed))
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.prefix(), self.suffix())
    }
}

impl Serialize for EventType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for EventType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).ok_or_else(|| serde::de::Error::custom("unknown event type"))
    }
}

/// A `types` selection of the feed (and a webhook endpoint's `event_types`): exact types
/// and `<prefix>.*` patterns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TypeSelection(Vec<String>);

impl TypeSelection {
    /// `None` when one of the comma-separated entries is neither a type nor the pattern
    /// of one (the caller names it).
    pub fn parse<'a>(entries: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        let mut out = Vec::new();
        for e in entries {
            let e = e.trim();
            let known = match e.strip_suffix(".*") {
                Some(prefix) => EventType::ALL.iter().any(|t| t.prefix() == prefix),
                None => EventType::parse(e).is_some(),
            };
            if !known {
                return Err(e.to_owned());
            }
            out.push(e.to_owned());
        }
        out.sort();
        out.dedup();
        Ok(Self(out))
    }

    /// Every type (no selection given).
    pub fn is_all(&self) -> bool {
        self.0.is_empty()
    }

    pub fn selects(&self, ty: EventType) -> bool {
        self.is_all()
            || self.0.iter().any(|e| match e.strip_suffix(".*") {
                Some(prefix) => ty.prefix() == prefix,
                None => *e == ty.to_string(),
            })
    }

    /// The normalised selection, for binding cursors and for storage.
    pub fn entries(&self) -> &[String] {
        &self.0
    }
}

/// One entry of a type selection as the schema states it: a type or the pattern of one,
/// each spelled out (the list is the types', so it can't drift from them).
fn entry_pattern() -> String {
    let mut entries: Vec<String> = EventType::ALL.iter().map(|t| t.to_string()).collect();
    entries.extend(EventType::ALL.iter().map(|t| format!("{}.*", t.prefix())));
    entries.sort();
    entries.dedup();
    let escaped: Vec<String> = entries
        .iter()
        .map(|e| e.replace('.', "\\.").replace('*', "\\*"))
        .collect();
    format!("({})", escaped.join("|"))
}

fn string_with_pattern(
    pattern: String,
    example: &str,
) -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .pattern(Some(pattern))
        .examples([serde_json::json!(example)])
        .into()
}

/// The events feed's `types`: comma-separated types and type patterns.
pub struct TypeList;

impl utoipa::PartialSchema for TypeList {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        let e = entry_pattern();
        string_with_pattern(format!("^{e}(,{e})*$"), "detail.*,stash.removed")
    }
}

impl ToSchema for TypeList {}

/// One of a webhook endpoint's `event_types`: a type, a type pattern, or `*` for all.
pub struct TypeEntry;

impl utoipa::PartialSchema for TypeEntry {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        string_with_pattern(format!("^(\\*|{})$", entry_pattern()), "detail.*")
    }
}

impl ToSchema for TypeEntry {}

/// What the event is about: `{type, id}`, with a flag's detail and a family version's
/// number.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EventObject {
    #[serde(rename = "type")]
    pub kind: ObjectType,
    pub id: String,
    /// A flag's detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub detail_id: Option<ResourceId>,
    /// A family version's number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
}

/// Why a resource left a reader's copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RemovedReason {
    /// It was deleted.
    Deleted,
    /// It is still there, but the reader's grants no longer reach it.
    Access,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActorType {
    Client,
    Admin,
    System,
}

/// Who made the change: a client (its id), the admin tool or the system (a job).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Actor {
    #[serde(rename = "type")]
    pub kind: ActorType,
    /// The client id for API writes; `null` for the admin tool and the system.
    #[schema(required)]
    pub id: Option<String>,
}

impl Actor {
    pub fn client(id: &str) -> Self {
        Self {
            kind: ActorType::Client,
            id: Some(id.to_owned()),
        }
    }

    pub fn admin() -> Self {
        Self {
            kind: ActorType::Admin,
            id: None,
        }
    }

    pub fn system() -> Self {
        Self {
            kind: ActorType::System,
            id: None,
        }
    }
}

/// An event as the feed shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Event {
    #[schema(value_type = String)]
    pub id: ResourceId,
    /// `detail.updated`, `access.changed`, ... (see the feed's `types`).
    #[serde(rename = "type")]
    #[schema(value_type = String, example = "detail.updated")]
    pub kind: EventType,
    #[schema(value_type = String, format = Uuid)]
    pub workspace_id: WorkspaceId,
    /// Strictly increasing in feed order within the workspace.
    #[schema(minimum = 1)]
    pub sequence: u64,
    #[schema(value_type = String, format = DateTime, example = "2026-06-04T12:00:00.000Z")]
    pub created_at: Timestamp,
    pub object: EventObject,
    /// For `*.updated`: the names of the fields whose value changed, sorted; else `null`.
    #[schema(required)]
    pub changed: Option<Vec<String>>,
    /// For `*.removed`: `deleted` or `access`; else `null`.
    #[schema(required)]
    pub reason: Option<RemovedReason>,
    pub actor: Actor,
}

/// What grants look at of the resource an event is about, as it was before or after the
/// change; or, for events about a job or a credential, the one client that sees them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "of", rename_all = "snake_case")]
pub enum Facets {
    Tag {
        id: ResourceId,
    },
    /// Projects have no grants of their own: any read grant in the workspace shows them.
    Project,
    Detail {
        tag_ids: Vec<ResourceId>,
        project_id: Option<ResourceId>,
        library: Library,
    },
    Family {
        tag_ids: Vec<ResourceId>,
        project_id: Option<ResourceId>,
        category: String,
    },
    Stash {
        project_id: ResourceId,
        created_by: String,
    },
    /// Shown to this client only.
    Owner {
        client_id: String,
    },
}

impl Facets {
    pub fn of_detail(d: &crate::model::Detail) -> Self {
        Self::Detail {
            tag_ids: d.tag_ids.clone(),
            project_id: d.project_id.clone(),
            library: d.library,
        }
    }

    pub fn of_family(f: &crate::model::Family) -> Self {
        Self::Family {
            tag_ids: f.tag_ids.clone(),
            project_id: f.project_id.clone(),
            category: f.category.clone(),
        }
    }

    pub fn of_stash(s: &crate::model::Stash) -> Self {
        Self::Stash {
            project_id: s.project_id.clone(),
            created_by: s.created_by.clone(),
        }
    }

    /// The entity type whose read grants decide, if grants decide.
    pub fn entity(&self) -> Option<EntityType> {
        match self {
            Self::Tag { .. } => Some(EntityType::Tag),
            Self::Detail { .. } => Some(EntityType::Detail),
            Self::Family { .. } => Some(EntityType::Family),
            Self::Stash { .. } => Some(EntityType::Stash),
            Self::Project | Self::Owner { .. } => None,
        }
    }

    /// Whether `scope` (the reader's read scope of `self.entity()`) reaches the resource.
    pub fn allowed_by(&self, scope: &Scope) -> bool {
        match self {
            Self::Tag { id } => scope.allows(&TagFacets { id }),
            Self::Detail {
                tag_ids,
                project_id,
                library,
            } => scope.allows(&DetailFacets {
                tag_ids,
                project_id: project_id.as_ref(),
                library: *library,
            }),
            Self::Family {
                tag_ids,
                project_id,
                category,
            } => scope.allows(&FamilyFacets {
                tag_ids,
                project_id: project_id.as_ref(),
                category,
            }),
            Self::Stash {
                project_id,
                created_by,
            } => scope.allows(&StashFacets {
                project_id,
                created_by,
            }),
            Self::Project | Self::Owner { .. } => false,
        }
    }
}

/// What a reader may see, asked of each side of an event.
pub trait Reader {
    fn sees(&self, facets: &Facets) -> bool;
}

/// A credential as a reader of one workspace's events: its read scopes of the four
/// resource types with grants (the feed's reader, and a webhook endpoint's at send time).
pub struct GrantReader<'a> {
    client_id: &'a str,
    scopes: [(EntityType, Scope); 4],
}

impl<'a> GrantReader<'a> {
    /// `filters` holds the custom filters the credential's grants in `ws` name.
    pub fn new(
        credential: &'a crate::model::Credential,
        ws: WorkspaceId,
        filters: &[crate::grants::Filter],
    ) -> Self {
        let scope = |e| {
            let s = Scope::resolve(credential, ws, e, crate::grants::Action::Read, filters);
            (e, s)
        };
        Self {
            client_id: credential.client_id.as_str(),
            scopes: EntityType::ALL.map(scope),
        }
    }

    /// Whether it holds a read grant of any kind in the workspace: what reading events
    /// needs at all.
    pub fn reads_any(&self) -> bool {
        self.scopes.iter().any(|(_, s)| !s.is_none())
    }
}

impl Reader for GrantReader<'_> {
    fn sees(&self, facets: &Facets) -> bool {
        match facets {
            // Shown to whoever reads the workspace at all (`reads_any`, checked first).
            Facets::Project => true,
            Facets::Owner { client_id } => client_id == self.client_id,
            other => other.entity().is_some_and(|entity| {
                self.scopes
                    .iter()
                    .any(|(e, scope)| *e == entity && other.allowed_by(scope))
            }),
        }
    }
}

/// An event as stored: the event, and the facets of its resource before the change
/// (`None`: it did not exist) and after (`None`: it is gone).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventRecord {
    #[serde(flatten)]
    pub event: Event,
    #[serde(default)]
    pub before: Option<Facets>,
    #[serde(default)]
    pub after: Option<Facets>,
}

impl EventRecord {
    /// A new event (its sequence is assigned when it is written).
    pub fn new(
        ws: WorkspaceId,
        kind: EventType,
        object: EventObject,
        actor: Actor,
        before: Option<Facets>,
        after: Option<Facets>,
    ) -> Self {
        Self {
            event: Event {
                id: ResourceId::new_uuid(),
                kind,
                workspace_id: ws,
                sequence: 0,
                created_at: Timestamp::now(),
                object,
                changed: None,
                reason: match kind.change {
                    Change::Removed => Some(RemovedReason::Deleted),
                    _ => None,
                },
                actor,
            },
            before,
            after,
        }
    }

    /// `self` with the changed fields of an update.
    pub fn with_changed(mut self, changed: Vec<String>) -> Self {
        self.event.changed = Some(changed);
        self
    }

    /// The event as `reader` sees it: itself when the resource is in its view after the
    /// change (or, for a removal, was before it); a removal for `access` when it was in view
    /// before and is not after; nothing otherwise.
    pub fn seen_by(&self, reader: &impl Reader) -> Option<Event> {
        let after = self.after.as_ref().is_some_and(|f| reader.sees(f));
        if after {
            return Some(self.event.clone());
        }
        let before = self.before.as_ref().is_some_and(|f| reader.sees(f));
        if !before {
            return None;
        }
        let kind = self.event.kind;
        if kind.change == Change::Removed || self.after.is_none() || !kind.removable() {
            return Some(self.event.clone());
        }
        let mut seen = self.event.clone();
        seen.kind = t(kind.object, Change::Removed);
        seen.changed = None;
        seen.reason = Some(RemovedReason::Access);
        Some(seen)
    }
}

/// A resource whose changes the feed reports.
pub trait Evented: Serialize {
    const OBJECT: ObjectType;
    fn object_id(&self) -> &ResourceId;
    fn workspace(&self) -> WorkspaceId;
    fn facets(&self) -> Facets;
}

macro_rules! evented {
    ($($ty:ty => $object:ident, |$r:ident| $facets:expr;)*) => {$(
        impl Evented for $ty {
            const OBJECT: ObjectType = ObjectType::$object;
            fn object_id(&self) -> &ResourceId {
                &self.id
            }
            fn workspace(&self) -> WorkspaceId {
                self.workspace_id
            }
            fn facets(&self) -> Facets {
                let $r = self;
                $facets
            }
        }
    )*};
}

evented! {
    crate::model::Tag => Tag, |t| Facets::Tag { id: t.id.clone() };
    crate::model::Project => Project, |_p| Facets::Project;
    crate::model::Detail => Detail, |d| Facets::of_detail(d);
    crate::model::Family => Family, |f| Facets::of_family(f);
    crate::model::Stash => Stash, |s| Facets::of_stash(s);
}

/// The event of a resource going from `before` to `after` (`None`: absent): created,
/// updated with the fields that changed, or removed (deleted); nothing when both are equal
/// or both absent.
pub fn resource_event<T: Evented>(
    before: Option<&T>,
    after: Option<&T>,
    actor: Actor,
) -> Option<EventRecord> {
    let (change, changed) = match (before, after) {
        (None, None) => return None,
        (None, Some(_)) => (Change::Created, None),
        (Some(_), None) => (Change::Removed, None),
        (Some(b), Some(a)) => {
            let changed = changed_fields(b, a);
            if changed.is_empty() {
                return None;
            }
            (Change::Updated, Some(changed))
        }
    };
    let r = after.or(before)?;
    let mut e = EventRecord::new(
        r.workspace(),
        EventType::new(T::OBJECT, change),
        EventObject {
            kind: T::OBJECT,
            id: r.object_id().to_string(),
            detail_id: None,
            version: None,
        },
        actor,
        before.map(Evented::facets),
        after.map(Evented::facets),
    );
    e.event.changed = changed;
    Some(e)
}

/// `family.version_created` for the family as its new version left it.
pub fn family_version_event(family: &crate::model::Family, actor: Actor) -> EventRecord {
    EventRecord::new(
        family.workspace_id,
        EventType::new(ObjectType::Family, Change::VersionCreated),
        EventObject {
            kind: ObjectType::Family,
            id: family.id.to_string(),
            detail_id: None,
            version: Some(family.version),
        },
        actor,
        None,
        Some(Facets::of_family(family)),
    )
}

/// `flag.created` or `flag.resolved`, seen by whoever may read the flag's detail.
pub fn flag_event(
    ws: WorkspaceId,
    flag: &crate::flags::Flag,
    change: Change,
    detail: &crate::model::Detail,
    actor: Actor,
) -> EventRecord {
    let facets = Facets::of_detail(detail);
    EventRecord::new(
        ws,
        EventType::new(ObjectType::Flag, change),
        EventObject {
            kind: ObjectType::Flag,
            id: flag.id.to_string(),
            detail_id: Some(flag.detail_id.clone()),
            version: None,
        },
        actor,
        Some(facets.clone()),
        Some(facets),
    )
}

/// `job.succeeded` or `job.failed` when `job` has ended that way; only its creator sees it.
pub fn job_event(job: &crate::jobs::JobRecord) -> Option<EventRecord> {
    use crate::jobs::JobStatus;
    let change = match job.status {
        JobStatus::Succeeded => Change::Succeeded,
        JobStatus::Failed => Change::Failed,
        _ => return None,
    };
    let owner = Facets::Owner {
        client_id: job.client_id.to_string(),
    };
    Some(EventRecord::new(
        job.workspace_id,
        EventType::new(ObjectType::Job, change),
        EventObject {
            kind: ObjectType::Job,
            id: job.id.to_string(),
            detail_id: None,
            version: None,
        },
        Actor::system(),
        Some(owner.clone()),
        Some(owner),
    ))
}

/// The names of the top-level fields whose values differ between two JSON forms of a
/// resource, sorted (a field present on one side only counts as changed).
pub fn changed_fields<T: Serialize>(before: &T, after: &T) -> Vec<String> {
    let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return Vec::new();
    };
    let mut out: Vec<String> = a
        .iter()
        .filter(|(k, v)| b.get(*k) != Some(v))
        .map(|(k, _)| k.clone())
        .chain(b.keys().filter(|k| !a.contains_key(*k)).cloned())
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_print_and_parse() {
        for ty in EventType::ALL {
            assert_eq!(EventType::parse(&ty.to_string()), Some(ty));
        }
        assert_eq!(
            EventType::new(ObjectType::Family, Change::VersionCreated).to_string(),
            "family.version_created"
        );
        assert_eq!(
            EventType::new(ObjectType::Credential, Change::AccessChanged).to_string(),
            "access.changed"
        );
        assert_eq!(EventType::parse("detail.resolved"), None);
        assert_eq!(EventType::parse("webhook.test"), None);
    }

    #[test]
    fn selections_take_types_and_patterns() {
        let s = TypeSelection::parse(["detail.*", "stash.created"]).unwrap();
        assert!(s.selects(EventType::parse("detail.removed").unwrap()));
        assert!(s.selects(EventType::parse("stash.created").unwrap()));
        assert!(!s.selects(EventType::parse("stash.updated").unwrap()));
        assert!(TypeSelection::parse(["access.*"]).is_ok());
        assert_eq!(TypeSelection::parse(["nope.*"]), Err("nope.*".into()));
        assert_eq!(
            TypeSelection::parse(["detail.gone"]),
            Err("detail.gone".into())
        );
    }

    struct Sees(bool, bool);
    impl Reader for Sees {
        fn sees(&self, f: &Facets) -> bool {
            match f {
                Facets::Tag { id } if id.as_str() == "before" => self.0,
                _ => self.1,
            }
        }
    }

    #[test]
    fn an_update_out_of_view_is_a_removal_for_access() {
        let ws = WorkspaceId::parse("11111111-1111-1111-1111-111111111111").unwrap();
        let facets = |id: &str| Facets::Tag {
            id: ResourceId::parse(id).unwrap(),
        };
        let object = EventObject {
            kind: ObjectType::Tag,
            id: "t1".into(),
            detail_id: None,
            version: None,
        };
        let e = EventRecord::new(
            ws,
            EventType::parse("tag.updated").unwrap(),
            object,
            Actor::admin(),
            Some(facets("before")),
            Some(facets("after")),
        )
        .with_changed(vec!["name".into()]);
        let out = e.seen_by(&Sees(true, false)).unwrap();
        assert_eq!(out.kind.to_string(), "tag.removed");
        assert_eq!(out.reason, Some(RemovedReason::Access));
        assert_eq!(out.changed, None);
        assert_eq!(out.id, e.event.id);
        assert_eq!(e.seen_by(&Sees(false, true)).unwrap().kind, e.event.kind);
        assert_eq!(e.seen_by(&Sees(true, true)).unwrap().kind, e.event.kind);
        assert!(e.seen_by(&Sees(false, false)).is_none());
    }

    #[test]
    fn changed_fields_are_sorted_names() {
        let a = serde_json::json!({"name": "a", "x": 1, "gone": true});
        let b = serde_json::json!({"name": "b", "x": 1, "new": 2});
        assert_eq!(changed_fields(&a, &b), ["gone", "name", "new"]);
    }
}
