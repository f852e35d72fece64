//! Which lists a search page walks. Every list of one order is sorted the same way, so any
//! list that holds every match will do; the plan picks the one with the fewest members,
//! by their stored sizes: one of the query's own lists (a word entry, a tag, the project,
//! the category), or the lists the caller's custom filters name, walked together; else
//! the list of everything.

use super::Criteria;
use super::lists::{ListKey, Listed, Order, SearchList};
use pirros_domain::grants::{FilterMatch, Scope};
use pirros_domain::ids::WorkspaceId;
use pirros_store::{ContentStore, StoreResult};

/// Most lists whose sizes one plan reads (the `+ 10` of `search::budget`).
pub const MAX_SIZED: usize = 10;
/// Most lists one walk merges.
pub const MAX_UNION: usize = 8;

#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The lists walked together; their members together hold every match.
    pub lists: Vec<SearchList>,
    /// Items read to plan (list sizes).
    pub read: usize,
}

/// The lists that hold everything one custom filter matches: those of its list-backed key
/// with the fewest values (tags, projects or categories). `None` when it has none (a
/// `library`-only filter can match anything).
fn filter_lists(rule: &FilterMatch, order: Order, listed: Listed) -> Option<Vec<SearchList>> {
    let tags = rule
        .tag_ids_any
        .as_ref()
        .map(|v| v.iter().cloned().map(ListKey::Tag).collect::<Vec<_>>());
    let projects = rule
        .project_ids_any
        .as_ref()
        .map(|v| v.iter().cloned().map(ListKey::Project).collect());
    let categories = match listed {
        Listed::Families => rule.categories_any.as_ref().map(|v| {
            v.iter()
                .map(|c| ListKey::Category(super::words::category_key(c)))
                .collect()
        }),
        Listed::Details => None,
    };
    [tags, projects, categories]
        .into_iter()
        .flatten()
        .min_by_key(Vec::len)
        .map(|keys| {
            keys.into_iter()
                .map(|key| SearchList { order, key })
                .collect()
        })
}

/// The lists holding everything `scope` lets the caller see, when that is fewer than
/// everything and at most `max` lists.
pub fn scope_lists(
    scope: &Scope,
    order: Order,
    listed: Listed,
    max: usize,
) -> Option<Vec<SearchList>> {
    let Scope::Filters(filters) = scope else {
        return None;
    };
    let mut lists = Vec::new();
    for f in filters {
        lists.extend(filter_lists(&f.rule, order, listed)?);
    }
    lists.sort();
    lists.dedup();
    (lists.len() <= max).then_some(lists)
}

/// The plan of a page of `criteria` under `scope` when it needs no list's size: one list
/// to take, or none (the caller's own lists, or else everything). `None` when there is a
/// choice to make by size (`plan`).
pub fn plan_unread(
    listed: Listed,
    criteria: &Criteria,
    scope: &Scope,
    budget: usize,
) -> Option<Plan> {
    let (own, union) = choices(listed, criteria, scope, budget);
    (own.len() + usize::from(union.is_some()) <= 1).then(|| decided(criteria, own, union))
}

/// The query's own lists, and the lists that hold what the scope lets the caller see (when
/// fewer than everything).
fn choices(
    listed: Listed,
    criteria: &Criteria,
    scope: &Scope,
    budget: usize,
) -> (Vec<SearchList>, Option<Vec<SearchList>>) {
    // A union needs a couple of reads per list to get anywhere within the budget.
    let max_union = MAX_UNION.min(budget.saturating_sub(MAX_SIZED) / 2).max(1);
    let union = scope_lists(scope, criteria.order(), listed, max_union);
    (criteria.lists(), union)
}

/// The plan when there is at most one choice.
fn decided(criteria: &Criteria, mut own: Vec<SearchList>, union: Option<Vec<SearchList>>) -> Plan {
    let lists = match (own.pop(), union) {
        (Some(list), _) => vec![list],
        (None, Some(union)) => union,
        (None, None) => vec![SearchList {
            order: criteria.order(),
            key: ListKey::All,
        }],
    };
    Plan { lists, read: 0 }
}

/// The plan of a page of `criteria` under `scope`, reading list sizes only when there is
/// a choice to make.
pub async fn plan(
    store: &dyn ContentStore,
    ws: WorkspaceId,
    listed: Listed,
    criteria: &Criteria,
    scope: &Scope,
    budget: usize,
) -> StoreResult<Plan> {
    let order = criteria.order();
    let (mut own, union) = choices(listed, criteria, scope, budget);
    if own.len() + usize::from(union.is_some()) <= 1 {
        return Ok(decided(criteria, own, union));
    }
    let union = union.unwrap_or_default();
    own.truncate(MAX_SIZED.saturating_sub(union.len()).max(1));
    let mut asked = own.clone();
    asked.extend(union.iter().cloned());
    let sizes = store.list_sizes(ws, listed, &asked).await?;
    let (own_sizes, union_sizes) = sizes.split_at(own.len());
    let best = own.iter().zip(own_sizes).min_by_key(|(_, n)| **n);
    let union_size: u64 = union_sizes.iter().sum();
    let lists = match best {
        Some((list, n)) if union.is_empty() || union_size >= *n => vec![list.clone()],
        _ if !union.is_empty() => union,
        _ => vec![SearchList {
            order,
            key: ListKey::All,
        }],
    };
    Ok(Plan {
        lists,
        read: asked.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pirros_domain::grants::{EntityType, Filter};
    use pirros_domain::ids::ResourceId;

    fn filter(rule: FilterMatch) -> Filter {
        Filter {
            id: ResourceId::parse("f").unwrap(),
            workspace_id: WorkspaceId::parse("a1a1a1a1-0000-4000-8000-000000000001").unwrap(),
            name: "f".into(),
            entity_type: EntityType::Detail,
            rule,
        }
    }

    fn ids(v: &[&str]) -> Option<Vec<ResourceId>> {
        Some(v.iter().map(|s| ResourceId::parse(s).unwrap()).collect())
    }

    #[test]
    fn scope_lists_take_each_filters_narrowest_key() {
        let a = filter(FilterMatch {
            tag_ids_any: ids(&["t1", "t2"]),
            project_ids_any: ids(&["p1"]),
            ..Default::default()
        });
        let b = filter(FilterMatch {
            tag_ids_any: ids(&["t3"]),
            ..Default::default()
        });
        let lists = scope_lists(
            &Scope::Filters(vec![a.clone(), b]),
            Order::Newest,
            Listed::Details,
            8,
        )
        .unwrap();
        let keys: Vec<ListKey> = lists.into_iter().map(|l| l.key).collect();
        assert_eq!(
            keys,
            [
                ListKey::Tag(ResourceId::parse("t3").unwrap()),
                ListKey::Project(ResourceId::parse("p1").unwrap())
            ]
        );
        let typical = filter(FilterMatch {
            library: Some(pirros_domain::model::Library::Typical),
            ..Default::default()
        });
        let s = Scope::Filters(vec![a.clone(), typical]);
        assert_eq!(scope_lists(&s, Order::Newest, Listed::Details, 8), None);
        assert_eq!(
            scope_lists(&Scope::All, Order::Newest, Listed::Details, 8),
            None
        );
        let s = Scope::Filters(vec![a]);
        assert_eq!(scope_lists(&s, Order::Newest, Listed::Details, 0), None);
    }
}
