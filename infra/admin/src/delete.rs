//! `pirros-admin delete detail|family|stash ID`: one resource out of everything that held
//! it (stashes, groups, the details that place a family), each holder written at a new
//! version with its event, then the resource itself with its `*.removed` event. Holders
//! go first, so a delete that stops half-way leaves the resource whole and the next run
//! finishes it.

use anyhow::{Context, bail};
use pirros_domain::events::{Actor, resource_event};
use pirros_domain::ids::{ResourceId, WorkspaceId};
use pirros_domain::model::{ItemIds, StashRecord};
use pirros_domain::references::ReferenceType;
use pirros_domain::timestamp::Timestamp;
use pirros_store::dynamo::DynamoStore;
use pirros_store::{
    AdminStore, ContentStore, Item, SaveOutcome, StashIndex, StashStore, StashWrite,
};
use serde_json::{Value, json};
use std::future::Future;

/// What a delete removed and what it changed, as the command prints it.
pub struct Deleted {
    pub kind: &'static str,
    pub id: ResourceId,
    pub ws: WorkspaceId,
    pub changed: Vec<Value>,
}

impl Deleted {
    pub fn json(&self) -> Value {
        json!({
            "deleted": {"type": self.kind, "id": self.id.as_str(), "workspace_id": self.ws.to_string()},
            "changed": self.changed,
        })
    }
}

/// The one workspace where `find` finds `id` (`--workspace` names it when several do).
pub async fn locate<T, F, Fut>(
    store: &DynamoStore,
    kind: &str,
    id: &ResourceId,
    named: Option<WorkspaceId>,
    find: F,
) -> anyhow::Result<(WorkspaceId, T)>
where
    F: Fn(WorkspaceId) -> Fut,
    Fut: Future<Output = anyhow::Result<Option<T>>>,
{
    let workspaces: Vec<WorkspaceId> = match named {
        Some(w) => vec![w],
        None => store
            .list_workspaces()
            .await?
            .iter()
            .map(|w| w.id)
            .collect(),
    };
    let mut found = Vec::new();
    for ws in workspaces {
        found.extend(find(ws).await?.map(|r| (ws, r)));
    }
    match found.len() {
        0 => bail!("no {kind} {:?}", id.as_str()),
        1 => Ok(found.remove(0)),
        n => bail!(
            "{kind} {:?} is in {n} workspaces ({}); name one with --workspace",
            id.as_str(),
            found
                .iter()
                .map(|(ws, _)| ws.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Deletes the stash at the version read, reading again when a writer came first.
pub async fn stash(
    store: &DynamoStore,
    ws: WorkspaceId,
    id: &ResourceId,
    mut record: StashRecord,
) -> anyhow::Result<Deleted> {
    for _ in 0..5 {
        let events: Vec<_> = resource_event(Some(&record.stash), None, Actor::admin())
            .into_iter()
            .collect();
        if store.delete_stash(ws, id, record.version, &events).await? == SaveOutcome::Saved {
            return Ok(Deleted {
                kind: "stash",
                id: id.clone(),
                ws,
                changed: Vec::new(),
            });
        }
        record = match store.get_stash(ws, id).await? {
            Some(r) => r,
            None => bail!("stash {:?} was deleted meanwhile", id.as_str()),
        };
    }
    bail!("stash {:?} keeps changing; try again", id.as_str())
}

/// Takes what `drop` removes out of stash `id`, at a new version with its event; `None`
/// when the stash holds none of it (or is gone).
async fn drop_from_stash(
    store: &DynamoStore,
    ws: WorkspaceId,
    id: &ResourceId,
    drop: impl Fn(&mut ItemIds) -> bool,
) -> anyhow::Result<Option<Value>> {
    for _ in 0..5 {
        let Some(current) = store.get_stash(ws, id).await? else {
            return Ok(None);
        };
        let mut next = current.clone();
        if !drop(&mut next.stash.item_ids) {
            return Ok(None);
        }
        next.stash.updated_at = Timestamp::now().max(current.stash.updated_at);
        next.version = current.version + 1;
        let events = resource_event(Some(&current.stash), Some(&next.stash), Actor::admin())
            .into_iter()
            .collect();
        let write = StashWrite {
            record: next.clone(),
            expected_version: Some(current.version),
            idempotency: None,
            events,
        };
        if store.save_stash(&write).await? == SaveOutcome::Saved {
            return Ok(Some(
                json!({"type": "stash", "id": id.as_str(), "version": next.version}),
            ));
        }
    }
    bail!("stash {:?} keeps changing; try again", id.as_str())
}

fn without(ids: &mut Vec<ResourceId>, id: &ResourceId) -> bool {
    let before = ids.len();
    ids.retain(|i| i != id);
    ids.len() != before
}

/// Deletes detail `id` of `ws`: out of every stash of the workspace that holds it (they
/// are read a page at a time; nothing indexes stashes by detail), then the detail.
pub async fn detail(
    store: &DynamoStore,
    ws: WorkspaceId,
    id: &ResourceId,
) -> anyhow::Result<Deleted> {
    let Some(record) = store.get_detail(ws, id).await? else {
        bail!("no detail {:?}", id.as_str());
    };
    let mut holders = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store
            .query_stashes(ws, &StashIndex::All, after.as_deref(), 1000)
            .await?;
        holders.extend(
            page.items
                .iter()
                .filter(|(_, s)| s.item_ids.detail_ids.contains(id))
                .map(|(_, s)| s.id.clone()),
        );
        match page.last_key {
            Some(k) => after = Some(k),
            None => break,
        }
    }
    let mut changed = Vec::new();
    for stash in holders {
        changed.extend(
            drop_from_stash(store, ws, &stash, |ids| without(&mut ids.detail_ids, id)).await?,
        );
    }
    let events: Vec<_> = resource_event(Some(&record.detail), None, Actor::admin())
        .into_iter()
        .collect();
    if !store.delete_detail(ws, id, &events).await? {
        bail!("detail {:?} was deleted meanwhile", id.as_str());
    }
    Ok(Deleted {
        kind: "detail",
        id: id.clone(),
        ws,
        changed,
    })
}

/// Deletes family `id` of `ws`: out of the stashes that hold it and the details that
/// place it (its references say which), out of its group, then the family.
pub async fn family(
    store: &DynamoStore,
    ws: WorkspaceId,
    id: &ResourceId,
) -> anyhow::Result<Deleted> {
    let Some(record) = store.get_family(ws, id).await? else {
        bail!("no family {:?}", id.as_str());
    };
    let mut uses = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store
            .query_family_references(ws, id, after.as_deref(), 1000)
            .await?;
        uses.extend(page.items.into_iter().map(|(_, e)| (e.kind, e.id)));
        match page.last_key {
            Some(k) => after = Some(k),
            None => break,
        }
    }
    let mut changed = Vec::new();
    for (kind, holder) in uses {
        match kind {
            ReferenceType::Stash => changed.extend(
                drop_from_stash(store, ws, &holder, |ids| without(&mut ids.family_ids, id)).await?,
            ),
            ReferenceType::Detail => {
                if let Some(mut d) = store.get_detail(ws, &holder).await?
                    && without(&mut d.family_ids, id)
                {
                    store.put_items(&[Item::Detail(d)]).await?;
                    changed.push(json!({"type": "detail", "id": holder.as_str()}));
                }
            }
        }
    }
    if let Some(group) = &record.family.group_id
        && let Some(mut g) = store.get_family_group(ws, group).await?
        && without(&mut g.family_ids, id)
    {
        store.put_items(&[Item::FamilyGroup(g)]).await?;
        changed.push(json!({"type": "group", "id": group.as_str()}));
    }
    let events: Vec<_> = resource_event(Some(&record.family), None, Actor::admin())
        .into_iter()
        .collect();
    if !store.delete_family(ws, id, &events).await? {
        bail!("family {:?} was deleted meanwhile", id.as_str());
    }
    Ok(Deleted {
        kind: "family",
        id: id.clone(),
        ws,
        changed,
    })
}

/// Parses the id a delete names.
pub fn id(kind: &str, s: &str) -> anyhow::Result<ResourceId> {
    ResourceId::parse(s).with_context(|| format!("{s:?} is not a {kind} id"))
}
