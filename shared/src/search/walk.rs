//! A page's walk: members of one or more lists of the same order, merged by position,
//! each resource once, checked as they come, within a budget of items read. It stops at
//! `limit` matches (with one more in sight), at the end of the lists, or when the budget is
//! spent; the position it stops at is where the next page resumes, exactly.

use super::Searchable;
use super::lists::SearchList;
use crate::ids::WorkspaceId;
use crate::store::{Store, StoreResult};
use std::collections::VecDeque;

#[derive(Debug)]
pub struct Walked<T> {
    pub items: Vec<T>,
    /// The position to resume after; `None` when the lists are done.
    pub next: Option<String>,
    /// Members read.
    pub read: usize,
}

/// One list's progress.
struct Lane<'a, T> {
    list: &'a SearchList,
    /// Every member up to here has been read.
    pos: Option<String>,
    /// Read, not yet merged.
    buf: VecDeque<(String, T)>,
    done: bool,
}

/// How far every list has been read: the merge may emit members up to here.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Edge {
    /// A list not read yet: nothing is certain.
    Unread,
    At(String),
    /// Every list is done.
    End,
}

fn edge<T>(lanes: &[Lane<'_, T>]) -> Edge {
    lanes
        .iter()
        .filter(|l| !l.done)
        .map(|l| l.pos.clone().map_or(Edge::Unread, Edge::At))
        .min()
        .unwrap_or(Edge::End)
}

/// Walks `lists` from position `start` (exclusive; `None`: their head) for `limit`
/// members that `accept` takes, reading at most `budget` members (at least one per list).
pub async fn walk<T: Searchable>(
    store: &dyn Store,
    ws: WorkspaceId,
    lists: &[SearchList],
    start: Option<String>,
    limit: usize,
    budget: usize,
    accept: impl Fn(&T) -> bool,
) -> StoreResult<Walked<T>> {
    // One match past the page tells whether another page exists.
    let want = limit + 1;
    let mut lanes: Vec<Lane<'_, T>> = lists
        .iter()
        .map(|list| Lane {
            list,
            pos: start.clone(),
            buf: VecDeque::new(),
            done: false,
        })
        .collect();
    let mut found: Vec<(String, T)> = Vec::with_capacity(want);
    let mut remaining = budget;
    let mut round = 0u32;
    loop {
        // Merge what every list has been read past, each position once.
        let edge = edge(&lanes);
        while let Some(head) = lanes
            .iter()
            .filter_map(|l| l.buf.front().map(|(k, _)| k))
            .min()
            .cloned()
        {
            if edge != Edge::End && Edge::At(head.clone()) > edge {
                break;
            }
            let mut item = None;
            for lane in &mut lanes {
                if lane.buf.front().is_some_and(|(k, _)| *k == head) {
                    item = lane.buf.pop_front().map(|(_, t)| t);
                }
            }
            if let Some(item) = item.filter(|t| accept(t)) {
                found.push((head, item));
                if found.len() == want {
                    found.truncate(limit);
                    let next = found.last().map(|(k, _)| k.clone());
                    return Ok(Walked {
                        items: found.into_iter().map(|(_, t)| t).collect(),
                        next,
                        read: budget - remaining,
                    });
                }
            }
        }
        let reading: Vec<usize> = (0..lanes.len())
            .filter(|i| !lanes[*i].done && lanes[*i].buf.is_empty())
            .collect();
        let stop = match edge {
            Edge::End => Some(None),
            // Spent: resume where every list has been read to. The first round always
            // reads, so that every page moves on.
            Edge::At(at) if remaining < reading.len() => Some(Some(at)),
            _ => None,
        };
        if let Some(next) = stop {
            return Ok(Walked {
                items: found.into_iter().map(|(_, t)| t).collect(),
                next,
                read: budget - remaining,
            });
        }
        // Sparse matches: read further ahead each round, sharing what is left.
        let ahead = (want - found.len()).saturating_mul(1 << round.min(16));
        let per = ahead.min(remaining / reading.len().max(1)).max(1);
        let reads = reading.iter().map(|i| {
            let lane = &lanes[*i];
            T::query(store, ws, lane.list, lane.pos.as_deref(), per)
        });
        let slices = futures::future::try_join_all(reads).await?;
        for (i, slice) in reading.into_iter().zip(slices) {
            let lane = &mut lanes[i];
            remaining = remaining.saturating_sub(slice.items.len());
            if let Some((k, _)) = slice.items.last() {
                lane.pos = Some(k.clone());
            }
            lane.done = slice.items.is_empty() || slice.last_key.is_none();
            lane.buf.extend(slice.items);
        }
        round += 1;
    }
}
