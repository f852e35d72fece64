//! Verified tokens, remembered per container. Profiling an authenticated GET showed JWT
//! verification (base64, signature, claims JSON) as the largest piece of our own CPU per
//! request; an integrator reuses one token for an hour, so a container sees the same token
//! again and again. Only the signature and claims check is skipped on a hit: expiry is
//! checked every time, an entry verified under another key set (before a key was retired)
//! never hits, and revocation never depended on it (the credential is re-read on every
//! request).

use super::token::Claims;
use foldhash::quality::RandomState;
use pirros_domain::timestamp::Timestamp;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Keyed by the whole token (hundreds of bytes), looked up on every request: hashed with
/// foldhash, seeded per process, instead of SipHash, which cost ten times as much here.
/// Only verified tokens are inserted, so no caller chooses the keys that fill the map.
type Verified = HashMap<String, (u64, Arc<Claims>), RandomState>;

/// Enough for every live token a container plausibly serves; when full it starts afresh.
const CAPACITY: usize = 4096;

#[derive(Default)]
pub struct TokenCache {
    /// token → (key-set generation it was verified under, claims)
    verified: Mutex<Verified>,
}

impl TokenCache {
    /// Shared, not cloned: a hit is every request of a token but its first.
    pub fn get(&self, token: &str, generation: u64) -> Option<Arc<Claims>> {
        let now = Timestamp::now().secs();
        self.lock()
            .get(token)
            .filter(|(g, c)| *g == generation && c.exp > now)
            .map(|(_, c)| c.clone())
    }

    pub fn insert(&self, token: &str, generation: u64, claims: &Arc<Claims>) {
        let mut map = self.lock();
        if map.len() >= CAPACITY {
            map.clear();
        }
        map.insert(token.to_owned(), (generation, claims.clone()));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Verified> {
        // Nothing can be left half-written under this lock: recover from a poisoned one.
        self.verified.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: i64) -> Arc<Claims> {
        Arc::new(Claims {
            iss: "i".into(),
            aud: "a".into(),
            sub: "c".into(),
            exp,
            iat: 0,
            nbf: 0,
            jti: "j".into(),
            sv: 1,
        })
    }

    #[test]
    fn hits_only_live_entries_of_the_same_key_set() {
        let cache = TokenCache::default();
        let live = Timestamp::now().secs() + 600;
        cache.insert("t", 1, &claims(live));
        assert_eq!(cache.get("t", 1).unwrap().sub, "c");
        assert!(cache.get("t", 2).is_none(), "another key set");
        assert!(cache.get("other", 1).is_none());
        cache.insert("stale", 1, &claims(Timestamp::now().secs() - 1));
        assert!(cache.get("stale", 1).is_none(), "past its expiry");
    }
}
