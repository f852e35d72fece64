//! Operator changes to a credential (revoke, regenerate, roll, grant changes): read it,
//! change it, and write it back only if nobody wrote it in between; otherwise read it again
//! and redo the change. Concurrent operators never undo each other's writes.

use super::{AdminStore, StoreError};
use pirros_domain::events::{
    Actor, Change, EventObject, EventRecord, EventType, Facets, ObjectType,
};
use pirros_domain::grants::FilterId;
use pirros_domain::ids::{ClientId, ResourceId, WorkspaceId};
use pirros_domain::model::Credential;
use rand::Rng;
use std::time::Duration;

/// Enough for dozens of operators writing one credential at once.
pub const MAX_ATTEMPTS: u32 = 200;

#[derive(Debug, thiserror::Error)]
pub enum UpdateError<E: std::fmt::Display> {
    #[error("no credential {0:?}")]
    NotFound(String),
    /// The change itself refused (a grant to remove that is not there, say).
    #[error("{0}")]
    Refused(E),
    #[error("the credential kept changing under {0} attempts; try again")]
    Contended(u32),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Applies `change` to the stored credential `id` as one conditional write on its version,
/// retried with jittered backoff while other writes get in first. Returns what was written
/// and what `change` returned.
pub async fn update<T, E: std::fmt::Display>(
    store: &dyn AdminStore,
    id: &ClientId,
    mut change: impl FnMut(&mut Credential) -> Result<T, E>,
) -> Result<(Credential, T), UpdateError<E>> {
    for attempt in 0..MAX_ATTEMPTS {
        let current = store
            .get_credential(id)
            .await?
            .ok_or_else(|| UpdateError::NotFound(id.to_string()))?;
        let mut next = current.clone();
        let out = change(&mut next).map_err(UpdateError::Refused)?;
        next.version = current.version + 1;
        let events = access_changed(&current, &next);
        if store
            .replace_credential(&next, current.version, &events)
            .await?
        {
            return Ok((next, out));
        }
        // Full jitter: racing writers spread out instead of colliding again in step.
        let cap_ms = 5u64 << attempt.min(4);
        let wait = rand::rng().random_range(1..=cap_ms);
        tokio::time::sleep(Duration::from_millis(wait)).await;
    }
    Err(UpdateError::Contended(MAX_ATTEMPTS))
}

/// One `access.changed` event in each workspace where the credential held a grant before
/// or after the change, when anything but its version changed: only the credential itself
/// sees it (its copy must be rebuilt).
pub fn access_changed(before: &Credential, after: &Credential) -> Vec<EventRecord> {
    let mut unchanged = after.clone();
    unchanged.version = before.version;
    if unchanged == *before {
        return Vec::new();
    }
    let mut wss: Vec<WorkspaceId> = before
        .grants
        .iter()
        .chain(&after.grants)
        .map(|g| g.workspace_id)
        .collect();
    wss.sort();
    wss.dedup();
    wss.into_iter()
        .map(|ws| access_changed_in(ws, &after.client_id))
        .collect()
}

/// The `access.changed` event of credential `client` in `ws`, shown to it only.
fn access_changed_in(ws: WorkspaceId, client: &ClientId) -> EventRecord {
    let owner = Facets::Owner {
        client_id: client.to_string(),
    };
    EventRecord::new(
        ws,
        EventType::new(ObjectType::Credential, Change::AccessChanged),
        EventObject {
            kind: ObjectType::Credential,
            id: client.to_string(),
            detail_id: None,
            version: None,
        },
        Actor::admin(),
        Some(owner.clone()),
        Some(owner),
    )
}

/// One `access.changed` event for each credential holding a grant on one of `filters`
/// (custom filters, each of its workspace) in that workspace, once their match just
/// changed or they went: what those grants show changed without any change to the
/// credentials, and the feed is read through the filters as they are now, so each must
/// rebuild its copy.
pub async fn filters_changed(
    store: &dyn AdminStore,
    filters: &[(WorkspaceId, ResourceId)],
) -> Result<Vec<EventRecord>, StoreError> {
    if filters.is_empty() {
        return Ok(Vec::new());
    }
    let mut told: Vec<(WorkspaceId, ClientId)> = Vec::new();
    for c in store.list_credentials().await? {
        for g in &c.grants {
            let FilterId::Custom(f) = &g.filter_id else {
                continue;
            };
            if filters.contains(&(g.workspace_id, f.clone())) {
                told.push((g.workspace_id, c.client_id.clone()));
            }
        }
    }
    told.sort();
    told.dedup();
    Ok(told
        .iter()
        .map(|(ws, client)| access_changed_in(*ws, client))
        .collect())
}
