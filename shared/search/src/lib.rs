//! The search engine, generic over details and families: what a query asks for
//! (`Criteria`), which stored list a page walks (`plan`), and the walk itself within a
//! fixed budget of items read (`walk`); `similar` finds a family's candidates from the same
//! lists. The HTTP crate ties them to a `/v1` call.

pub mod plan;
pub mod similar;
pub mod walk;

pub use pirros_domain::{lists, words};

use async_trait::async_trait;
use lists::{Indexed, ListKey, Order, SearchList};
use pirros_domain::ids::ResourceId;
use pirros_domain::model::{Detail, Family, Library};
use pirros_domain::timestamp::Timestamp;
use pirros_store::{ContentStore, Slice, StoreResult};

/// Items a search page may read, `limit` being its size: the list sizes it plans with and
/// the members it walks. `limit + 1` when every member read matches (the extra one tells
/// whether a next page exists); four times that leaves room for filters that reject up to
/// three of every four members read before a page comes back short; 10 more pay for the
/// list sizes of a query naming several lists. Bounded and proportional to the page, never
/// to the workspace. The credential's custom filters (one batch read) and `include`
/// expansions come on top, as on every route.
pub fn budget(limit: usize) -> usize {
    4 * limit + 10
}

/// What a search asks for. Every field present must hold (contract).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Criteria {
    /// Folded query words (`words::parse_query`): each must start a word of the name or
    /// the description.
    pub words: Vec<String>,
    /// Tags a resource must all carry.
    pub tags: Vec<ResourceId>,
    pub project: Option<ResourceId>,
    /// Details only.
    pub library: Option<Library>,
    /// Families only: the exact category.
    pub category: Option<String>,
    /// Only resources updated at or after it, walked in update order.
    pub updated_since: Option<Timestamp>,
}

impl Criteria {
    pub fn order(&self) -> Order {
        if self.updated_since.is_some() {
            Order::Updated
        } else {
            Order::Newest
        }
    }

    /// Where a walk without a cursor starts (`None`: at the head of the list).
    pub fn start(&self) -> Option<String> {
        self.updated_since.map(lists::updated_floor)
    }

    pub fn matches<T: Indexed>(&self, item: &T) -> bool {
        self.tags.iter().all(|t| item.tag_ids().contains(t))
            && self
                .project
                .as_ref()
                .is_none_or(|p| item.project_id() == Some(p))
            && self.library.is_none_or(|l| item.library() == Some(l))
            && self
                .category
                .as_deref()
                .is_none_or(|c| item.category() == Some(c))
            && self
                .updated_since
                .is_none_or(|since| item.updated_at() >= since)
            && words::all_match(&self.words, &item.texts())
    }

    /// Lists of the walk's order that hold every match, likeliest-narrow first: longer
    /// query words, then tags, the project, the category.
    pub fn lists(&self) -> Vec<SearchList> {
        let order = self.order();
        let mut keys = Vec::new();
        if order == Order::Newest {
            let mut entries: Vec<String> = self
                .words
                .iter()
                .filter_map(|w| words::entry_of(w))
                .collect();
            entries.sort_by_key(|e| std::cmp::Reverse(e.chars().count()));
            // An entry that is a prefix of another's holds all of that one's members.
            let kept: Vec<String> = entries
                .iter()
                .filter(|e| !entries.iter().any(|o| o != *e && o.starts_with(e.as_str())))
                .cloned()
                .collect();
            let mut seen = std::collections::BTreeSet::new();
            keys.extend(
                kept.into_iter()
                    .filter(|e| seen.insert(e.clone()))
                    .map(ListKey::Word),
            );
        }
        keys.extend(self.tags.iter().cloned().map(ListKey::Tag));
        keys.extend(self.project.clone().map(ListKey::Project));
        keys.extend(
            self.category
                .as_deref()
                .map(|c| ListKey::Category(words::category_key(c))),
        );
        keys.into_iter()
            .map(|key| SearchList { order, key })
            .collect()
    }

    /// What a cursor is bound to besides the caller: every criterion, not the page size.
    pub fn binding_parts(&self) -> Vec<String> {
        let ids = |v: &[ResourceId]| v.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(",");
        vec![
            self.words.join(" "),
            ids(&self.tags),
            self.project.as_ref().map_or("", |p| p.as_str()).to_owned(),
            self.library
                .map_or("", |l| match l {
                    Library::Typical => "typical",
                    Library::Project => "project",
                })
                .to_owned(),
            self.category.clone().unwrap_or_default(),
            self.updated_since
                .map(|t| t.millis().to_string())
                .unwrap_or_default(),
        ]
    }
}

/// A resource search can walk: which store method reads its lists.
#[async_trait]
pub trait Searchable: Indexed {
    async fn query(
        store: &dyn ContentStore,
        ws: pirros_domain::ids::WorkspaceId,
        list: &SearchList,
        after: Option<&str>,
        max: usize,
    ) -> StoreResult<Slice<Self>>;
}

/// `Searchable` for `$t`, whose lists the store's `$query` reads.
macro_rules! searchable {
    ($t:ty, $query:ident) => {
        #[async_trait]
        impl Searchable for $t {
            async fn query(
                store: &dyn ContentStore,
                ws: pirros_domain::ids::WorkspaceId,
                list: &SearchList,
                after: Option<&str>,
                max: usize,
            ) -> StoreResult<Slice<Self>> {
                store.$query(ws, list, after, max).await
            }
        }
    };
}

searchable!(Detail, query_details);
searchable!(Family, query_families);

#[cfg(test)]
mod tests {
    use super::*;

    fn rid(s: &str) -> ResourceId {
        ResourceId::parse(s).unwrap()
    }

    #[test]
    fn lists_prefer_long_words_and_skip_entries_a_longer_word_narrows() {
        let c = Criteria {
            words: words::parse_query("co concrete w slab").unwrap(),
            tags: vec![rid("t1")],
            ..Default::default()
        };
        let keys: Vec<ListKey> = c.lists().into_iter().map(|l| l.key).collect();
        assert_eq!(
            keys,
            [
                ListKey::Word("concrete".into()),
                ListKey::Word("slab".into()),
                ListKey::Tag(rid("t1"))
            ]
        );
        let since = Criteria {
            updated_since: Some(Timestamp::from_millis(5)),
            ..c.clone()
        };
        assert!(since.lists().iter().all(|l| l.order == Order::Updated));
        assert_eq!(since.lists().len(), 1, "no word lists in update order");
    }
}
