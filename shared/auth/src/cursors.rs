//! Opaque, signed cursors. A cursor names the last item of a page and is bound to the
//! query, workspace and grants it came from: changing a byte, or replaying it on another
//! query, is a 400, never another tenant's data.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::sync::{Arc, RwLock};

type HmacSha256 = Hmac<Sha256>;

/// A cursor that is not genuine, or not bound to the query it came with.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("cursor is invalid or belongs to another query")]
pub struct BadCursor;

#[derive(Serialize, Deserialize)]
struct Payload {
    /// Sort key of the last item returned.
    k: String,
    /// Digest of what the cursor is bound to.
    b: String,
}

/// Signs and checks cursors. The keys are the ones the token function publishes (derived
/// from its secret, see `auth::keys`), so every container of every function agrees on them;
/// until they are known a container uses a key of its own, which only it accepts. Clones
/// share the keys, so the verifier can install them where handlers read them.
#[derive(Clone)]
pub struct Cursors {
    keys: Arc<RwLock<Vec<Vec<u8>>>>,
}

impl Default for Cursors {
    fn default() -> Self {
        let mut local = vec![0u8; 32];
        rand::rng().fill_bytes(&mut local);
        Self {
            keys: Arc::new(RwLock::new(vec![local])),
        }
    }
}

/// A digest of the parts a cursor is bound to (workspace, normalised query, caller).
pub fn binding(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    URL_SAFE_NO_PAD.encode(&h.finalize()[..16])
}

impl Cursors {
    /// Signs with the first key; accepts any of them.
    pub fn with_keys(keys: Vec<Vec<u8>>) -> Self {
        let c = Self::default();
        c.set_keys(keys);
        c
    }

    /// Replaces the keys (an empty list is ignored: there must always be one to sign with).
    pub fn set_keys(&self, keys: Vec<Vec<u8>>) {
        if !keys.is_empty() {
            *self.keys.write().unwrap_or_else(|p| p.into_inner()) = keys;
        }
    }

    fn keys(&self) -> std::sync::RwLockReadGuard<'_, Vec<Vec<u8>>> {
        self.keys.read().unwrap_or_else(|p| p.into_inner())
    }

    fn mac(key: &[u8], body: &str) -> HmacSha256 {
        let mut m = HmacSha256::new_from_slice(key).expect("any key length");
        m.update(body.as_bytes());
        m
    }

    pub fn encode(&self, sort_key: &str, binding: &str) -> String {
        let body = URL_SAFE_NO_PAD.encode(
            serde_json::to_vec(&Payload {
                k: sort_key.to_owned(),
                b: binding.to_owned(),
            })
            .expect("plain struct"),
        );
        let sig = Self::mac(&self.keys()[0], &body).finalize().into_bytes();
        format!("{body}.{}", URL_SAFE_NO_PAD.encode(sig))
    }

    /// The sort key a cursor points after, if it is genuine and bound to `binding`.
    pub fn decode(&self, cursor: &str, binding: &str) -> Result<String, BadCursor> {
        let bad = || BadCursor;
        if cursor.len() > 2048 {
            return Err(bad());
        }
        let (body, sig) = cursor.split_once('.').ok_or_else(bad)?;
        let sig = URL_SAFE_NO_PAD.decode(sig).map_err(|_| bad())?;
        if !self
            .keys()
            .iter()
            .any(|k| Self::mac(k, body).verify_slice(&sig).is_ok())
        {
            return Err(bad());
        }
        let raw = URL_SAFE_NO_PAD.decode(body).map_err(|_| bad())?;
        let p: Payload = serde_json::from_slice(&raw).map_err(|_| bad())?;
        if p.b != binding {
            return Err(bad());
        }
        Ok(p.k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cursors() -> Cursors {
        Cursors::with_keys(vec![b"cursor-test-key-0123456789abcdef".to_vec()])
    }

    #[test]
    fn round_trip_and_binding() {
        let c = cursors();
        let b = binding(&["ws", "q=a"]);
        let t = c.encode("0001#x", &b);
        assert_eq!(c.decode(&t, &b).unwrap(), "0001#x");
        assert!(c.decode(&t, &binding(&["ws", "q=b"])).is_err());
    }

    #[test]
    fn tampering_is_refused() {
        let c = cursors();
        let b = binding(&["ws"]);
        let t = c.encode("0001#x", &b);
        let mut bytes = t.clone().into_bytes();
        bytes[3] ^= 1;
        assert!(c.decode(&String::from_utf8_lossy(&bytes), &b).is_err());
        assert!(c.decode(&t[..t.len() - 2], &b).is_err());
        assert!(c.decode("", &b).is_err());
        assert!(c.decode("abc", &b).is_err());
    }
}
