//! `similar`'s candidates: the only families whose score can be above 0 are those sharing
//! a tag, the category (ASCII case ignored) or a name word with the target, and the
//! per-tag, per-category and name-word lists hold exactly those. They are read within a
//! fixed budget, never the whole workspace.

use super::lists::{ListKey, Listed, SearchList};
use super::words;
use pirros_domain::ids::WorkspaceId;
use pirros_domain::model::Family;
use pirros_store::{ContentStore, StoreResult};
use std::collections::BTreeMap;

/// Families `similar` may read for one request, list sizes included: ten times its
/// largest page, so a target whose lists hold up to ~490 families is ranked exactly (the
/// lists' union is every family with a score above 0) and a larger one is ranked over the
/// newest members of each list, the small lists read whole first.
pub const BUDGET: usize = 500;

/// Most lists one target reads (its tags, its category, its name words).
const MAX_LISTS: usize = 40;

/// The lists holding every family that shares something with `target`.
pub fn lists_of(target: &Family) -> Vec<SearchList> {
    let mut keys: Vec<ListKey> = target.tag_ids.iter().cloned().map(ListKey::Tag).collect();
    keys.push(ListKey::Category(words::category_key(&target.category)));
    keys.extend(
        words::name_words(&target.name)
            .iter()
            .map(|w| ListKey::NameWord(words::name_word_key(w))),
    );
    keys.sort();
    keys.dedup();
    keys.truncate(MAX_LISTS);
    keys.into_iter().map(SearchList::newest).collect()
}

/// How many members to read of lists of `sizes` within `budget`: small lists whole, the
/// rest shared equally, and what no list needs spread over all of them (a stale size
/// then still reads what is there, at no cost when there is nothing).
fn shares(sizes: &[u64], budget: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by_key(|i| sizes[*i]);
    let mut out = vec![0; sizes.len()];
    let mut left = budget;
    for (done, i) in order.iter().enumerate() {
        let share = left / (sizes.len() - done);
        out[*i] = (sizes[*i] as usize).min(share);
        left -= out[*i];
    }
    let spare = left / sizes.len().max(1);
    out.iter().map(|n| n + spare).collect()
}

/// The families other than `target` that share something with it, each once.
pub async fn candidates(
    store: &dyn ContentStore,
    ws: WorkspaceId,
    target: &Family,
) -> StoreResult<Vec<Family>> {
    let lists = lists_of(target);
    let sizes = store.list_sizes(ws, Listed::Families, &lists).await?;
    let shares = shares(&sizes, BUDGET.saturating_sub(lists.len()));
    let reads = lists
        .iter()
        .zip(shares)
        .filter(|(_, n)| *n > 0)
        .map(|(list, n)| store.query_families(ws, list, None, n));
    let mut found = BTreeMap::new();
    for slice in futures::future::try_join_all(reads).await? {
        for (_, f) in slice.items {
            if f.id != target.id {
                found.insert(f.id.clone(), f);
            }
        }
    }
    Ok(found.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_lists_whole_the_rest_shared() {
        assert_eq!(shares(&[3, 1000, 10], 100), [3, 87, 10]);
        assert_eq!(shares(&[3, 4], 100), [3 + 46, 4 + 46]);
        assert_eq!(shares(&[500, 500], 100), [50, 50]);
        assert_eq!(shares(&[], 100), Vec::<usize>::new());
        assert!(shares(&[7, 900, 900, 2], 500).iter().sum::<usize>() <= 500);
    }
}
