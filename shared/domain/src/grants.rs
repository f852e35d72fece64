//! Scope grants and resource filters: the one place that decides what a credential may touch.

use crate::ids::{ResourceId, WorkspaceId};
use crate::model::{Credential, Detail, Family, Library, Stash, Tag};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Action {
    Read,
    Write,
    Download,
}

impl Action {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "read" => Some(Self::Read),
            "write" => Some(Self::Write),
            "download" => Some(Self::Download),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
            Self::Download => "download",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum EntityType {
    Detail,
    Family,
    Stash,
    Tag,
}

impl EntityType {
    pub const ALL: [EntityType; 4] = [Self::Detail, Self::Family, Self::Stash, Self::Tag];

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "detail" => Some(Self::Detail),
            "family" => Some(Self::Family),
            "stash" => Some(Self::Stash),
            "tag" => Some(Self::Tag),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Detail => "detail",
            Self::Family => "family",
            Self::Stash => "stash",
            Self::Tag => "tag",
        }
    }

    fn plural(self) -> &'static str {
        match self {
            Self::Detail => "details",
            Self::Family => "families",
            Self::Stash => "stashes",
            Self::Tag => "tags",
        }
    }
}

/// `default:<plural>` names a system filter that matches every resource of its type;
/// any other id names a custom filter stored in the workspace.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FilterId {
    System(EntityType),
    Custom(ResourceId),
}

impl FilterId {
    pub fn parse(s: &str) -> Option<Self> {
        if let Some(rest) = s.strip_prefix("default:") {
            return EntityType::ALL
                .into_iter()
                .find(|e| e.plural() == rest)
                .map(Self::System);
        }
        ResourceId::parse(s).map(Self::Custom)
    }

    pub fn system(entity: EntityType) -> Self {
        Self::System(entity)
    }

    /// The display name of a system filter.
    pub fn system_name(entity: EntityType) -> String {
        format!("All {}", entity.plural())
    }
}

impl fmt::Display for FilterId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::System(e) => write!(f, "default:{}", e.plural()),
            Self::Custom(id) => f.write_str(id.as_str()),
        }
    }
}

impl Serialize for FilterId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FilterId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        FilterId::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(
                "expected default:details|families|stashes|tags or a custom filter id",
            )
        })
    }
}

/// What a custom filter requires. Every key present must hold; any value within a key.
// Read from an object only (`object_only!`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, remote = "Self")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FilterMatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_ids_any: Option<Vec<ResourceId>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_ids_any: Option<Vec<ResourceId>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library: Option<Library>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories_any: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by_any: Option<Vec<String>>,
}

crate::object_only!(FilterMatch, serialize);

impl FilterMatch {
    /// The keys that make no sense for `entity`; a filter using one is refused when created,
    /// because it would silently match nothing or everything.
    pub fn foreign_keys(&self, entity: EntityType) -> Vec<&'static str> {
        let present = [
            ("tag_ids_any", self.tag_ids_any.is_some()),
            ("project_ids_any", self.project_ids_any.is_some()),
            ("library", self.library.is_some()),
            ("categories_any", self.categories_any.is_some()),
            ("created_by_any", self.created_by_any.is_some()),
        ];
        let allowed: &[&str] = match entity {
            EntityType::Detail => &["tag_ids_any", "project_ids_any", "library"],
            EntityType::Family => &["tag_ids_any", "project_ids_any", "categories_any"],
            EntityType::Stash => &["project_ids_any", "created_by_any"],
            EntityType::Tag => &["tag_ids_any"],
        };
        present
            .into_iter()
            .filter(|(k, p)| *p && !allowed.contains(k))
            .map(|(k, _)| k)
            .collect()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Filter {
    pub id: ResourceId,
    pub workspace_id: WorkspaceId,
    pub name: String,
    pub entity_type: EntityType,
    #[serde(rename = "match")]
    pub rule: FilterMatch,
}

/// A resource a filter can be evaluated against.
pub trait Filterable {
    const ENTITY: EntityType;
    fn matches(&self, rule: &FilterMatch) -> bool;
}

fn any_of<T: PartialEq>(wanted: &Option<Vec<T>>, has: impl Fn(&T) -> bool) -> bool {
    wanted.as_ref().is_none_or(|w| w.iter().any(has))
}

impl Filterable for Detail {
    const ENTITY: EntityType = EntityType::Detail;
    fn matches(&self, r: &FilterMatch) -> bool {
        DetailFacets {
            tag_ids: &self.tag_ids,
            project_id: self.project_id.as_ref(),
            library: self.library,
        }
        .matches(r)
    }
}

/// What filters on details look at, borrowed from a detail or from a copy of those fields
/// (a family reference entry).
pub struct DetailFacets<'a> {
    pub tag_ids: &'a [ResourceId],
    pub project_id: Option<&'a ResourceId>,
    pub library: Library,
}

impl Filterable for DetailFacets<'_> {
    const ENTITY: EntityType = EntityType::Detail;
    fn matches(&self, r: &FilterMatch) -> bool {
        any_of(&r.tag_ids_any, |t| self.tag_ids.contains(t))
            && any_of(&r.project_ids_any, |p| self.project_id == Some(p))
            && r.library.is_none_or(|l| l == self.library)
    }
}

impl Filterable for Family {
    const ENTITY: EntityType = EntityType::Family;
    fn matches(&self, r: &FilterMatch) -> bool {
        FamilyFacets {
            tag_ids: &self.tag_ids,
            project_id: self.project_id.as_ref(),
            category: &self.category,
        }
        .matches(r)
    }
}

/// What filters on families look at, borrowed from a family or from a copy of those
/// fields (an event's).
pub struct FamilyFacets<'a> {
    pub tag_ids: &'a [ResourceId],
    pub project_id: Option<&'a ResourceId>,
    pub category: &'a str,
}

impl Filterable for FamilyFacets<'_> {
    const ENTITY: EntityType = EntityType::Family;
    fn matches(&self, r: &FilterMatch) -> bool {
        any_of(&r.tag_ids_any, |t| self.tag_ids.contains(t))
            && any_of(&r.project_ids_any, |p| self.project_id == Some(p))
            && any_of(&r.categories_any, |c| c == self.category)
    }
}

impl Filterable for Stash {
    const ENTITY: EntityType = EntityType::Stash;
    fn matches(&self, r: &FilterMatch) -> bool {
        StashFacets {
            project_id: &self.project_id,
            created_by: &self.created_by,
        }
        .matches(r)
    }
}

/// What filters on stashes look at, borrowed from a stash or from a copy of those fields.
pub struct StashFacets<'a> {
    pub project_id: &'a ResourceId,
    pub created_by: &'a str,
}

impl Filterable for StashFacets<'_> {
    const ENTITY: EntityType = EntityType::Stash;
    fn matches(&self, r: &FilterMatch) -> bool {
        any_of(&r.project_ids_any, |p| p == self.project_id)
            && any_of(&r.created_by_any, |c| c == self.created_by)
    }
}

impl Filterable for Tag {
    const ENTITY: EntityType = EntityType::Tag;
    fn matches(&self, r: &FilterMatch) -> bool {
        TagFacets { id: &self.id }.matches(r)
    }
}

/// What filters on tags look at: the tag's id.
pub struct TagFacets<'a> {
    pub id: &'a ResourceId,
}

impl Filterable for TagFacets<'_> {
    const ENTITY: EntityType = EntityType::Tag;
    fn matches(&self, r: &FilterMatch) -> bool {
        any_of(&r.tag_ids_any, |t| t == self.id)
    }
}

/// A resource with an id, for error details that name it.
pub trait HasId {
    fn id_str(&self) -> &str;
}

impl HasId for Stash {
    fn id_str(&self) -> &str {
        self.id.as_str()
    }
}

impl HasId for Detail {
    fn id_str(&self) -> &str {
        self.id.as_str()
    }
}

impl HasId for Family {
    fn id_str(&self) -> &str {
        self.id.as_str()
    }
}

/// What one credential may see of one entity type in one workspace for one action.
#[derive(Clone, Debug)]
pub enum Scope {
    /// A system filter is granted: everything of the type.
    All,
    /// Only resources matching at least one of these filters.
    Filters(Vec<Filter>),
    /// No eligible grant.
    None,
}

impl Scope {
    pub fn allows<T: Filterable>(&self, item: &T) -> bool {
        match self {
            Scope::All => true,
            Scope::Filters(fs) => fs.iter().any(|f| item.matches(&f.rule)),
            Scope::None => false,
        }
    }

    pub fn is_none(&self) -> bool {
        matches!(self, Scope::None)
    }

    /// Resolves the scope from the credential's grants and the custom filters they name
    /// (`filters` holds whichever of those the caller loaded for this workspace).
    pub fn resolve(
        credential: &Credential,
        ws: WorkspaceId,
        entity: EntityType,
        action: Action,
        filters: &[Filter],
    ) -> Scope {
        let mut custom = Vec::new();
        for g in grants_in(credential, ws).filter(|g| g.action == action) {
            match &g.filter_id {
                FilterId::System(e) if *e == entity => return Scope::All,
                FilterId::System(_) => {}
                FilterId::Custom(id) => {
                    if let Some(f) = filters
                        .iter()
                        .find(|f| &f.id == id && f.entity_type == entity && f.workspace_id == ws)
                    {
                        custom.push(f.clone());
                    }
                }
            }
        }
        if custom.is_empty() {
            Scope::None
        } else {
            Scope::Filters(custom)
        }
    }
}

pub fn grants_in(
    credential: &Credential,
    ws: WorkspaceId,
) -> impl Iterator<Item = &crate::model::Grant> {
    credential
        .grants
        .iter()
        .filter(move |g| g.workspace_id == ws)
}

/// Custom filter ids the credential's grants name in `ws` (what must be loaded to resolve scopes).
pub fn custom_filter_ids(credential: &Credential, ws: WorkspaceId) -> Vec<ResourceId> {
    let mut ids: Vec<ResourceId> = grants_in(credential, ws)
        .filter_map(|g| match &g.filter_id {
            FilterId::Custom(id) => Some(id.clone()),
            FilterId::System(_) => None,
        })
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// The ids and names of every filter the credential holds in `ws`, for the 403 details.
pub fn granted_filters(
    credential: &Credential,
    ws: WorkspaceId,
    filters: &[Filter],
) -> (Vec<String>, Vec<String>) {
    let mut ids: Vec<FilterId> = grants_in(credential, ws)
        .map(|g| g.filter_id.clone())
        .collect();
    ids.sort();
    ids.dedup();
    let mut names = Vec::with_capacity(ids.len());
    let mut shown = Vec::with_capacity(ids.len());
    for id in ids {
        let name = match &id {
            FilterId::System(e) => Some(FilterId::system_name(*e)),
            FilterId::Custom(cid) => filters
                .iter()
                .find(|f| &f.id == cid)
                .map(|f| f.name.clone()),
        };
        // A grant naming a deleted filter grants nothing and is not worth showing.
        if let Some(name) = name {
            shown.push(id.to_string());
            names.push(name);
        }
    }
    (shown, names)
}

#[cfg(test)]
mod match_object {
    use super::FilterMatch;

    #[test]
    fn a_match_is_read_from_an_object_only() {
        let m: FilterMatch =
            serde_json::from_str(r#"{"tag_ids_any":["t1"],"library":"typical"}"#).unwrap();
        let back = serde_json::to_string(&m).unwrap();
        assert_eq!(back, r#"{"tag_ids_any":["t1"],"library":"typical"}"#);
        assert_eq!(serde_json::from_str::<FilterMatch>(&back).unwrap(), m);
        for bad in ["[]", r#"[["t1"]]"#, "null", "1", r#""x""#] {
            let e = serde_json::from_str::<FilterMatch>(bad).unwrap_err();
            assert!(
                e.to_string().contains("an object (FilterMatch)"),
                "{bad}: {e}"
            );
        }
        assert!(serde_json::from_str::<FilterMatch>(r#"{"nope":1}"#).is_err());
    }
}
