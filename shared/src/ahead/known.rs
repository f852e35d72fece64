//! The credential each client last showed this container, for the reads ahead whose keys
//! depend on its grants (a search's list, `/v1/me`'s workspaces): they guess with it, and
//! their handler uses what was read only when the credential read beside it names the same
//! keys. A guess is never an access decision: grants are checked against the credential
//! read for the request, as for every other read.

use crate::ids::ClientId;
use crate::model::Credential;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// Clients remembered per container; when full it starts afresh (a client that is
/// forgotten reads nothing ahead on its next request, and is remembered again).
const CAPACITY: usize = 4096;

#[derive(Default)]
pub struct KnownCredentials(Mutex<HashMap<ClientId, Arc<Credential>>>);

impl KnownCredentials {
    /// The credential `client` last showed, if this container has seen it.
    pub fn get(&self, client: &ClientId) -> Option<Arc<Credential>> {
        self.lock().get(client).cloned()
    }

    /// Remembers `credential` as its client's, copying it only when what a guess uses (its
    /// firm and grants) changed: a client's requests mostly show the same one.
    pub fn remember(&self, credential: &Credential) {
        let mut map = self.lock();
        if let Some(known) = map.get(&credential.client_id)
            && known.firm_id == credential.firm_id
            && known.grants == credential.grants
        {
            return;
        }
        if map.len() >= CAPACITY && !map.contains_key(&credential.client_id) {
            map.clear();
        }
        map.insert(credential.client_id.clone(), Arc::new(credential.clone()));
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<ClientId, Arc<Credential>>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
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
        known.remember(&credential("client-a", vec![one.clone()]));
        assert_eq!(
            known.get(&client).unwrap().grants,
            std::slice::from_ref(&one)
        );
        let two = read_grant("a1a1a1a1-0000-4000-8000-000000000002");
        known.remember(&credential("client-a", vec![one.clone(), two.clone()]));
        assert_eq!(
            known.get(&client).unwrap().grants,
            [one, two],
            "a grant added"
        );
        known.remember(&credential("client-a", vec![]));
        assert!(
            known.get(&client).unwrap().grants.is_empty(),
            "grants removed"
        );
        assert!(known.get(&ClientId::parse("client-b").unwrap()).is_none());
    }

    #[test]
    fn a_full_memory_starts_afresh() {
        let known = KnownCredentials::default();
        for i in 0..CAPACITY {
            known.remember(&credential(&format!("client-{i}"), vec![]));
        }
        known.remember(&credential("client-0", vec![]));
        assert_eq!(
            known.lock().len(),
            CAPACITY,
            "a known client takes no new place"
        );
        known.remember(&credential("newcomer", vec![]));
        assert_eq!(known.lock().len(), 1);
        assert!(known.get(&ClientId::parse("newcomer").unwrap()).is_some());
    }
}
