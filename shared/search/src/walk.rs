//! A page's walk: members of one or more stored lists of the same order, merged by
//! position, each resource once, checked as they come, within a budget of items read. It
//! stops at `limit` matches (with one more in sight), at the end of the lists, or when the
//! budget is spent; the position it stops at is where the next page resumes, exactly.
//!
//! Search walks its lists (`walk`); every other list page (a detail's flags, a family's
//! references, stashes) walks its one stored list the same way (`walk_one`), so a page
//! whose filter keeps few of what it reads answers fewer items and a cursor rather than
//! reading on.

use super::Searchable;
use super::lists::SearchList;
use futures::future::Either;
use pirros_domain::ids::WorkspaceId;
use pirros_store::{ContentStore, Slice, StoreError, StoreResult};
use std::collections::VecDeque;
use std::future::Future;

/// Most reads of each list one page makes. The read-ahead doubles each round, so a budget
/// is spent within a dozen rounds; this only ends a walk that a store keeps answering short
/// slices (DynamoDB's 1 MB pages of large items) as a spent budget does.
const MAX_ROUNDS: u32 = 16;

#[derive(Debug)]
pub struct Walked<T> {
    pub items: Vec<T>,
    /// The position to resume after; `None` when the lists are done.
    pub next: Option<String>,
    /// Members read.
    pub read: usize,
}

/// One list's progress.
struct Lane<'a, L, T> {
    list: &'a L,
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

fn edge<L, T>(lanes: &[Lane<'_, L, T>]) -> Edge {
    lanes
        .iter()
        .filter(|l| !l.done)
        .map(|l| l.pos.clone().map_or(Edge::Unread, Edge::At))
        .min()
        .unwrap_or(Edge::End)
}

/// Where a walk of several lists starts: after position `after` (exclusive; `None`: their
/// head); `early`, when the walk has one list, is that list's first read made before the
/// walk (read ahead of the call), taken when it is the read the walk makes first.
pub struct Start<T> {
    pub after: Option<String>,
    pub early: Option<FirstRead<T>>,
}

/// Walks `lists` from `start` for `limit` members that `accept` takes, reading at most
/// `budget` members (at least one per list).
pub async fn walk<T: Searchable>(
    store: &dyn ContentStore,
    ws: WorkspaceId,
    lists: &[SearchList],
    start: Start<T>,
    limit: usize,
    budget: usize,
    accept: impl Fn(&T) -> bool,
) -> StoreResult<Walked<T>> {
    let primed = std::sync::Mutex::new(start.early.filter(|_| lists.len() == 1));
    walk_lists(
        lists,
        |list, after: Option<String>, max| {
            let mut slot = primed.lock().unwrap_or_else(|p| p.into_inner());
            match slot.take() {
                Some(e) if e.at == (after.clone(), max) => Either::Left(std::future::ready(e.read)),
                _ => {
                    Either::Right(
                        async move { T::query(store, ws, list, after.as_deref(), max).await },
                    )
                }
            }
        },
        start.after,
        limit,
        budget,
        accept,
    )
    .await
}

/// Walks the one list `read` reads (`read(after, max)`: up to `max` members strictly after
/// position `after`, in the list's own order, which may be either way round), as `walk`
/// does: from `start` for `limit` members that `accept` takes, reading at most `budget`.
pub async fn walk_one<T, F, Fut>(
    read: F,
    start: Option<String>,
    limit: usize,
    budget: usize,
    accept: impl Fn(&T) -> bool,
) -> StoreResult<Walked<T>>
where
    F: Fn(Option<String>, usize) -> Fut,
    Fut: Future<Output = StoreResult<Slice<T>>>,
{
    walk_lists(
        &[()],
        |_, after, max| read(after, max),
        start,
        limit,
        budget,
        accept,
    )
    .await
}

/// What a walk of `limit` within `budget` reads first: a page and one more, within the
/// budget.
pub fn first_read(limit: usize, budget: usize) -> usize {
    (limit + 1).min(budget).max(1)
}

/// A list's first read, made before its walk (read ahead of the call): the position it
/// starts after, how many it asked for, and what it got.
pub struct FirstRead<T> {
    pub at: (Option<String>, usize),
    pub read: StoreResult<Slice<T>>,
}

/// `walk_one`, its first read made beside `check` (what decides whether the caller may see
/// the list at all), so that the check and the list's first page take one round trip; or
/// taken from `early` when that is the read it would make. The walk goes on once the check
/// has answered, taking what `accept` (given the check's answer) takes; a check that fails
/// is the answer, and what was read is dropped.
pub async fn walk_one_beside<X, T, E, F, Fut>(
    check: impl Future<Output = Result<X, E>>,
    read: F,
    early: Option<FirstRead<T>>,
    start: Option<String>,
    limit: usize,
    budget: usize,
    accept: impl Fn(&X, &T) -> bool,
) -> Result<(X, Walked<T>), E>
where
    E: From<StoreError>,
    F: Fn(Option<String>, usize) -> Fut,
    Fut: Future<Output = StoreResult<Slice<T>>>,
{
    let first_max = first_read(limit, budget);
    let (checked, first) = futures::try_join!(check, async {
        match early {
            Some(e) if e.at.0 == start && e.at.1 == first_max => e.read,
            _ => read(start.clone(), first_max).await,
        }
        .map_err(E::from)
    })?;
    let primed = std::sync::Mutex::new(Some((start.clone(), first)));
    let walked = walk_one(
        |after: Option<String>, max| {
            let mut slot = primed.lock().unwrap_or_else(|p| p.into_inner());
            match slot.take() {
                Some((at, slice)) if at == after && max == first_max => {
                    Either::Left(std::future::ready(Ok(slice)))
                }
                _ => Either::Right(read(after, max)),
            }
        },
        start,
        limit,
        budget,
        |t| accept(&checked, t),
    )
    .await?;
    Ok((checked, walked))
}

/// The walk of `lists`, each read with `read(list, after, max)`. Several lists are merged
/// by ascending position; one list is taken in the order it reads.
async fn walk_lists<'a, L, T, F, Fut>(
    lists: &'a [L],
    read: F,
    start: Option<String>,
    limit: usize,
    budget: usize,
    accept: impl Fn(&T) -> bool,
) -> StoreResult<Walked<T>>
where
    F: Fn(&'a L, Option<String>, usize) -> Fut,
    Fut: Future<Output = StoreResult<Slice<T>>>,
{
    // One match past the page tells whether another page exists.
    let want = limit + 1;
    let mut lanes: Vec<Lane<'a, L, T>> = lists
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
        // Merge what every list has been read past, each position once. A single list has
        // no other to wait for: what it read is in order already.
        let edge = edge(&lanes);
        let merged = lanes.len() > 1;
        while let Some(head) = lanes
            .iter()
            .filter_map(|l| l.buf.front().map(|(k, _)| k))
            .min()
            .cloned()
        {
            if merged && edge != Edge::End && Edge::At(head.clone()) > edge {
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
            // Spent (or read as often as a page may): resume where every list has been
            // read to. The first round always reads, so that every page moves on.
            Edge::At(at) if remaining < reading.len() || round >= MAX_ROUNDS => Some(Some(at)),
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
            read(lane.list, lane.pos.clone(), per)
        });
        let slices = futures::future::try_join_all(reads).await?;
        for (i, slice) in reading.into_iter().zip(slices) {
            let lane = &mut lanes[i];
            remaining = remaining.saturating_sub(slice.items.len());
            // Where the read stopped: its last key when the list goes on (a store may
            // leave out members it read, such as stale references), else its last member.
            let reached = slice
                .last_key
                .clone()
                .or_else(|| slice.items.last().map(|(k, _)| k.clone()));
            let moved = reached.is_some() && reached != lane.pos;
            lane.done = slice.last_key.is_none() || !moved;
            if moved {
                lane.pos = reached;
            }
            lane.buf.extend(slice.items);
        }
        round += 1;
    }
}
