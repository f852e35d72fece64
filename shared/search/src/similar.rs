//! `similar`'s candidates: the only families whose score can be above 0 are those sharing
//! a tag, the category (ASCII case ignored) or a name word with the target, and the
//! per-tag, per-category and name-word lists hold exactly those. They are read within a
//! fixed budget, never the whole workspace, unless the workspace is small enough that its
//! list of every family costs no more than those lists would (`WHOLE`).

use super::lists::{ListKey, SearchList};
use super::words;
use pirros_domain::ids::WorkspaceId;
use pirros_domain::model::Family;
use pirros_store::{ContentStore, StoreResult};
use std::collections::BTreeMap;

/// Families `similar` may read for one request: ten times its largest page, so a target
/// whose lists hold up to 500 families is ranked exactly (the lists' union is every family
/// with a score above 0) and a larger one is ranked over the newest members of each list,
/// the small lists read whole.
pub const BUDGET: usize = 500;

/// A workspace of at most this many families is read whole: one query of its list of every
/// family instead of one per tag, category and name word. A query is priced by the 4 KB
/// it reads, at least one unit each, and a family's copy is under 1 KB: 20 copies cost
/// what three or four lists' queries cost at least, and a family has its category and
/// usually a few tags and name words (five lists for the demo's). Ranking is the same
/// either way: `rank` scores every family read and keeps those above 0.
pub const WHOLE: usize = 20;

/// The list whose size says whether the workspace is read whole: every family, newest
/// first. Its size is read beside the target family (one round trip).
pub fn everything() -> SearchList {
    SearchList::newest(ListKey::All)
}

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

/// Rounds of reads at most: after the first, only lists that had more than their share go
/// on, with what the others left over.
const ROUNDS: usize = 4;

/// The families other than `target` that share something with it, each once. Every list
/// gets an equal share of the budget, read side by side; the lists that hold more than
/// their share go on from where they stopped with what the smaller ones left, for a few
/// rounds. So small lists are read whole and the rest share the budget equally, and a
/// target whose lists fit the budget (the common case) is read in one round trip.
///
/// `families` is the stored size of `everything()`. It is a hint (a size write may lag):
/// the workspace is read whole only if that query ends within `WHOLE` families; otherwise
/// the lists are read as if the size had been large.
pub async fn candidates(
    store: &dyn ContentStore,
    ws: WorkspaceId,
    target: &Family,
    families: u64,
) -> StoreResult<Vec<Family>> {
    if families <= WHOLE as u64 {
        // One more than `WHOLE`: a page that stops at its limit may say there is more when
        // there is not, and a workspace of exactly `WHOLE` must not read twice.
        let all = store
            .query_families(ws, &everything(), None, WHOLE + 1)
            .await?;
        if all.last_key.is_none() {
            return Ok(all
                .items
                .into_iter()
                .map(|(_, f)| f)
                .filter(|f| f.id != target.id)
                .collect());
        }
    }
    let lists = lists_of(target);
    let mut open: Vec<(&SearchList, Option<String>)> = lists.iter().map(|l| (l, None)).collect();
    let mut left = BUDGET;
    let mut found = BTreeMap::new();
    for _ in 0..ROUNDS {
        let share = left / open.len().max(1);
        if open.is_empty() || share == 0 {
            break;
        }
        let reads = open
            .iter()
            .map(|(list, after)| store.query_families(ws, list, after.as_deref(), share));
        let slices = futures::future::try_join_all(reads).await?;
        let mut more = Vec::new();
        for ((list, _), slice) in open.iter().zip(slices) {
            left = left.saturating_sub(slice.items.len());
            if let Some(after) = slice.last_key {
                more.push((*list, Some(after)));
            }
            for (_, f) in slice.items {
                if f.id != target.id {
                    found.insert(f.id.clone(), f);
                }
            }
        }
        open = more;
    }
    Ok(found.into_values().collect())
}
