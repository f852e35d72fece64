//! Bearer-token verification on `/v1`, with public keys only. The `/v1` functions cannot
//! read the signing secret: they read the public keys the token function publishes in
//! storage (`Store::published_keys`) at cold start, again when the copy is older than
//! `JWKS_CACHE_SECS` (so a retired key stops verifying everywhere within that time), and at
//! once, at most every `UNKNOWN_KID_REFRESH`, when a token names a key they do not know (a
//! new key after a rotation). A failed read keeps the keys already known.

use super::cache::TokenCache;
use super::jwks::PublishedKeys;
use super::token::{self, Claims, Rejection};
use crate::cursors::Cursors;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::DecodingKey;
use pirros_store::AccessStore;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Tokens naming unknown keys cost a storage read at most this often per container, so a
/// flood of made-up `kid`s cannot turn into a flood of reads.
pub const UNKNOWN_KID_REFRESH: Duration = Duration::from_secs(10);
/// After a failed read, the next try waits this long (requests keep the known keys).
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(10);

#[derive(Default)]
struct KeyState {
    published: Option<PublishedKeys>,
    keys: HashMap<String, DecodingKey>,
    /// Bumped whenever the keys change; remembered tokens of another generation never hit.
    generation: u64,
    /// When the copy must be read again; `None` before the first read.
    fresh_until: Option<Instant>,
    next_unknown_kid_refresh: Option<Instant>,
}

pub struct Verifier {
    state: Mutex<KeyState>,
    tokens: TokenCache,
    cursors: Cursors,
    ttl: Duration,
}

impl Verifier {
    /// `cursors` receives the published cursor keys along with the public keys.
    pub fn new(ttl: Duration, cursors: Cursors) -> Self {
        Self {
            state: Mutex::default(),
            tokens: TokenCache::default(),
            cursors,
            ttl,
        }
    }

    fn lock(&self) -> MutexGuard<'_, KeyState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The kids currently trusted (for logs and tests).
    pub fn kids(&self) -> Vec<String> {
        let mut kids: Vec<String> = self.lock().keys.keys().cloned().collect();
        kids.sort();
        kids
    }

    /// Reads the published keys now (cold start). A failure is logged and leaves the keys
    /// as they were; the next request tries again.
    pub async fn refresh(&self, store: &dyn AccessStore) {
        match store.published_keys().await {
            Ok(published) => self.install(published),
            Err(e) => {
                tracing::warn!(error = %e, "reading the published token keys failed; keeping the known ones");
                self.lock().fresh_until = Some(Instant::now() + RETRY_AFTER_FAILURE);
            }
        }
    }

    fn install(&self, published: Option<PublishedKeys>) {
        let mut st = self.lock();
        st.fresh_until = Some(Instant::now() + self.ttl);
        if st.published == published {
            return;
        }
        if published.is_none() && st.published.is_some() {
            // Keys are retired by publishing fewer, never by deleting the item: a lost item
            // must not lock every caller out until the token function starts again.
            tracing::warn!("the published token keys are gone; keeping the known ones");
            return;
        }
        let jwks = published.as_ref().map(|p| p.jwks.keys.as_slice());
        st.keys = jwks
            .unwrap_or_default()
            .iter()
            .filter_map(|jwk| {
                let public = jwk.ed25519_public_key()?;
                Some((jwk.kid.clone(), DecodingKey::from_ed_der(&public)))
            })
            .collect();
        let cursor_keys: Vec<Vec<u8>> = published
            .as_ref()
            .map(|p| p.cursor_keys.as_slice())
            .unwrap_or_default()
            .iter()
            .filter_map(|k| URL_SAFE_NO_PAD.decode(k).ok())
            .filter(|k| k.len() >= 32)
            .collect();
        self.cursors.set_keys(cursor_keys);
        st.generation += 1;
        st.published = published;
        tracing::info!(kids = ?st.keys.keys().collect::<Vec<_>>(), "token keys installed");
    }

    /// Re-reads the keys when the copy is stale; one request does it, the others go on
    /// with the keys they have.
    async fn refresh_if_stale(&self, store: &dyn AccessStore) {
        {
            let mut st = self.lock();
            let now = Instant::now();
            if st.fresh_until.is_some_and(|t| t > now) {
                return;
            }
            st.fresh_until = Some(now + RETRY_AFTER_FAILURE);
        }
        self.refresh(store).await;
    }

    fn key(&self, kid: &str) -> Option<(u64, DecodingKey)> {
        let st = self.lock();
        st.keys.get(kid).map(|k| (st.generation, k.clone()))
    }

    pub async fn verify(
        &self,
        store: &dyn AccessStore,
        token: &str,
    ) -> Result<Arc<Claims>, Rejection> {
        self.refresh_if_stale(store).await;
        let generation = self.lock().generation;
        if let Some(claims) = self.tokens.get(token, generation) {
            return Ok(claims);
        }
        let kid = token::key_id(token)?;
        let (generation, key) = match self.key(&kid) {
            Some(k) => k,
            None => {
                let may_refresh = {
                    let mut st = self.lock();
                    let now = Instant::now();
                    let due = st.next_unknown_kid_refresh.is_none_or(|t| t <= now);
                    if due {
                        st.next_unknown_kid_refresh = Some(now + UNKNOWN_KID_REFRESH);
                    }
                    due
                };
                if may_refresh {
                    self.refresh(store).await;
                }
                self.key(&kid).ok_or(Rejection::UnknownKey)?
            }
        };
        let claims = Arc::new(token::verify_with(&key, token)?);
        self.tokens.insert(token, generation, &claims);
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SigningKeys;
    use pirros_domain::ids::ClientId;
    use pirros_store::memory::MemoryStore;

    const OLD: &str = "verifier-old-key-0123456789abcdef0123456789";
    const NEW: &str = "verifier-new-key-0123456789abcdef0123456789";

    fn token(keys: &SigningKeys) -> String {
        token::issue(keys, &ClientId::parse("c").unwrap(), 1, 600).unwrap()
    }

    #[tokio::test]
    async fn follows_what_the_token_function_publishes() {
        let store = MemoryStore::new();
        let cursors = Cursors::default();
        let v = Verifier::new(Duration::from_secs(300), cursors.clone());
        v.refresh(&store).await;
        let old = SigningKeys::parse(OLD).unwrap();
        // Nothing published yet: unknown key.
        assert_eq!(
            v.verify(&store, &token(&old)).await,
            Err(Rejection::UnknownKey)
        );
        // Published after our last read: an unknown kid re-reads at once...
        assert!(old.publish(&store).await.unwrap());
        assert!(!old.publish(&store).await.unwrap(), "unchanged: no write");
        // ...but not more than once per interval.
        assert_eq!(
            v.verify(&store, &token(&old)).await,
            Err(Rejection::UnknownKey)
        );
        v.lock().next_unknown_kid_refresh = None;
        assert_eq!(v.verify(&store, &token(&old)).await.unwrap().sub, "c");
        assert_eq!(v.kids(), vec![old.current.kid.clone()]);
        // The cursor key came along: a cursor made with it is accepted.
        let theirs = Cursors::with_keys(vec![
            URL_SAFE_NO_PAD
                .decode(&old.published().cursor_keys[0])
                .unwrap(),
        ]);
        let c = theirs.encode("k", "b");
        assert_eq!(cursors.decode(&c, "b").unwrap(), "k");
    }

    #[tokio::test]
    async fn a_retired_key_stops_verifying_when_the_copy_expires() {
        let store = MemoryStore::new();
        let v = Verifier::new(Duration::from_millis(200), Cursors::default());
        let both =
            SigningKeys::parse(&format!(r#"{{"current": "{NEW}", "previous": "{OLD}"}}"#)).unwrap();
        both.publish(&store).await.unwrap();
        v.refresh(&store).await;
        let of_old = token(&SigningKeys::parse(OLD).unwrap());
        assert!(v.verify(&store, &of_old).await.is_ok());
        assert!(v.verify(&store, &of_old).await.is_ok(), "remembered");
        SigningKeys::parse(NEW)
            .unwrap()
            .publish(&store)
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert_eq!(
            v.verify(&store, &of_old).await,
            Err(Rejection::UnknownKey),
            "neither the key nor the remembered token survives"
        );
        assert!(v.verify(&store, &token(&both)).await.is_ok());
    }

    #[tokio::test]
    async fn a_lost_item_keeps_the_known_keys() {
        let published = MemoryStore::new();
        let keys = SigningKeys::parse(OLD).unwrap();
        keys.publish(&published).await.unwrap();
        let v = Verifier::new(Duration::from_secs(300), Cursors::default());
        v.refresh(&published).await;
        v.refresh(&MemoryStore::new()).await;
        assert_eq!(v.kids(), vec![keys.current.kid.clone()]);
        assert!(v.verify(&published, &token(&keys)).await.is_ok());
    }

    #[tokio::test]
    async fn planted_symmetric_keys_are_ignored() {
        let store = MemoryStore::new();
        let keys = SigningKeys::parse(OLD).unwrap();
        let mut published = keys.published();
        published.jwks.keys[0].kty = "oct".into();
        store.put_published_keys(&published).await.unwrap();
        let v = Verifier::new(Duration::from_secs(300), Cursors::default());
        v.refresh(&store).await;
        assert!(v.kids().is_empty());
    }
}
