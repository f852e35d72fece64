//! The ordered lists search walks: which lists a detail or family belongs to, and where in
//! them it sits. Both stores keep exactly these memberships (`memberships`), so a list
//! holds a resource once and a rewritten resource leaves the lists it no longer belongs to.

use crate::grants::Filterable;
use crate::ids::{ResourceId, WorkspaceId};
use crate::model::References;
use crate::model::{Detail, Family, Library};
use crate::timestamp::Timestamp;
use crate::words;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Which resources a family of lists holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Listed {
    Details,
    Families,
}

/// How a list is sorted. Every list of one order sorts by the same key, so a position
/// (a cursor) means the same in each of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Order {
    /// Newest `created_at` first, ties by id.
    Newest,
    /// Oldest `updated_at` first, ties by id (the sync order of `updated_since`).
    Updated,
}

/// What the members of a list have in common.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ListKey {
    /// Every resource of the workspace.
    All,
    Tag(ResourceId),
    Project(ResourceId),
    /// Families whose `words::category_key` is this.
    Category(String),
    /// Resources with a word of name or description starting with this prefix
    /// (`words::prefix_entries`); newest-first lists only.
    Word(String),
    /// Families with this word in their name as `similar` counts words
    /// (`words::name_word_key`); newest-first lists only.
    NameWord(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SearchList {
    pub order: Order,
    pub key: ListKey,
}

impl SearchList {
    pub fn newest(key: ListKey) -> Self {
        Self {
            order: Order::Newest,
            key,
        }
    }

    pub fn updated(key: ListKey) -> Self {
        Self {
            order: Order::Updated,
            key,
        }
    }
}

const LATEST: i64 = 9_999_999_999_999;

/// Position in a newest-first list: the inverted creation time, so that ascending sort
/// keys are newest first, then the id.
pub fn newest_key(created_at: Timestamp, id: &ResourceId) -> String {
    format!("{:013}#{id}", LATEST - created_at.millis().clamp(0, LATEST))
}

/// Position in an updated-order list: the update time, then the id.
pub fn updated_key(updated_at: Timestamp, id: &ResourceId) -> String {
    format!("{:013}#{id}", updated_at.millis().clamp(0, LATEST))
}

/// The position just before the first resource updated at or after `since`.
pub fn updated_floor(since: Timestamp) -> String {
    format!("{:013}", since.millis().clamp(0, LATEST))
}

/// A resource that search lists hold.
pub trait Indexed:
    Filterable + References + Clone + Serialize + DeserializeOwned + Send + Sync + 'static
{
    const LISTED: Listed;
    fn id(&self) -> &ResourceId;
    fn workspace(&self) -> WorkspaceId;
    fn created_at(&self) -> Timestamp;
    fn updated_at(&self) -> Timestamp;
    /// What `q` searches: name and description.
    fn texts(&self) -> [&str; 2];
    fn library(&self) -> Option<Library> {
        None
    }
    fn category(&self) -> Option<&str> {
        None
    }
    /// The name, for `similar`'s name-word lists (families only).
    fn similar_name(&self) -> Option<&str> {
        None
    }
}

/// The accessors details and families answer alike, from fields of the same names.
macro_rules! indexed_fields {
    () => {
        fn id(&self) -> &ResourceId {
            &self.id
        }
        fn workspace(&self) -> WorkspaceId {
            self.workspace_id
        }
        fn created_at(&self) -> Timestamp {
            self.created_at
        }
        fn updated_at(&self) -> Timestamp {
            self.updated_at
        }
        fn texts(&self) -> [&str; 2] {
            [&self.name, &self.description]
        }
    };
}

impl Indexed for Detail {
    const LISTED: Listed = Listed::Details;
    indexed_fields!();
    fn library(&self) -> Option<Library> {
        Some(self.library)
    }
}

impl Indexed for Family {
    const LISTED: Listed = Listed::Families;
    indexed_fields!();
    fn category(&self) -> Option<&str> {
        Some(&self.category)
    }
    fn similar_name(&self) -> Option<&str> {
        Some(&self.name)
    }
}

/// Every list `item` belongs to, with its position there; each list once.
pub fn memberships<T: Indexed>(item: &T) -> Vec<(SearchList, String)> {
    let newest = newest_key(item.created_at(), item.id());
    let updated = updated_key(item.updated_at(), item.id());
    // Lists kept in both orders: they answer filters with and without `updated_since`.
    let mut both = vec![ListKey::All];
    both.extend(item.tag_ids().iter().cloned().map(ListKey::Tag));
    both.extend(item.project_id().cloned().map(ListKey::Project));
    both.extend(
        item.category()
            .map(|c| ListKey::Category(words::category_key(c))),
    );
    let mut out: Vec<(SearchList, String)> = Vec::new();
    for key in both {
        out.push((SearchList::newest(key.clone()), newest.clone()));
        out.push((SearchList::updated(key), updated.clone()));
    }
    for w in words::prefix_entries(&item.texts()) {
        out.push((SearchList::newest(ListKey::Word(w)), newest.clone()));
    }
    if let Some(name) = item.similar_name() {
        for w in words::name_words(name) {
            let key = ListKey::NameWord(words::name_word_key(&w));
            out.push((SearchList::newest(key), newest.clone()));
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn family() -> Family {
        Family {
            id: ResourceId::parse("f1").unwrap(),
            workspace_id: WorkspaceId::parse("a1a1a1a1-0000-4000-8000-000000000001").unwrap(),
            name: "Door Door".into(),
            category: "Doors".into(),
            description: "Flush".into(),
            tag_ids: vec![
                ResourceId::parse("t").unwrap(),
                ResourceId::parse("t").unwrap(),
            ],
            project_id: None,
            has_rfa: false,
            version: 1,
            group_id: None,
            file: None,
            created_at: Timestamp::from_millis(1_000),
            updated_at: Timestamp::from_millis(2_000),
        }
    }

    #[test]
    fn each_list_once_with_its_order_key() {
        let m = memberships(&family());
        let lists: Vec<&SearchList> = m.iter().map(|(l, _)| l).collect();
        let mut uniq = lists.clone();
        uniq.dedup();
        assert_eq!(lists.len(), uniq.len());
        let tag = SearchList::updated(ListKey::Tag(ResourceId::parse("t").unwrap()));
        let (_, pos) = m.iter().find(|(l, _)| *l == tag).unwrap();
        assert_eq!(pos, "0000000002000#f1");
        assert!(updated_floor(Timestamp::from_millis(2_000)) < *pos);
        assert!(updated_floor(Timestamp::from_millis(2_001)) > *pos);
        let cat = SearchList::newest(ListKey::Category("doors".into()));
        let (_, pos) = m.iter().find(|(l, _)| *l == cat).unwrap();
        assert_eq!(pos, "9999999998999#f1");
        assert!(lists.contains(&&SearchList::newest(ListKey::NameWord("door".into()))));
        assert!(lists.contains(&&SearchList::newest(ListKey::Word("fl".into()))));
        assert!(!lists.contains(&&SearchList::updated(ListKey::Word("fl".into()))));
        // All(2) + tag(2) + category(2) + do/door + fl/flus + name word door.
        assert_eq!(m.len(), 6 + 2 + 2 + 1);
    }
}
