//! Where a family is used: the details that place it and the stashes that hold it. Each use
//! is kept as an entry under the family, in the order the references route answers (type,
//! then name, then id), with the fields grant filters look at, so a page of references is
//! one ordered read and needs nothing else to decide what the caller may see.

use crate::grants::{DetailFacets, Scope, StashFacets};
use crate::ids::ResourceId;
use crate::model::{DetailRecord, Library, Stash};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ReferenceType {
    Detail,
    Stash,
}

impl ReferenceType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Detail => "detail",
            Self::Stash => "stash",
        }
    }
}

/// One use of a family, as the references route answers it.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct FamilyReference {
    #[serde(rename = "type")]
    pub kind: ReferenceType,
    #[schema(value_type = String)]
    pub id: ResourceId,
    pub name: String,
}

/// A stored use of a family: what the route answers and what grant filters need.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReferenceEntry {
    pub family_id: ResourceId,
    #[serde(rename = "type")]
    pub kind: ReferenceType,
    pub id: ResourceId,
    pub name: String,
    /// A detail's tags (filters on details look at them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tag_ids: Vec<ResourceId>,
    /// A detail's project (optional) or a stash's (always set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<ResourceId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library: Option<Library>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// Written ahead of a stash write too large for one transaction: true only if the
    /// stash, as stored, still holds the family under this name (the DynamoDB store checks
    /// before answering; see `store/dynamo/references.rs`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unverified: bool,
}

/// How many bytes of a name the order looks at: names longer than this that share their
/// first 200 bytes are ordered by id (a storage sort key holds at most 1,024 bytes).
const NAME_BYTES_IN_ORDER: usize = 200;

/// An entry's position among a family's references: type, then name (by Unicode code
/// point, as UTF-8 bytes compare), then id. The name is hex-encoded: every hex digit sorts
/// after the `#` that follows it, so a name sorts before the longer names it starts.
pub fn sort_key(kind: ReferenceType, name: &str, id: &ResourceId) -> String {
    let bytes = &name.as_bytes()[..name.len().min(NAME_BYTES_IN_ORDER)];
    let mut key =
        String::with_capacity(kind.as_str().len() + 2 * bytes.len() + id.as_str().len() + 2);
    key.push_str(kind.as_str());
    key.push('#');
    for b in bytes {
        key.push_str(&format!("{b:02x}"));
    }
    key.push('#');
    key.push_str(id.as_str());
    key
}

impl ReferenceEntry {
    pub fn sort_key(&self) -> String {
        sort_key(self.kind, &self.name, &self.id)
    }

    /// The entries of a detail: one per family it places.
    pub fn of_detail(d: &DetailRecord) -> Vec<ReferenceEntry> {
        Self::each_family(&d.family_ids, |family_id| ReferenceEntry {
            family_id,
            kind: ReferenceType::Detail,
            id: d.detail.id.clone(),
            name: d.detail.name.clone(),
            tag_ids: d.detail.tag_ids.clone(),
            project_id: d.detail.project_id.clone(),
            library: Some(d.detail.library),
            created_by: None,
            unverified: false,
        })
    }

    /// `entry` of each family of `families`, once each, in id order.
    fn each_family(
        families: &[ResourceId],
        entry: impl Fn(ResourceId) -> ReferenceEntry,
    ) -> Vec<ReferenceEntry> {
        let mut families = families.to_vec();
        families.sort();
        families.dedup();
        families.into_iter().map(entry).collect()
    }

    /// The entries of a stash: one per family it holds.
    pub fn of_stash(s: &Stash) -> Vec<ReferenceEntry> {
        Self::each_family(&s.item_ids.family_ids, |family_id| ReferenceEntry {
            family_id,
            kind: ReferenceType::Stash,
            id: s.id.clone(),
            name: s.name.clone(),
            tag_ids: Vec::new(),
            project_id: Some(s.project_id.clone()),
            library: None,
            created_by: Some(s.created_by.clone()),
            unverified: false,
        })
    }

    /// Whether the caller may see this use: a detail by its detail read scope, a stash by
    /// its stash read scope.
    pub fn visible(&self, details: &Scope, stashes: &Scope) -> bool {
        match self.kind {
            ReferenceType::Detail => details.allows(&DetailFacets {
                tag_ids: &self.tag_ids,
                project_id: self.project_id.as_ref(),
                library: self.library.unwrap_or(Library::Typical),
            }),
            ReferenceType::Stash => match &self.project_id {
                Some(project_id) => stashes.allows(&StashFacets {
                    project_id,
                    created_by: self.created_by.as_deref().unwrap_or_default(),
                }),
                None => false,
            },
        }
    }

    /// True when `stash`, as stored, holds this entry's family under this name.
    pub fn holds(&self, stash: &Stash) -> bool {
        self.kind == ReferenceType::Stash
            && stash.id == self.id
            && stash.name == self.name
            && stash.item_ids.family_ids.contains(&self.family_id)
    }

    pub fn answer(&self) -> FamilyReference {
        FamilyReference {
            kind: self.kind,
            id: self.id.clone(),
            name: self.name.clone(),
        }
    }
}

/// Changes to the reference entries of one workspace: entries to write (new, or with
/// another name under the same key) and entries whose keys go.
#[derive(Debug, Default)]
pub struct ReferenceChanges {
    pub put: Vec<ReferenceEntry>,
    pub delete: Vec<ReferenceEntry>,
}

impl ReferenceEntry {
    /// (family id, sort key): where the entry is kept.
    pub fn key(&self) -> (ResourceId, String) {
        (self.family_id.clone(), self.sort_key())
    }
}

impl ReferenceChanges {
    /// What turns the entries `old` into `new`.
    pub fn between(old: &[ReferenceEntry], new: &[ReferenceEntry]) -> Self {
        let new_keys: std::collections::HashSet<_> = new.iter().map(ReferenceEntry::key).collect();
        Self {
            put: new.iter().filter(|e| !old.contains(e)).cloned().collect(),
            delete: old
                .iter()
                .filter(|e| !new_keys.contains(&e.key()))
                .cloned()
                .collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.put.len() + self.delete.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> ResourceId {
        ResourceId::parse(s).unwrap()
    }

    #[test]
    fn order_is_type_then_name_then_id() {
        let mut keys = [
            sort_key(ReferenceType::Stash, "A", &id("s1")),
            sort_key(ReferenceType::Detail, "Door 2", &id("d1")),
            sort_key(ReferenceType::Detail, "Door", &id("d9")),
            sort_key(ReferenceType::Detail, "Door", &id("d2")),
            sort_key(ReferenceType::Detail, "Zé", &id("d3")),
            sort_key(ReferenceType::Detail, "Z", &id("d4")),
        ];
        keys.sort();
        let names: Vec<&str> = keys.iter().map(|k| k.rsplit('#').next().unwrap()).collect();
        assert_eq!(names, ["d2", "d9", "d1", "d4", "d3", "s1"]);
        let long = "x".repeat(900);
        assert!(sort_key(ReferenceType::Detail, &long, &id("d1")).len() < 1024);
    }

    #[test]
    fn changes_put_renamed_entries_and_delete_dropped_keys() {
        let e = |fam: &str, name: &str| ReferenceEntry {
            family_id: id(fam),
            kind: ReferenceType::Stash,
            id: id("s1"),
            name: name.into(),
            tag_ids: vec![],
            project_id: Some(id("p")),
            library: None,
            created_by: Some("c".into()),
            unverified: false,
        };
        let c =
            ReferenceChanges::between(&[e("f1", "A"), e("f2", "A")], &[e("f2", "A"), e("f3", "A")]);
        assert_eq!(c.put, vec![e("f3", "A")]);
        assert_eq!(c.delete, vec![e("f1", "A")]);
        let c = ReferenceChanges::between(&[e("f1", "A")], &[e("f1", "B")]);
        assert_eq!(c.put.len(), 1);
        assert_eq!(c.delete.len(), 1);
        let c = ReferenceChanges::between(&[e("f1", "A")], &[e("f1", "A")]);
        assert!(c.is_empty());
    }
}
