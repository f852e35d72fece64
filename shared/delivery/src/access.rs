//! What an endpoint's credential may see now: loaded once per credential per batch, so a
//! fan-out to many endpoints of one credential reads its grants once.

use pirros_domain::events::GrantReader;
use pirros_domain::grants::{Filter, custom_filter_ids};
use pirros_domain::ids::{ClientId, WorkspaceId};
use pirros_domain::model::{Credential, CredentialStatus};
use pirros_store::{Store, StoreResult};
use std::collections::HashMap;

/// An active credential and the custom filters its grants in the workspace name.
pub struct Access {
    credential: Credential,
    filters: Vec<Filter>,
    ws: WorkspaceId,
}

impl Access {
    pub fn reader(&self) -> GrantReader<'_> {
        GrantReader::new(&self.credential, self.ws, &self.filters)
    }
}

/// `None` for a credential that is gone, revoked, or holds no read grant in `ws`: its
/// endpoints receive nothing.
pub async fn load(
    store: &dyn Store,
    ws: WorkspaceId,
    client: &ClientId,
) -> StoreResult<Option<Access>> {
    let Some(credential) = store.get_credential(client).await? else {
        return Ok(None);
    };
    if credential.status != CredentialStatus::Active {
        return Ok(None);
    }
    let ids = custom_filter_ids(&credential, ws);
    let filters = if ids.is_empty() {
        Vec::new()
    } else {
        store.get_filters(ws, &ids).await?
    };
    let access = Access {
        credential,
        filters,
        ws,
    };
    Ok(access.reader().reads_any().then_some(access))
}

/// Each credential's access, read on first use.
pub struct Readers<'s> {
    store: &'s dyn Store,
    ws: WorkspaceId,
    loaded: HashMap<ClientId, Option<Access>>,
}

impl<'s> Readers<'s> {
    pub fn new(store: &'s dyn Store, ws: WorkspaceId) -> Self {
        Self {
            store,
            ws,
            loaded: HashMap::new(),
        }
    }

    pub async fn of(&mut self, client: &ClientId) -> StoreResult<Option<&Access>> {
        if !self.loaded.contains_key(client) {
            let access = load(self.store, self.ws, client).await?;
            self.loaded.insert(client.clone(), access);
        }
        Ok(self.loaded.get(client).and_then(Option::as_ref))
    }
}
