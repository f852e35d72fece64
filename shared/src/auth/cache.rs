//! Verified tokens, remembered per container. Profiling an authenticated GET showed JWT
//! verification (base64, HMAC-SHA256, claims JSON) as the largest piece of our own CPU per
//! request; an integrator reuses one token for an hour, so a container sees the same token
//! again and again. Only the signature and claims check is skipped on a hit: expiry is
//! checked every time, and revocation never depended on it (the credential is re-read on
//! every request).

use super::keys::KeySet;
use super::token::{self, Claims, Rejection};
use crate::timestamp::Timestamp;
use std::collections::HashMap;
use std::sync::Mutex;

/// Enough for every live token a container plausibly serves; when full it starts afresh.
const CAPACITY: usize = 4096;

#[derive(Default)]
pub struct TokenCache {
    verified: Mutex<HashMap<String, Claims>>,
}

impl TokenCache {
    pub fn verify(&self, keys: &KeySet, token: &str) -> Result<Claims, Rejection> {
        let now = Timestamp::now().secs();
        if let Some(c) = self.lock().get(token)
            && c.exp > now
        {
            return Ok(c.clone());
        }
        let claims = token::verify(keys, token)?;
        let mut map = self.lock();
        if map.len() >= CAPACITY {
            map.clear();
        }
        map.insert(token.to_owned(), claims.clone());
        Ok(claims)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Claims>> {
        // Nothing can be left half-written under this lock: recover from a poisoned one.
        self.verified.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ClientId;

    fn keys() -> KeySet {
        KeySet::parse("cache-test-key-0123456789abcdef0123456789abcdef").unwrap()
    }

    #[test]
    fn remembers_only_what_verified_and_not_past_expiry() {
        let k = keys();
        let cache = TokenCache::default();
        let t = token::issue(&k, &ClientId::parse("c").unwrap(), 1, 3600);
        assert_eq!(cache.verify(&k, &t).unwrap().sub, "c");
        assert_eq!(cache.verify(&k, &t).unwrap().sub, "c", "a hit");
        assert!(cache.verify(&k, "garbage").is_err());
        assert!(
            cache.verify(&k, "garbage").is_err(),
            "failures are not remembered"
        );
        // An entry past its expiry is verified again (and refused).
        let mut expired = cache.verify(&k, &t).unwrap();
        expired.exp = Timestamp::now().secs() - 1;
        cache.lock().insert("stale-token".into(), expired);
        assert!(cache.verify(&k, "stale-token").is_err());
    }
}
