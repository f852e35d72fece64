//! The embedded store: everything in one process, behind one lock, with the same
//! atomicity the DynamoDB store gets from conditional writes and transactions.

use super::*;
use pirros_domain::lists::{Indexed, memberships};
use pirros_domain::references::ReferenceChanges;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// A lease slot's holder and the time it lapses.
type Held = (String, Timestamp);

#[derive(Default)]
struct Inner {
    /// Stash deletes going in steps (`keys::stash_delete_journal`).
    stash_delete_journal: HashMap<(WorkspaceId, ResourceId), StashRecord>,
    credentials: HashMap<ClientId, Credential>,
    firms: HashMap<ResourceId, Firm>,
    workspaces: HashMap<WorkspaceId, Workspace>,
    projects: HashMap<(WorkspaceId, ResourceId), Project>,
    filters: BTreeMap<(WorkspaceId, ResourceId), Filter>,
    tags: BTreeMap<(WorkspaceId, ResourceId), Tag>,
    details: HashMap<(WorkspaceId, ResourceId), DetailRecord>,
    families: BTreeMap<(WorkspaceId, ResourceId), FamilyRecord>,
    /// The search lists, under the same names as DynamoDB's partitions
    /// (`keys::search_list`): position → member id.
    lists: HashMap<String, BTreeMap<String, ResourceId>>,
    stashes: HashMap<(WorkspaceId, ResourceId), StashRecord>,
    idempotency: HashMap<IdemKey, IdemRecord>,
    /// key → (count, expires_at)
    rate: HashMap<String, (u64, Timestamp)>,
    /// key → hits per tally (`hit_tallied`)
    rate_tallies: HashMap<String, BTreeMap<String, u64>>,
    /// Per credential and kind, its slots, as the DynamoDB store's item.
    leases: HashMap<(LeaseKind, ClientId), Vec<Option<Held>>>,
    kill_switch: bool,
    published_keys: Option<PublishedKeys>,
    /// Per workspace, projects by list position (see `project_sort_key`).
    project_order: HashMap<WorkspaceId, BTreeMap<String, ResourceId>>,
    /// Per workspace, stashes by list position (see `stash_sort_key`).
    stash_order: HashMap<WorkspaceId, BTreeMap<String, ResourceId>>,
    /// Per detail, its flags by id (ids sort by creation).
    flags: HashMap<(WorkspaceId, ResourceId), BTreeMap<ResourceId, FlagRecord>>,
    open_flags: HashMap<WorkspaceId, BTreeMap<ResourceId, u64>>,
    /// Per family, its uses by `references::sort_key`.
    references: HashMap<(WorkspaceId, ResourceId), BTreeMap<String, ReferenceEntry>>,
    family_groups: HashMap<(WorkspaceId, ResourceId), FamilyGroup>,
    jobs: HashMap<(WorkspaceId, ResourceId), JobRecord>,
    family_versions: BTreeMap<(WorkspaceId, ResourceId, u64), FamilyVersionRecord>,
    /// Per workspace, its events by sequence.
    events: HashMap<WorkspaceId, BTreeMap<u64, EventRecord>>,
    /// Token attempt items, by rate key (as DynamoDB's `RATE#TOKENA#...`).
    token_attempts: HashMap<String, TokenAttempts>,
}

/// A client's token attempts in its current window, and the tags of secrets that got
/// tokens.
#[derive(Default)]
struct TokenAttempts {
    tags: std::collections::BTreeSet<String>,
    window: Option<i64>,
    all: u64,
    by_ip: HashMap<String, u64>,
}

/// Why a token attempt was not counted.
enum TokenRefusal {
    Limit,
    Remembered { earlier: bool },
}

impl Inner {
    /// A detail's open flags: 0 when it has no count.
    fn open_count(&self, ws: WorkspaceId, detail: &ResourceId) -> u64 {
        self.open_flags
            .get(&ws)
            .and_then(|c| c.get(detail))
            .copied()
            .unwrap_or(0)
    }

    /// Counts a token attempt, as the DynamoDB store's conditional update does: `None` when
    /// counted, else why not (`tag`: not counted when remembered).
    fn token_count(
        &mut self,
        attempt: &TokenAttempt<'_>,
        tag: Option<&str>,
    ) -> Option<TokenRefusal> {
        if attempt.per_ip == 0 || attempt.per_client == 0 {
            return Some(TokenRefusal::Limit);
        }
        let item = self
            .token_attempts
            .entry(attempt.key.to_owned())
            .or_default();
        if item.window != Some(attempt.window) {
            item.window = Some(attempt.window);
            item.all = 0;
            item.by_ip.clear();
        }
        let here = item.by_ip.get(attempt.ip).copied().unwrap_or(0);
        if item.all >= attempt.per_client || here >= attempt.per_ip {
            return Some(TokenRefusal::Limit);
        }
        if tag.is_some_and(|t| item.tags.contains(t)) {
            return Some(TokenRefusal::Remembered {
                earlier: item.all > 0 || here > 0,
            });
        }
        item.all += 1;
        *item.by_ip.entry(attempt.ip.to_owned()).or_default() += 1;
        None
    }

    /// One hit of the rate window `key`, unless `limit` are counted already.
    fn hit(&mut self, key: &str, limit: u64, expires_at: Timestamp) -> RateHit {
        let now = Timestamp::now();
        let entry = self.rate.entry(key.to_owned()).or_insert((0, expires_at));
        if entry.1 <= now {
            *entry = (0, expires_at);
        }
        if entry.0 >= limit {
            return RateHit {
                allowed: false,
                count: entry.0,
            };
        }
        entry.0 += 1;
        RateHit {
            allowed: true,
            count: entry.0,
        }
    }
}

/// Moves `id` in `ws`'s ordered list from the position `old` (if it had one) to `new`.
fn reorder(
    order: &mut HashMap<WorkspaceId, BTreeMap<String, ResourceId>>,
    ws: WorkspaceId,
    old: Option<String>,
    new: String,
    id: &ResourceId,
) {
    let list = order.entry(ws).or_default();
    if let Some(old) = old {
        list.remove(&old);
    }
    list.insert(new, id.clone());
}

/// Up to `max` items of an ordered list after `after` that `get` finds and `keep` keeps,
/// as a separate stored list per index would hold them.
fn keyed_page<T>(
    order: Option<&BTreeMap<String, ResourceId>>,
    after: Option<&str>,
    max: usize,
    get: impl Fn(&ResourceId) -> Option<T>,
    keep: impl Fn(&T) -> bool,
) -> Slice<T> {
    use std::ops::Bound;
    let Some(order) = order else {
        return Slice::default();
    };
    let start = match after {
        Some(k) => Bound::Excluded(k.to_owned()),
        None => Bound::Unbounded,
    };
    let found = order
        .range((start, Bound::Unbounded))
        .filter_map(|(key, id)| Some((key.clone(), get(id).filter(|i| keep(i))?)));
    page_of(found, max)
}

impl Inner {
    /// The slot of `client`'s lease that a claim by `holder` takes: the one it holds, else
    /// the first free or lapsed one.
    fn free_slot(
        &mut self,
        kind: LeaseKind,
        client: &ClientId,
        holder: &str,
        now: Timestamp,
    ) -> Option<usize> {
        let slots = self.leases.entry((kind, client.clone())).or_default();
        slots.resize(kind.slots(), None);
        let mine = slots
            .iter()
            .position(|s| s.as_ref().is_some_and(|(h, _)| h == holder));
        let free = slots
            .iter()
            .position(|s| s.as_ref().is_none_or(|(_, u)| *u <= now));
        mine.or(free)
    }

    fn hold_slot(
        &mut self,
        kind: LeaseKind,
        client: &ClientId,
        i: usize,
        holder: &str,
        until: Timestamp,
    ) {
        let slots = self.leases.entry((kind, client.clone())).or_default();
        slots[i] = Some((holder.to_owned(), until));
    }

    /// Why a new job can't be written: its key's record is live, or its id is taken.
    fn refused_job(
        &self,
        job: &JobRecord,
        idempotency: Option<&IdemRecord>,
    ) -> Option<SaveOutcome> {
        if let Some(idem) = idempotency
            && let Some(existing) = self.idempotency.get(&idem.key)
            && existing.is_live(Timestamp::now())
        {
            return Some(SaveOutcome::IdempotencyTaken(existing.clone()));
        }
        let taken = self.jobs.contains_key(&(job.workspace_id, job.id.clone()));
        taken.then_some(SaveOutcome::VersionMismatch)
    }

    fn insert_job(&mut self, job: &JobRecord, idempotency: Option<&IdemRecord>) -> SaveOutcome {
        self.jobs
            .insert((job.workspace_id, job.id.clone()), job.clone());
        if let Some(idem) = idempotency {
            self.idempotency.insert(idem.key.clone(), idem.clone());
        }
        SaveOutcome::Saved
    }

    /// Numbers `events` after their workspace's last and keeps them: called under the
    /// lock with the change they record, as DynamoDB's transaction holds both.
    fn append_events(&mut self, events: &[EventRecord]) {
        for e in events {
            let feed = self.events.entry(e.event.workspace_id).or_default();
            let mut e = e.clone();
            e.event.sequence = feed.last_key_value().map_or(0, |(n, _)| *n) + 1;
            feed.insert(e.event.sequence, e);
        }
    }

    /// The stash write's checks and the stash with its order and idempotency record, and,
    /// with `references`, its reference entries: all or nothing.
    fn commit_stash(&mut self, write: &StashWrite, references: bool) -> SaveOutcome {
        let now = Timestamp::now();
        if let Some(idem) = &write.idempotency
            && let Some(existing) = self.idempotency.get(&idem.key)
            && existing.is_live(now)
        {
            return SaveOutcome::IdempotencyTaken(existing.clone());
        }
        let key = (
            write.record.stash.workspace_id,
            write.record.stash.id.clone(),
        );
        let current = self.stashes.get(&key).map(|s| s.version);
        if current != write.expected_version {
            return SaveOutcome::VersionMismatch;
        }
        let old = self.stashes.get(&key).map(|r| stash_sort_key(&r.stash));
        reorder(
            &mut self.stash_order,
            key.0,
            old,
            stash_sort_key(&write.record.stash),
            &key.1,
        );
        if references {
            let old = self
                .stashes
                .get(&key)
                .map(|s| ReferenceEntry::of_stash(&s.stash))
                .unwrap_or_default();
            self.change_references(key.0, &old, &ReferenceEntry::of_stash(&write.record.stash));
        }
        self.stashes.insert(key, write.record.clone());
        if let Some(idem) = &write.idempotency {
            self.idempotency.insert(idem.key.clone(), idem.clone());
        }
        self.append_events(&write.events);
        SaveOutcome::Saved
    }

    /// Writes `entries` marked `unverified`: readers show them only while the stash as
    /// stored holds them.
    fn mark_unverified<'e>(
        &mut self,
        ws: WorkspaceId,
        entries: impl IntoIterator<Item = &'e ReferenceEntry>,
    ) {
        for e in entries {
            let mut marked = e.clone();
            marked.unverified = true;
            self.references
                .entry((ws, e.family_id.clone()))
                .or_default()
                .insert(e.sort_key(), marked);
        }
    }

    /// The stash and its place in the order.
    fn remove_stash(&mut self, key: &(WorkspaceId, ResourceId)) {
        if let Some(old) = self.stashes.remove(key)
            && let Some(order) = self.stash_order.get_mut(&key.0)
        {
            order.remove(&stash_sort_key(&old.stash));
        }
    }

    fn change_references(
        &mut self,
        ws: WorkspaceId,
        old: &[ReferenceEntry],
        new: &[ReferenceEntry],
    ) {
        let changes = ReferenceChanges::between(old, new);
        for e in changes.delete {
            let (family, key) = e.key();
            if let Some(list) = self.references.get_mut(&(ws, family)) {
                list.remove(&key);
            }
        }
        for e in changes.put {
            self.references
                .entry((ws, e.family_id.clone()))
                .or_default()
                .insert(e.sort_key(), e);
        }
    }
}

pub struct MemoryStore {
    inner: Mutex<Inner>,
    calls: AtomicU64,
    /// Items examined, counted as the DynamoDB store counts them.
    items_read: AtomicU64,
    /// Most items a stash write changes at once before it goes in steps, as DynamoDB's
    /// transactions bound it: the same steps, so both stores show the same references at
    /// every step of a large stash write.
    transaction_items: usize,
    stop: StopPoint,
    webhooks: crate::webhooks::memory::Webhooks,
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self {
            inner: Mutex::default(),
            calls: AtomicU64::default(),
            items_read: AtomicU64::default(),
            transaction_items: DYNAMODB_TRANSACTION_ITEMS,
            stop: StopPoint::default(),
            webhooks: Default::default(),
        }
    }
}

/// Items one DynamoDB transaction takes.
const DYNAMODB_TRANSACTION_ITEMS: usize = 100;

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Stops a write in steps once after `stop`'s step (tests only).
    pub fn with_stop(mut self, stop: StopPoint) -> Self {
        self.stop = stop;
        self
    }

    /// The last steps of a stash delete: its reference entries, a transaction's worth at a
    /// time, then its journal.
    fn finish_stash_delete(&self, deleted: &StashRecord) {
        let st = &deleted.stash;
        let ws = st.workspace_id;
        for chunk in ReferenceEntry::of_stash(st).chunks(self.transaction_items) {
            let mut g = self.lock();
            for e in chunk {
                if let Some(list) = g.references.get_mut(&(ws, e.family_id.clone())) {
                    list.remove(&e.sort_key());
                }
            }
        }
        self.lock()
            .stash_delete_journal
            .remove(&(ws, st.id.clone()));
    }

    /// Stash writes of more than `n` items (2 to 100) go in steps.
    pub fn with_transaction_items(mut self, n: usize) -> Self {
        self.transaction_items = n.clamp(2, DYNAMODB_TRANSACTION_ITEMS);
        self
    }

    /// A stash write whose reference changes don't fit one transaction with it, in the
    /// DynamoDB store's steps: every entry it adds, renames or drops is first written
    /// marked `unverified`; then the stash and its idempotency record commit, or the write
    /// ends there; then the changes land as trusted entries, a transaction's worth at a
    /// time, each only while the stash is still at the version just written. Readers show
    /// an unverified entry only if the stash as stored holds it.
    fn save_stash_in_steps(
        &self,
        write: &StashWrite,
        changes: ReferenceChanges,
    ) -> StoreResult<SaveOutcome> {
        let st = &write.record.stash;
        let ws = st.workspace_id;
        {
            let touched = changes.put.iter().chain(&changes.delete);
            self.lock().mark_unverified(ws, touched);
        }
        let outcome = self.lock().commit_stash(write, false);
        if outcome != SaveOutcome::Saved {
            return Ok(outcome);
        }
        let steps: Vec<(bool, &ReferenceEntry)> = changes
            .delete
            .iter()
            .map(|e| (false, e))
            .chain(changes.put.iter().map(|e| (true, e)))
            .collect();
        let key = (ws, st.id.clone());
        for chunk in steps.chunks(self.transaction_items - 1) {
            let mut g = self.lock();
            if g.stashes.get(&key).map(|r| r.version) != Some(write.record.version) {
                // The stash moved on: its newer write owns the entries now.
                break;
            }
            for (put, e) in chunk {
                let list = g.references.entry((ws, e.family_id.clone())).or_default();
                if *put {
                    list.insert(e.sort_key(), (*e).clone());
                } else {
                    list.remove(&e.sort_key());
                }
            }
        }
        Ok(SaveOutcome::Saved)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        // A panic while holding the lock cannot leave a half-applied write (every write
        // below is applied after its checks), so a poisoned lock is still consistent.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn read(&self, n: usize) {
        self.items_read.fetch_add(n as u64, Ordering::Relaxed);
    }

    /// The DynamoDB store claims a lease slot by slot, one conditional call each: a call for
    /// every slot it tries, counted here the same (the lock counted the first) so a route's
    /// calls match on both.
    fn count_tried(&self, kind: LeaseKind, taken: Option<usize>) {
        let tried = taken.map_or(kind.slots(), |i| i + 1);
        self.calls.fetch_add(tried as u64 - 1, Ordering::Relaxed);
    }

    /// Runs `write` (a write to a table with a lock of its own: `true` when it wrote) under
    /// the store's lock while `idempotency`'s key is free, and records the key with it: the
    /// same all-or-nothing a DynamoDB transaction gives the two.
    pub(crate) fn with_idempotency(
        &self,
        idempotency: Option<&IdemRecord>,
        write: impl FnOnce() -> bool,
    ) -> SaveOutcome {
        // Not `lock`: the write's own table counts the one call this is.
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(idem) = idempotency
            && let Some(existing) = g.idempotency.get(&idem.key)
            && existing.is_live(Timestamp::now())
        {
            return SaveOutcome::IdempotencyTaken(existing.clone());
        }
        if !write() {
            return SaveOutcome::VersionMismatch;
        }
        if let Some(idem) = idempotency {
            g.idempotency.insert(idem.key.clone(), idem.clone());
        }
        SaveOutcome::Saved
    }

    /// The webhook tables, as one storage call (as `lock` counts one), so a route's calls
    /// are the same number on both stores.
    pub(crate) fn webhooks(&self) -> &crate::webhooks::memory::Webhooks {
        self.calls.fetch_add(1, Ordering::Relaxed);
        &self.webhooks
    }

    fn counted<T>(&self, items: Vec<T>) -> Vec<T> {
        self.read(items.len());
        items
    }

    /// A page of an ordered list, its members counted as read (as DynamoDB's query of the
    /// list's partition counts them).
    fn counted_slice<T>(&self, slice: Slice<T>) -> Slice<T> {
        self.read(slice.items.len());
        slice
    }

    /// What `get` finds and the workspace `ws`, under one lock: one call, as DynamoDB's one
    /// batch read.
    fn beside_workspace<T>(
        &self,
        ws: WorkspaceId,
        get: impl FnOnce(&Inner) -> Option<T>,
    ) -> (Option<T>, Option<Workspace>) {
        let (found, workspace) = {
            let g = self.lock();
            (get(&g), g.workspaces.get(&ws).cloned())
        };
        (self.found(found), workspace)
    }

    /// The credential a token attempt names, as one call.
    fn token_credential(&self, attempt: &TokenAttempt<'_>) -> Option<Box<Credential>> {
        let id = attempt.client_id?;
        let found = self.lock().credentials.get(id).cloned();
        self.found(found).map(Box::new)
    }

    fn found<T>(&self, item: Option<T>) -> Option<T> {
        self.read(usize::from(item.is_some()));
        item
    }

    /// Up to `max` members of `list` after `after`, each looked up with `get`.
    fn query_list<T: Indexed>(
        &self,
        ws: WorkspaceId,
        list: &SearchList,
        after: Option<&str>,
        max: usize,
        get: impl Fn(&Inner, &(WorkspaceId, ResourceId)) -> Option<T>,
    ) -> Slice<T> {
        use std::ops::Bound;
        let g = self.lock();
        let mut slice = Slice::default();
        let Some(members) = g.lists.get(&keys::search_list(T::LISTED, ws, list)) else {
            return slice;
        };
        let start = match after {
            Some(k) => Bound::Excluded(k.to_owned()),
            None => Bound::Unbounded,
        };
        for (pos, id) in members.range((start, Bound::Unbounded)).take(max.max(1)) {
            if let Some(item) = get(&g, &(ws, id.clone())) {
                slice.items.push((pos.clone(), item));
            }
        }
        self.read(slice.items.len());
        // As DynamoDB: a read that stopped at `max` says the list may go on.
        if slice.items.len() == max.max(1) {
            slice.last_key = slice.items.last().map(|(k, _)| k.clone());
        }
        slice
    }
}

/// Moves `new` (in place of `old`) into the lists it belongs to.
/// Takes `old` out of every list it is in.
fn unlist<T: Indexed>(lists: &mut HashMap<String, BTreeMap<String, ResourceId>>, old: &T) {
    for (list, pos) in memberships(old) {
        let pk = keys::search_list(T::LISTED, old.workspace(), &list);
        if let Some(members) = lists.get_mut(&pk) {
            members.remove(&pos);
            if members.is_empty() {
                lists.remove(&pk);
            }
        }
    }
}

fn relist<T: Indexed>(
    lists: &mut HashMap<String, BTreeMap<String, ResourceId>>,
    old: Option<&T>,
    new: &T,
) {
    if let Some(old) = old {
        unlist(lists, old);
    }
    for (list, pos) in memberships(new) {
        lists
            .entry(keys::search_list(T::LISTED, new.workspace(), &list))
            .or_default()
            .insert(pos, new.id().clone());
    }
}

/// What the batch reads return: each stored item once, as DynamoDB's BatchGetItem does.
fn pick<V: Clone>(
    ws: WorkspaceId,
    ids: &[ResourceId],
    get: impl Fn(&(WorkspaceId, ResourceId)) -> Option<V>,
) -> Vec<V> {
    let mut seen = HashSet::new();
    ids.iter()
        .filter(|id| seen.insert(*id))
        .filter_map(|id| get(&(ws, id.clone())))
        .collect()
}

#[async_trait]
impl AccessStore for MemoryStore {
    async fn get_credential(&self, id: &ClientId) -> StoreResult<Option<Credential>> {
        let found = self.lock().credentials.get(id).cloned();
        Ok(self.found(found))
    }

    async fn get_workspace(&self, ws: WorkspaceId) -> StoreResult<Option<Workspace>> {
        Ok(self.lock().workspaces.get(&ws).cloned())
    }

    async fn get_filters(&self, ws: WorkspaceId, ids: &[ResourceId]) -> StoreResult<Vec<Filter>> {
        let g = self.lock();
        Ok(self.counted(pick(ws, ids, |k| g.filters.get(k).cloned())))
    }

    async fn get_idempotency(&self, key: &IdemKey) -> StoreResult<Option<IdemRecord>> {
        Ok(self.lock().idempotency.get(key).cloned())
    }

    async fn remember_answer(&self, record: &IdemRecord) -> StoreResult<SaveOutcome> {
        let mut g = self.lock();
        if let Some(existing) = g.idempotency.get(&record.key)
            && existing.is_live(Timestamp::now())
        {
            return Ok(SaveOutcome::IdempotencyTaken(existing.clone()));
        }
        g.idempotency.insert(record.key.clone(), record.clone());
        Ok(SaveOutcome::Saved)
    }

    async fn hit_tallied(
        &self,
        key: &str,
        limit: u64,
        expires_at: Timestamp,
        tally: &str,
    ) -> StoreResult<RateHit> {
        // One lock: one call, as DynamoDB's one update.
        let mut g = self.lock();
        let hit = g.hit(key, limit, expires_at);
        let tallies = g.rate_tallies.entry(key.to_owned()).or_default();
        if hit.count == 1 && hit.allowed {
            // A new window (or one that expired and started over).
            tallies.clear();
        }
        if hit.allowed {
            *tallies.entry(tally.to_owned()).or_default() += 1;
        }
        Ok(hit)
    }

    async fn rate_usage(&self, keys: &[String]) -> StoreResult<Vec<RateUsage>> {
        let now = Timestamp::now();
        let g = self.lock();
        Ok(keys
            .iter()
            .filter_map(|k| {
                let (count, expires_at) = g.rate.get(k)?;
                (*expires_at > now).then(|| RateUsage {
                    key: k.clone(),
                    count: *count,
                    tallies: g.rate_tallies.get(k).cloned().unwrap_or_default(),
                })
            })
            .collect())
    }

    async fn token_attempt(&self, attempt: &TokenAttempt<'_>) -> StoreResult<AttemptOutcome> {
        // One lock for the count, one for the credential: two calls, as DynamoDB's read
        // beside its update.
        let credential = self.token_credential(attempt);
        let mut g = self.lock();
        let outcome = match g.token_count(attempt, Some(attempt.tag)) {
            None => AttemptOutcome::Counted { credential },
            Some(TokenRefusal::Limit) => AttemptOutcome::Exceeded,
            Some(TokenRefusal::Remembered { earlier }) => AttemptOutcome::Remembered {
                credential,
                earlier,
            },
        };
        Ok(outcome)
    }

    async fn count_token_attempt(&self, attempt: &TokenAttempt<'_>) -> StoreResult<bool> {
        Ok(self.lock().token_count(attempt, None).is_none())
    }

    async fn token_success(&self, attempt: &TokenAttempt<'_>) -> StoreResult<()> {
        let mut g = self.lock();
        let item = g.token_attempts.entry(attempt.key.to_owned()).or_default();
        if item.window == Some(attempt.window) {
            item.all = 0;
            item.by_ip.remove(attempt.ip);
        }
        item.tags.insert(attempt.tag.to_owned());
        Ok(())
    }

    async fn rate_count(&self, key: &str) -> StoreResult<u64> {
        let now = Timestamp::now();
        Ok(self
            .lock()
            .rate
            .get(key)
            .filter(|(_, expires_at)| *expires_at > now)
            .map_or(0, |(count, _)| *count))
    }

    async fn take_lease(
        &self,
        kind: LeaseKind,
        client: &ClientId,
        holder: &str,
        until: Timestamp,
    ) -> StoreResult<Option<LeaseSlot>> {
        let now = Timestamp::now();
        let mut g = self.lock();
        let taken = g.free_slot(kind, client, holder, now);
        self.count_tried(kind, taken);
        let Some(i) = taken else {
            return Ok(None);
        };
        g.hold_slot(kind, client, i, holder, until);
        Ok(Some(LeaseSlot(i)))
    }

    async fn drop_lease(
        &self,
        kind: LeaseKind,
        client: &ClientId,
        holder: &str,
        _: Option<LeaseSlot>,
    ) -> StoreResult<()> {
        if let Some(slots) = self.lock().leases.get_mut(&(kind, client.clone())) {
            for s in slots.iter_mut() {
                if s.as_ref().is_some_and(|(h, _)| h == holder) {
                    *s = None;
                }
            }
        }
        Ok(())
    }

    async fn published_keys(&self) -> StoreResult<Option<PublishedKeys>> {
        Ok(self.lock().published_keys.clone())
    }

    async fn put_published_keys(&self, keys: &PublishedKeys) -> StoreResult<()> {
        self.lock().published_keys = Some(keys.clone());
        Ok(())
    }

    async fn kill_switch(&self) -> StoreResult<bool> {
        Ok(self.lock().kill_switch)
    }

    async fn get_reach(
        &self,
        firm: &ResourceId,
        workspaces: &[WorkspaceId],
        filters: &[(WorkspaceId, ResourceId)],
    ) -> StoreResult<Reach> {
        let g = self.lock();
        let mut seen = HashSet::new();
        Ok(Reach {
            firm: g.firms.get(firm).cloned(),
            workspaces: workspaces
                .iter()
                .filter(|w| seen.insert(**w))
                .filter_map(|w| g.workspaces.get(w).cloned())
                .collect(),
            filters: filters
                .iter()
                .collect::<HashSet<_>>()
                .into_iter()
                .filter_map(|k| g.filters.get(k).cloned())
                .collect(),
        })
    }
}

#[async_trait]
impl ContentStore for MemoryStore {
    async fn list_tags(&self, ws: WorkspaceId) -> StoreResult<Vec<Tag>> {
        Ok(self
            .lock()
            .tags
            .iter()
            .filter(|((w, _), _)| *w == ws)
            .map(|(_, t)| t.clone())
            .collect())
    }

    async fn get_tags(&self, ws: WorkspaceId, ids: &[ResourceId]) -> StoreResult<Vec<Tag>> {
        let g = self.lock();
        Ok(self.counted(pick(ws, ids, |k| g.tags.get(k).cloned())))
    }

    async fn get_projects(&self, ws: WorkspaceId, ids: &[ResourceId]) -> StoreResult<Vec<Project>> {
        let g = self.lock();
        Ok(self.counted(pick(ws, ids, |k| g.projects.get(k).cloned())))
    }

    async fn get_detail(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<Option<DetailRecord>> {
        let found = self.lock().details.get(&(ws, id.clone())).cloned();
        Ok(self.found(found))
    }

    async fn get_details(&self, ws: WorkspaceId, ids: &[ResourceId]) -> StoreResult<Vec<Detail>> {
        let g = self.lock();
        Ok(self.counted(pick(ws, ids, |k| {
            g.details.get(k).map(|r| r.detail.clone())
        })))
    }

    async fn query_details(
        &self,
        ws: WorkspaceId,
        list: &SearchList,
        after: Option<&str>,
        max: usize,
    ) -> StoreResult<Slice<Detail>> {
        Ok(self.query_list(ws, list, after, max, |g, k| {
            g.details.get(k).map(|r| r.detail.clone())
        }))
    }

    async fn get_detail_with_workspace(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<(Option<DetailRecord>, Option<Workspace>)> {
        Ok(self.beside_workspace(ws, |g| g.details.get(&(ws, id.clone())).cloned()))
    }

    async fn get_family_with_workspace(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<(Option<FamilyRecord>, Option<Workspace>)> {
        Ok(self.beside_workspace(ws, |g| g.families.get(&(ws, id.clone())).cloned()))
    }

    async fn get_family(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<Option<FamilyRecord>> {
        let found = self.lock().families.get(&(ws, id.clone())).cloned();
        Ok(self.found(found))
    }

    async fn get_families(&self, ws: WorkspaceId, ids: &[ResourceId]) -> StoreResult<Vec<Family>> {
        let g = self.lock();
        Ok(self.counted(pick(ws, ids, |k| {
            g.families.get(k).map(|r| r.family.clone())
        })))
    }

    async fn query_families(
        &self,
        ws: WorkspaceId,
        list: &SearchList,
        after: Option<&str>,
        max: usize,
    ) -> StoreResult<Slice<Family>> {
        Ok(self.query_list(ws, list, after, max, |g, k| {
            g.families.get(k).map(|r| r.family.clone())
        }))
    }

    async fn list_sizes(
        &self,
        ws: WorkspaceId,
        listed: Listed,
        lists: &[SearchList],
    ) -> StoreResult<Vec<u64>> {
        let g = self.lock();
        let sizes: Vec<u64> = lists
            .iter()
            .map(|l| {
                g.lists
                    .get(&keys::search_list(listed, ws, l))
                    .map_or(0, |m| m.len() as u64)
            })
            .collect();
        self.read(sizes.iter().filter(|n| **n > 0).count());
        Ok(sizes)
    }

    async fn query_projects(
        &self,
        ws: WorkspaceId,
        after: Option<&str>,
        max: usize,
    ) -> StoreResult<Slice<Project>> {
        let g = self.lock();
        Ok(self.counted_slice(keyed_page(
            g.project_order.get(&ws),
            after,
            max,
            |id| g.projects.get(&(ws, id.clone())).cloned(),
            |_| true,
        )))
    }

    async fn query_family_references(
        &self,
        ws: WorkspaceId,
        family: &ResourceId,
        after: Option<&str>,
        max: usize,
    ) -> StoreResult<Slice<ReferenceEntry>> {
        use std::ops::Bound;
        let g = self.lock();
        let Some(list) = g.references.get(&(ws, family.clone())) else {
            return Ok(Slice::default());
        };
        let start = match after {
            Some(k) => Bound::Excluded(k.to_owned()),
            None => Bound::Unbounded,
        };
        let entries = list
            .range((start, Bound::Unbounded))
            .map(|(k, e)| (k.clone(), e.clone()));
        let mut page = self.counted_slice(page_of(entries, max));
        // An entry a stepped stash write left unverified shows only if the stash as stored
        // holds it (as the DynamoDB store checks it).
        page.items.retain(|(_, e)| {
            !e.unverified
                || g.stashes
                    .get(&(ws, e.id.clone()))
                    .is_some_and(|r| e.holds(&r.stash))
        });
        Ok(page)
    }

    async fn get_family_group(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<Option<FamilyGroup>> {
        Ok(self.lock().family_groups.get(&(ws, id.clone())).cloned())
    }

    async fn get_family_version(
        &self,
        ws: WorkspaceId,
        family: &ResourceId,
        version: u64,
    ) -> StoreResult<Option<FamilyVersionRecord>> {
        Ok(self
            .lock()
            .family_versions
            .get(&(ws, family.clone(), version))
            .cloned())
    }

    async fn list_family_versions(
        &self,
        ws: WorkspaceId,
        family: &ResourceId,
        before: Option<u64>,
        max: usize,
    ) -> StoreResult<VersionPage> {
        let g = self.lock();
        let end = before.unwrap_or(u64::MAX);
        let mut older = g
            .family_versions
            .range((ws, family.clone(), 0)..(ws, family.clone(), end))
            .rev()
            .map(|(_, v)| v.clone());
        let versions: Vec<_> = older.by_ref().take(max).collect();
        Ok(VersionPage {
            versions,
            more: older.next().is_some(),
        })
    }
}

#[async_trait]
impl StashStore for MemoryStore {
    async fn delete_stash(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
        expected: u64,
        events: &[EventRecord],
    ) -> StoreResult<SaveOutcome> {
        let key = (ws, id.clone());
        let current = {
            let mut g = self.lock();
            let current = match g.stashes.get(&key) {
                Some(r) if r.version == expected => r.clone(),
                Some(_) => return Ok(SaveOutcome::VersionMismatch),
                None => {
                    // A delete in steps that stopped half-way: finish it from its journal.
                    let pending = g.stash_delete_journal.get(&key).cloned();
                    drop(g);
                    return match pending {
                        Some(j) if j.version == expected => {
                            self.finish_stash_delete(&j);
                            Ok(SaveOutcome::Saved)
                        }
                        _ => Ok(SaveOutcome::VersionMismatch),
                    };
                }
            };
            let entries = ReferenceEntry::of_stash(&current.stash);
            // The stash, its three listing copies, a journal left by an earlier delete and
            // its entries: DynamoDB's transaction.
            if 5 + event_actions(events) + entries.len() <= self.transaction_items {
                g.remove_stash(&key);
                g.stash_delete_journal.remove(&key);
                g.change_references(ws, &entries, &[]);
                g.append_events(events);
                return Ok(SaveOutcome::Saved);
            }
            // In the DynamoDB store's steps: the journal and the marked entries, the stash
            // gone, the entries gone, the journal gone.
            g.stash_delete_journal.insert(key.clone(), current.clone());
            g.mark_unverified(ws, &entries);
            current
        };
        self.stop.check("journaled")?;
        {
            let mut g = self.lock();
            if g.stashes.get(&key).map(|r| r.version) != Some(expected) {
                return Ok(SaveOutcome::VersionMismatch);
            }
            g.remove_stash(&key);
            g.append_events(events);
        }
        self.stop.check("unlinked")?;
        self.finish_stash_delete(&current);
        Ok(SaveOutcome::Saved)
    }

    async fn pending_stash_delete(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<Option<StashRecord>> {
        Ok(self
            .lock()
            .stash_delete_journal
            .get(&(ws, id.clone()))
            .cloned())
    }

    async fn get_stash(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<Option<StashRecord>> {
        Ok(self.lock().stashes.get(&(ws, id.clone())).cloned())
    }

    async fn save_stash(&self, write: &StashWrite) -> StoreResult<SaveOutcome> {
        let mut g = self.lock();
        let st = &write.record.stash;
        let old = g
            .stashes
            .get(&(st.workspace_id, st.id.clone()))
            .filter(|r| Some(r.version) == write.expected_version)
            .map(|r| ReferenceEntry::of_stash(&r.stash))
            .unwrap_or_default();
        let changes = ReferenceChanges::between(&old, &ReferenceEntry::of_stash(st));
        // What DynamoDB's transaction would hold: the stash, its idempotency record, its
        // three listing copies and the reference changes.
        let items = 4
            + usize::from(write.idempotency.is_some())
            + event_actions(&write.events)
            + changes.len();
        if items > self.transaction_items {
            drop(g);
            return self.save_stash_in_steps(write, changes);
        }
        Ok(g.commit_stash(write, true))
    }

    async fn query_stashes(
        &self,
        ws: WorkspaceId,
        index: &StashIndex,
        after: Option<&str>,
        max: usize,
    ) -> StoreResult<Slice<Stash>> {
        let g = self.lock();
        Ok(self.counted_slice(keyed_page(
            g.stash_order.get(&ws),
            after,
            max,
            |id| g.stashes.get(&(ws, id.clone())).map(|r| r.stash.clone()),
            |s| index.contains(s),
        )))
    }
}

#[async_trait]
impl EventStore for MemoryStore {
    async fn query_events(
        &self,
        ws: WorkspaceId,
        after: u64,
        max: usize,
    ) -> StoreResult<Vec<EventRecord>> {
        let g = self.lock();
        let page: Vec<EventRecord> = g
            .events
            .get(&ws)
            .map(|feed| {
                feed.range(after.saturating_add(1)..)
                    .take(max)
                    .map(|(_, e)| e.clone())
                    .collect()
            })
            .unwrap_or_default();
        Ok(self.counted(page))
    }

    async fn last_event_sequence(&self, ws: WorkspaceId) -> StoreResult<u64> {
        Ok(self
            .lock()
            .events
            .get(&ws)
            .and_then(|feed| feed.last_key_value().map(|(n, _)| *n))
            .unwrap_or(0))
    }

    async fn append_events(&self, events: &[EventRecord]) -> StoreResult<()> {
        self.lock().append_events(events);
        Ok(())
    }
}

#[async_trait]
impl FlagStore for MemoryStore {
    async fn save_flag(&self, write: &FlagWrite) -> StoreResult<SaveOutcome> {
        let mut g = self.lock();
        let now = Timestamp::now();
        if let Some(idem) = &write.idempotency
            && let Some(existing) = g.idempotency.get(&idem.key)
            && existing.is_live(now)
        {
            return Ok(SaveOutcome::IdempotencyTaken(existing.clone()));
        }
        let detail = (write.workspace_id, write.record.flag.detail_id.clone());
        let current = g
            .flags
            .get(&detail)
            .and_then(|f| f.get(&write.record.flag.id))
            .map(|f| f.version);
        if current != write.expected_version {
            return Ok(SaveOutcome::VersionMismatch);
        }
        let (ws, id) = (write.workspace_id, &write.record.flag.detail_id);
        let open = g.open_count(ws, id);
        if write.open_flags == OpenFlagsChange::Opened
            && write.open_limit.is_some_and(|limit| open >= limit)
        {
            return Ok(SaveOutcome::LimitReached);
        }
        g.flags
            .entry(detail.clone())
            .or_default()
            .insert(write.record.flag.id.clone(), write.record.clone());
        let counts = g.open_flags.entry(ws).or_default();
        let count = counts.entry(id.clone()).or_default();
        *count = count.saturating_add_signed(write.open_flags.delta());
        // As the DynamoDB store deletes a count back at zero: the workspace's counts hold
        // only details with open flags. That store tries it after every flag closed, in a
        // call of its own, counted here as one too.
        if *count == 0 {
            counts.remove(id);
        }
        if write.open_flags.delta() < 0 {
            self.calls.fetch_add(1, Ordering::Relaxed);
        }
        if let Some(idem) = &write.idempotency {
            g.idempotency.insert(idem.key.clone(), idem.clone());
        }
        g.append_events(&write.events);
        Ok(SaveOutcome::Saved)
    }

    async fn get_flag(
        &self,
        ws: WorkspaceId,
        detail: &ResourceId,
        flag: &ResourceId,
    ) -> StoreResult<Option<FlagRecord>> {
        Ok(self
            .lock()
            .flags
            .get(&(ws, detail.clone()))
            .and_then(|f| f.get(flag))
            .cloned())
    }

    async fn query_flags(
        &self,
        ws: WorkspaceId,
        detail: &ResourceId,
        after: Option<&str>,
        max: usize,
    ) -> StoreResult<Slice<FlagRecord>> {
        let g = self.lock();
        let Some(flags) = g.flags.get(&(ws, detail.clone())) else {
            return Ok(Slice::default());
        };
        let newest_first = flags
            .iter()
            .rev()
            .filter(|(id, _)| after.is_none_or(|a| id.as_str() < a));
        Ok(self.counted_slice(page_of(
            newest_first.map(|(id, f)| (id.to_string(), f.clone())),
            max,
        )))
    }

    async fn open_flag_counts(
        &self,
        ws: WorkspaceId,
        ids: &[ResourceId],
    ) -> StoreResult<HashMap<ResourceId, u64>> {
        let g = self.lock();
        Ok(ids
            .iter()
            .filter_map(|id| Some((id.clone(), *g.open_flags.get(&ws)?.get(id)?)))
            .collect())
    }

    async fn open_flags_in(&self, ws: WorkspaceId, max: usize) -> StoreResult<OpenFlagIndex> {
        let g = self.lock();
        let ordered = g.open_flags.get(&ws).into_iter().flatten();
        let slice = self.counted_slice(page_of(
            ordered.map(|(id, n)| (id.to_string(), (id.clone(), *n))),
            max,
        ));
        let last = slice
            .last_key
            .and_then(|_| slice.items.last().map(|(_, (id, _))| id.clone()));
        Ok(OpenFlagIndex {
            counts: slice.items.into_iter().map(|(_, count)| count).collect(),
            last,
        })
    }

    async fn get_detail_counted(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<Option<DetailRecord>> {
        let key = (ws, id.clone());
        let found = {
            let g = self.lock();
            g.details.get(&key).cloned().map(|mut r| {
                r.detail.open_flags = g.open_count(ws, id);
                r
            })
        };
        Ok(self.found(found))
    }
}

#[async_trait]
impl JobStore for MemoryStore {
    async fn create_job(
        &self,
        job: &JobRecord,
        idempotency: Option<&IdemRecord>,
    ) -> StoreResult<SaveOutcome> {
        let mut g = self.lock();
        Ok(match g.refused_job(job, idempotency) {
            Some(refused) => refused,
            None => g.insert_job(job, idempotency),
        })
    }

    async fn create_job_holding(
        &self,
        job: &JobRecord,
        idempotency: Option<&IdemRecord>,
        lease: &LeaseClaim<'_>,
    ) -> StoreResult<SaveOutcome> {
        let mut g = self.lock();
        let holder = job.id.as_str();
        let slot = g.free_slot(lease.kind, lease.client, holder, Timestamp::now());
        if let Some(refused) = g.refused_job(job, idempotency) {
            // DynamoDB's first transaction fails on the job or the key, whatever the slots.
            return Ok(refused);
        }
        self.count_tried(lease.kind, slot);
        let Some(i) = slot else {
            return Ok(SaveOutcome::LimitReached);
        };
        g.hold_slot(lease.kind, lease.client, i, holder, lease.until);
        Ok(g.insert_job(job, idempotency))
    }

    async fn get_job(&self, ws: WorkspaceId, id: &ResourceId) -> StoreResult<Option<JobRecord>> {
        let now = Timestamp::now();
        Ok(self
            .lock()
            .jobs
            .get(&(ws, id.clone()))
            .filter(|j| !j.is_past_ttl(now))
            .cloned())
    }

    async fn get_job_with_workspace(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<(Option<JobRecord>, Option<Workspace>)> {
        let now = Timestamp::now();
        let g = self.lock();
        let job = g
            .jobs
            .get(&(ws, id.clone()))
            .filter(|j| !j.is_past_ttl(now))
            .cloned();
        Ok((job, g.workspaces.get(&ws).cloned()))
    }

    async fn update_job(
        &self,
        job: &JobRecord,
        expected: u64,
        events: &[EventRecord],
    ) -> StoreResult<bool> {
        let mut g = self.lock();
        let key = (job.workspace_id, job.id.clone());
        match g.jobs.get(&key) {
            Some(current) if current.revision == expected => {
                g.jobs.insert(key, job.clone());
                g.append_events(events);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn commit_family_version(&self, commit: &VersionCommit) -> StoreResult<CommitOutcome> {
        let mut g = self.lock();
        let ws = commit.family.family.workspace_id;
        let job_key = (commit.job.workspace_id, commit.job.id.clone());
        if g.jobs.get(&job_key).map(|j| j.revision) != Some(commit.expected_job_revision) {
            return Ok(CommitOutcome::JobMoved);
        }
        let family_key = (ws, commit.family.family.id.clone());
        let stored = g.families.get(&family_key).map(|f| f.family.version);
        if stored != commit.expected_family_version {
            return Ok(CommitOutcome::FamilyMoved);
        }
        let Inner {
            families, lists, ..
        } = &mut *g;
        relist(
            lists,
            families.get(&family_key).map(|o| &o.family),
            &commit.family.family,
        );
        families.insert(family_key, commit.family.clone());
        let v = &commit.version;
        g.family_versions
            .insert((ws, v.family_id.clone(), v.version.version), v.clone());
        g.jobs.insert(job_key, commit.job.clone());
        g.append_events(&commit.events);
        Ok(CommitOutcome::Committed)
    }

    /// The lists move with the commit, under the same lock: nothing is ever left over.
    async fn settle_family_lists(&self, _: WorkspaceId, _: &ResourceId) -> StoreResult<bool> {
        Ok(false)
    }
}

impl Metered for MemoryStore {
    fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    fn items_read(&self) -> u64 {
        self.items_read.load(Ordering::Relaxed)
    }
}

/// The first `max` of `items`, and the last key read when more follow.
fn page_of<T>(items: impl Iterator<Item = (String, T)>, max: usize) -> Slice<T> {
    let mut page = Slice::default();
    for item in items {
        if page.items.len() == max {
            page.last_key = page.items.last().map(|(k, _)| k.clone());
            break;
        }
        page.items.push(item);
    }
    page
}

#[async_trait]
impl AdminStore for MemoryStore {
    async fn get_firm(&self, id: &ResourceId) -> StoreResult<Option<Firm>> {
        Ok(self.lock().firms.get(id).cloned())
    }

    async fn put_credential(&self, c: &Credential) -> StoreResult<()> {
        self.lock()
            .credentials
            .insert(c.client_id.clone(), c.clone());
        Ok(())
    }

    async fn replace_credential(
        &self,
        c: &Credential,
        expected: u64,
        events: &[EventRecord],
    ) -> StoreResult<bool> {
        let mut g = self.lock();
        match g.credentials.get_mut(&c.client_id) {
            Some(stored) if stored.version == expected => {
                *stored = c.clone();
                g.append_events(events);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn insert_credential(&self, c: &Credential) -> StoreResult<bool> {
        match self.lock().credentials.entry(c.client_id.clone()) {
            Entry::Occupied(_) => Ok(false),
            Entry::Vacant(v) => {
                v.insert(c.clone());
                Ok(true)
            }
        }
    }

    async fn list_workspaces(&self) -> StoreResult<Vec<Workspace>> {
        Ok(self.lock().workspaces.values().cloned().collect())
    }

    async fn list_credentials(&self) -> StoreResult<Vec<Credential>> {
        Ok(self.lock().credentials.values().cloned().collect())
    }

    async fn list_filters(&self, ws: WorkspaceId) -> StoreResult<Vec<Filter>> {
        Ok(self
            .lock()
            .filters
            .values()
            .filter(|f| f.workspace_id == ws)
            .cloned()
            .collect())
    }

    async fn delete_filter(&self, ws: WorkspaceId, id: &ResourceId) -> StoreResult<bool> {
        Ok(self.lock().filters.remove(&(ws, id.clone())).is_some())
    }

    async fn set_kill_switch(&self, on: bool) -> StoreResult<()> {
        self.lock().kill_switch = on;
        Ok(())
    }

    async fn delete_detail(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
        events: &[EventRecord],
    ) -> StoreResult<bool> {
        let mut g = self.lock();
        let key = (ws, id.clone());
        let Some(record) = g.details.remove(&key) else {
            return Ok(false);
        };
        unlist(&mut g.lists, &record.detail);
        g.flags.remove(&key);
        if let Some(counts) = g.open_flags.get_mut(&ws) {
            counts.remove(id);
        }
        g.change_references(ws, &ReferenceEntry::of_detail(&record), &[]);
        g.append_events(events);
        Ok(true)
    }

    async fn delete_family(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
        events: &[EventRecord],
    ) -> StoreResult<bool> {
        let mut g = self.lock();
        let key = (ws, id.clone());
        let Some(record) = g.families.remove(&key) else {
            return Ok(false);
        };
        unlist(&mut g.lists, &record.family);
        g.family_versions
            .retain(|(w, f, _), _| !(*w == ws && f == id));
        g.references.remove(&key);
        g.append_events(events);
        Ok(true)
    }

    async fn put_items(&self, items: &[Item]) -> StoreResult<()> {
        let mut g = self.lock();
        for item in items {
            match item.clone() {
                Item::Firm(f) => {
                    g.firms.insert(f.id.clone(), f);
                }
                Item::Workspace(w) => {
                    g.workspaces.insert(w.id, w);
                }
                Item::Project(p) => {
                    let key = (p.workspace_id, p.id.clone());
                    let old = g.projects.get(&key).map(project_sort_key);
                    reorder(
                        &mut g.project_order,
                        key.0,
                        old,
                        project_sort_key(&p),
                        &p.id,
                    );
                    g.projects.insert(key, p);
                }
                Item::Tag(t) => {
                    g.tags.insert((t.workspace_id, t.id.clone()), t);
                }
                Item::Detail(d) => {
                    let ws = d.detail.workspace_id;
                    let key = (ws, d.detail.id.clone());
                    let old_refs = g
                        .details
                        .get(&key)
                        .map(ReferenceEntry::of_detail)
                        .unwrap_or_default();
                    g.change_references(ws, &old_refs, &ReferenceEntry::of_detail(&d));
                    let Inner { details, lists, .. } = &mut *g;
                    relist(lists, details.get(&key).map(|o| &o.detail), &d.detail);
                    details.insert(key, d);
                }
                Item::Family(f) => {
                    // As DynamoDB's import: version 1's entry only.
                    if f.family.version == 1 {
                        let v = f.current_version(None, None);
                        g.family_versions
                            .insert((v.workspace_id, v.family_id.clone(), v.version.version), v);
                    }
                    let key = (f.family.workspace_id, f.family.id.clone());
                    let Inner {
                        families, lists, ..
                    } = &mut *g;
                    relist(lists, families.get(&key).map(|o| &o.family), &f.family);
                    families.insert(key, f);
                }
                Item::Stash(s) => {
                    let key = (s.stash.workspace_id, s.stash.id.clone());
                    let old = g.stashes.get(&key).map(|r| stash_sort_key(&r.stash));
                    reorder(
                        &mut g.stash_order,
                        key.0,
                        old,
                        stash_sort_key(&s.stash),
                        &key.1,
                    );
                    let old_refs = g
                        .stashes
                        .get(&key)
                        .map(|o| ReferenceEntry::of_stash(&o.stash))
                        .unwrap_or_default();
                    g.change_references(key.0, &old_refs, &ReferenceEntry::of_stash(&s.stash));
                    g.stashes.insert(key, s);
                }
                Item::FamilyGroup(x) => {
                    g.family_groups.insert((x.workspace_id, x.id.clone()), x);
                }
                Item::Filter(f) => {
                    g.filters.insert((f.workspace_id, f.id.clone()), f);
                }
                Item::Credential(c) => {
                    g.credentials.insert(c.client_id.clone(), c);
                }
            }
        }
        Ok(())
    }
}
