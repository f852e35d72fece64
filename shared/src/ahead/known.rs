//! The credential each client last showed this container, for the reads ahead whose keys
//! depend on its grants (a search's list, `/v1/me`'s workspaces): they guess with it, and
//! their handler uses what was read only when the credential read beside it names the same
//! keys. A guess is never an access decision: grants are checked against the credential
//! read for the request, as for every other read.

use crate::ids::ClientId;
use crate::model::Credential;
use std::collections::HashMap;
use std::sync::{Arc, RwLock, RwLockWriteGuard};

/// Clients remembered per container; when full it starts afresh (a client that is
/// forgotten reads nothing ahead on its next request, and is remembered again).
const CAPACITY: usize = 4096;

/// Read on every request and written only when a client's grants change, so a read lock
/// per request and no write while they stay the same.
#[derive(Default)]
pub struct KnownCredentials(RwLock<HashMap<ClientId, Arc<Credential>>>);

impl KnownCredentials {
    /// The credential `client` last showed, if this container has seen it.
    pub fn get(&self, client: &ClientId) -> Option<Arc<Credential>> {
        self.0
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(client)
            .cloned()
    }

    /// Remembers `credential` as its client's, unless `known` (what `get` gave for the
    /// request) already has its firm and grants, what a guess uses: a client's requests
    /// mostly show the same ones.
    pub fn remember(&self, credential: &Credential, known: Option<&Credential>) {
        if known.is_some_and(|k| k.firm_id == credential.firm_id && k.grants == credential.grants) {
            return;
        }
        let mut map = self.write();
        if map.len() >= CAPACITY && !map.contains_key(&credential.client_id) {
            map.clear();
        }
        map.insert(credential.client_id.clone(), Arc::new(credential.clone()));
    }

    fn write(&self) -> RwLockWriteGuard<'_, HashMap<ClientId, Arc<Credential>>> {
        self.0.write().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grants::{Action, EntityType, FilterId};
    use crate::ids::{ResourceId, WorkspaceId};
    use crate::model::{CredentialStatus, Grant};
    use crate::timestamp::Timestamp;
    use pirros_domain::secret::SecretHash;

    fn credential(client: &str, grants: Vec<Grant>) -> Credential {
        Credential {
            client_id: ClientId::parse(client).unwrap(),
            name: "c".into(),
            firm_id: ResourceId::parse("firm").unwrap(),
            status: CredentialStatus::Active,
            secret: SecretHash::of("a secret"),
            secret_version: 1,
            previous_secret: None,
            grants,
            created_at: Timestamp::now(),
            version: 1,
        }
    }

    fn read_grant(ws: &str) -> Grant {
        Grant {
            workspace_id: WorkspaceId::parse(ws).unwrap(),
            action: Action::Read,
            filter_id: FilterId::System(EntityType::Detail),
        }
    }

    #[test]
    fn a_client_is_known_by_its_latest_grants() {
        let known = KnownCredentials::default();
        let client = ClientId::parse("client-a").unwrap();
        assert!(known.get(&client).is_none(), "not seen yet");
        let one = read_grant("a1a1a1a1-0000-4000-8000-000000000001");
        known.remember(&credential("client-a", vec![one.clone()]), None);
        let seen = known.get(&client);
        assert_eq!(seen.as_ref().unwrap().grants, std::slice::from_ref(&one));
        let two = read_grant("a1a1a1a1-0000-4000-8000-000000000002");
        let both = credential("client-a", vec![one.clone(), two.clone()]);
        known.remember(&both, seen.as_deref());
        let seen = known.get(&client);
        assert_eq!(seen.as_ref().unwrap().grants, [one, two], "a grant added");
        known.remember(&credential("client-a", vec![]), seen.as_deref());
        let seen = known.get(&client);
        assert!(seen.as_ref().unwrap().grants.is_empty(), "grants removed");
        // The same grants as the request's known ones: nothing is written.
        let mut renamed = credential("client-a", vec![]);
        renamed.name = "renamed".into();
        known.remember(&renamed, seen.as_deref());
        assert_eq!(known.get(&client).unwrap().name, "c");
        assert!(known.get(&ClientId::parse("client-b").unwrap()).is_none());
    }

    #[test]
    fn a_full_memory_starts_afresh() {
        let known = KnownCredentials::default();
        for i in 0..CAPACITY {
            known.remember(&credential(&format!("client-{i}"), vec![]), None);
        }
        known.remember(&credential("client-0", vec![]), None);
        assert_eq!(
            known.write().len(),
            CAPACITY,
            "a known client takes no new place"
        );
        known.remember(&credential("newcomer", vec![]), None);
        assert_eq!(known.write().len(), 1);
        assert!(known.get(&ClientId::parse("newcomer").unwrap()).is_some());
    }
}
