//! The embedded store: everything in one process, behind one lock, with the same
//! atomicity the DynamoDB store gets from conditional writes and transactions.

use super::*;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Default)]
struct Inner {
    credentials: HashMap<ClientId, Credential>,
    firms: HashMap<ResourceId, Firm>,
    workspaces: HashMap<WorkspaceId, Workspace>,
    projects: HashMap<(WorkspaceId, ResourceId), Project>,
    filters: BTreeMap<(WorkspaceId, ResourceId), Filter>,
    tags: BTreeMap<(WorkspaceId, ResourceId), Tag>,
    details: HashMap<(WorkspaceId, ResourceId), DetailRecord>,
    /// Per workspace, details by search position (see `detail_sort_key`).
    detail_order: HashMap<WorkspaceId, BTreeMap<String, ResourceId>>,
    families: BTreeMap<(WorkspaceId, ResourceId), FamilyRecord>,
    stashes: HashMap<(WorkspaceId, ResourceId), StashRecord>,
    idempotency: HashMap<IdemKey, IdemRecord>,
    /// key → (count, expires_at)
    rate: HashMap<String, (u64, Timestamp)>,
    kill_switch: bool,
    published_keys: Option<PublishedKeys>,
}

#[derive(Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
    calls: AtomicU64,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        // A panic while holding the lock cannot leave a half-applied write (every write
        // below is applied after its checks), so a poisoned lock is still consistent.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
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
impl Store for MemoryStore {
    async fn get_credential(&self, id: &ClientId) -> StoreResult<Option<Credential>> {
        Ok(self.lock().credentials.get(id).cloned())
    }

    async fn get_workspace(&self, ws: WorkspaceId) -> StoreResult<Option<Workspace>> {
        Ok(self.lock().workspaces.get(&ws).cloned())
    }

    async fn get_filters(&self, ws: WorkspaceId, ids: &[ResourceId]) -> StoreResult<Vec<Filter>> {
        let g = self.lock();
        Ok(pick(ws, ids, |k| g.filters.get(k).cloned()))
    }

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
        Ok(pick(ws, ids, |k| g.tags.get(k).cloned()))
    }

    async fn get_projects(&self, ws: WorkspaceId, ids: &[ResourceId]) -> StoreResult<Vec<Project>> {
        let g = self.lock();
        Ok(pick(ws, ids, |k| g.projects.get(k).cloned()))
    }

    async fn get_detail(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<Option<DetailRecord>> {
        Ok(self.lock().details.get(&(ws, id.clone())).cloned())
    }

    async fn get_details(&self, ws: WorkspaceId, ids: &[ResourceId]) -> StoreResult<Vec<Detail>> {
        let g = self.lock();
        Ok(pick(ws, ids, |k| {
            g.details.get(k).map(|r| r.detail.clone())
        }))
    }

    async fn query_details(
        &self,
        ws: WorkspaceId,
        index: &DetailIndex,
        after: Option<&str>,
        max: usize,
    ) -> StoreResult<DetailPage> {
        use std::ops::Bound;
        let g = self.lock();
        let mut page = DetailPage::default();
        let Some(order) = g.detail_order.get(&ws) else {
            return Ok(page);
        };
        let start = match after {
            Some(k) => Bound::Excluded(k.to_owned()),
            None => Bound::Unbounded,
        };
        for (key, id) in order.range((start, Bound::Unbounded)) {
            let Some(rec) = g.details.get(&(ws, id.clone())) else {
                continue;
            };
            if !index.contains(&rec.detail) {
                continue;
            }
            if page.items.len() == max {
                page.last_key = page.items.last().map(|(k, _)| k.clone());
                break;
            }
            page.items.push((key.clone(), rec.detail.clone()));
        }
        Ok(page)
    }

    async fn get_family(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
    ) -> StoreResult<Option<FamilyRecord>> {
        Ok(self.lock().families.get(&(ws, id.clone())).cloned())
    }

    async fn get_families(&self, ws: WorkspaceId, ids: &[ResourceId]) -> StoreResult<Vec<Family>> {
        let g = self.lock();
        Ok(pick(ws, ids, |k| {
            g.families.get(k).map(|r| r.family.clone())
        }))
    }

    async fn list_families(&self, ws: WorkspaceId) -> StoreResult<Vec<Family>> {
        Ok(self
            .lock()
            .families
            .iter()
            .filter(|((w, _), _)| *w == ws)
            .map(|(_, r)| r.family.clone())
            .collect())
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
        let now = Timestamp::now();
        if let Some(idem) = &write.idempotency
            && let Some(existing) = g.idempotency.get(&idem.key)
            && existing.is_live(now)
        {
            return Ok(SaveOutcome::IdempotencyTaken(existing.clone()));
        }
        let key = (
            write.record.stash.workspace_id,
            write.record.stash.id.clone(),
        );
        let current = g.stashes.get(&key).map(|s| s.version);
        if current != write.expected_version {
            return Ok(SaveOutcome::VersionMismatch);
        }
        g.stashes.insert(key, write.record.clone());
        if let Some(idem) = &write.idempotency {
            g.idempotency.insert(idem.key.clone(), idem.clone());
        }
        Ok(SaveOutcome::Saved)
    }

    async fn get_idempotency(&self, key: &IdemKey) -> StoreResult<Option<IdemRecord>> {
        Ok(self.lock().idempotency.get(key).cloned())
    }

    async fn hit_rate_limit(
        &self,
        key: &str,
        limit: u64,
        expires_at: Timestamp,
    ) -> StoreResult<RateHit> {
        let mut g = self.lock();
        let now = Timestamp::now();
        let entry = g.rate.entry(key.to_owned()).or_insert((0, expires_at));
        if entry.1 <= now {
            *entry = (0, expires_at);
        }
        if entry.0 >= limit {
            return Ok(RateHit {
                allowed: false,
                count: entry.0,
            });
        }
        entry.0 += 1;
        Ok(RateHit {
            allowed: true,
            count: entry.0,
        })
    }

    async fn reset_rate_limit(&self, key: &str) -> StoreResult<()> {
        self.lock().rate.remove(key);
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

    fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }
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

    async fn replace_credential(&self, c: &Credential, expected: u64) -> StoreResult<bool> {
        let mut g = self.lock();
        match g.credentials.get_mut(&c.client_id) {
            Some(stored) if stored.version == expected => {
                *stored = c.clone();
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
                    g.projects.insert((p.workspace_id, p.id.clone()), p);
                }
                Item::Tag(t) => {
                    g.tags.insert((t.workspace_id, t.id.clone()), t);
                }
                Item::Detail(d) => {
                    let ws = d.detail.workspace_id;
                    let key = (ws, d.detail.id.clone());
                    if let Some(old) = g.details.get(&key) {
                        let old_key = detail_sort_key(&old.detail);
                        if let Some(o) = g.detail_order.get_mut(&ws) {
                            o.remove(&old_key);
                        }
                    }
                    g.detail_order
                        .entry(ws)
                        .or_default()
                        .insert(detail_sort_key(&d.detail), d.detail.id.clone());
                    g.details.insert(key, d);
                }
                Item::Family(f) => {
                    g.families
                        .insert((f.family.workspace_id, f.family.id.clone()), f);
                }
                Item::Stash(s) => {
                    g.stashes
                        .insert((s.stash.workspace_id, s.stash.id.clone()), s);
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
