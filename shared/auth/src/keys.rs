//! The token signing keys, which only the token function holds. The secret holds key
//! material, either one plain string or `{"current": K, "previous": K}` where K is a string
//! or `{"key": "..."}` (a `kid` beside it, from the HS256 days, is ignored), so a key can
//! rotate while tokens signed by the previous one keep verifying until they expire.
//!
//! Each material string deterministically yields an Ed25519 key pair (its 32-byte seed is
//! HKDF-SHA256 of the string), so the secret stays a plain random string that
//! CloudFormation can generate, and the `kid` is the public key's RFC 7638 thumbprint.

use super::jwks::{Jwk, Jwks, PublishedKeys};
use aws_lc_rs::hkdf::{HKDF_SHA256, Salt};
use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use jsonwebtoken::EncodingKey;
use pirros_config::JwtKeySource;
use pirros_store::{AccessStore, StoreResult};
use serde::Deserialize;

pub struct SigningKey {
    pub kid: String,
    pub jwk: Jwk,
    encoding: EncodingKey,
    cursor_key: Vec<u8>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({})", self.kid)
    }
}

/// The seed is bound to this purpose: the same material used elsewhere gives other keys.
fn ed25519_seed(material: &[u8]) -> [u8; 32] {
    let mut seed = [0u8; 32];
    Salt::new(HKDF_SHA256, b"pirros jwt ed25519")
        .extract(material)
        .expand(&[b"signing seed v1"], HKDF_SHA256)
        .and_then(|okm| okm.fill(&mut seed))
        .expect("HKDF-SHA256 yields 32 bytes");
    seed
}

/// The pagination cursor key: the derivation cursors used when they were signed with the
/// HS256 key itself, so cursors handed out before the switch stay valid.
fn cursor_key(material: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<sha2::Sha256>::new_from_slice(material).expect("any key length");
    m.update(b"pirros cursor v1");
    m.finalize().into_bytes().to_vec()
}

impl SigningKey {
    pub fn from_material(material: &str) -> Result<Self, KeyError> {
        if material.len() < MIN_KEY_BYTES {
            return Err(KeyError::Invalid(format!(
                "key material is shorter than {MIN_KEY_BYTES} bytes"
            )));
        }
        let pair = Ed25519KeyPair::from_seed_unchecked(&ed25519_seed(material.as_bytes()))
            .map_err(|e| KeyError::Invalid(format!("Ed25519 key: {e}")))?;
        let pkcs8 = pair
            .to_pkcs8v1()
            .map_err(|_| KeyError::Invalid("Ed25519 key: PKCS#8 encoding failed".into()))?;
        let jwk = Jwk::ed25519(pair.public_key().as_ref());
        Ok(Self {
            kid: jwk.kid.clone(),
            jwk,
            encoding: EncodingKey::from_ed_der(pkcs8.as_ref()),
            cursor_key: cursor_key(material.as_bytes()),
        })
    }

    pub fn encoding_key(&self) -> &EncodingKey {
        &self.encoding
    }
}

#[derive(Debug)]
pub struct SigningKeys {
    pub current: SigningKey,
    pub previous: Option<SigningKey>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Entry {
    Plain(String),
    Named(NamedKey),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NamedKey {
    key: String,
    #[serde(rename = "kid")]
    _kid: Option<String>,
}

impl Entry {
    fn material(self) -> String {
        match self {
            Entry::Plain(k) => k,
            Entry::Named(n) => n.key,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RotatingKeys {
    current: Entry,
    previous: Option<Entry>,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("JWT key: {0}")]
    Invalid(String),
    #[error("JWT key: reading the secret failed: {0}")]
    Fetch(String),
}

const MIN_KEY_BYTES: usize = 32;

impl SigningKeys {
    pub fn parse(value: &str) -> Result<Self, KeyError> {
        let (current, previous) = materials(value)?;
        let current = SigningKey::from_material(&current)?;
        let previous = previous
            .map(|p| SigningKey::from_material(&p))
            .transpose()?
            .filter(|p| p.kid != current.kid);
        Ok(Self { current, previous })
    }

    pub fn all(&self) -> impl Iterator<Item = &SigningKey> {
        std::iter::once(&self.current).chain(self.previous.as_ref())
    }

    /// The public keys, current first.
    pub fn jwks(&self) -> Jwks {
        Jwks {
            keys: self.all().map(|k| k.jwk.clone()).collect(),
        }
    }

    pub fn published(&self) -> PublishedKeys {
        PublishedKeys {
            jwks: self.jwks(),
            cursor_keys: self
                .all()
                .map(|k| URL_SAFE_NO_PAD.encode(&k.cursor_key))
                .collect(),
        }
    }

    /// Writes the public keys for the `/v1` functions when storage holds others (a rotation
    /// step, or the first start). Returns whether it wrote.
    pub async fn publish(&self, store: &dyn AccessStore) -> StoreResult<bool> {
        let mine = self.published();
        if store.published_keys().await?.as_ref() == Some(&mine) {
            return Ok(false);
        }
        store.put_published_keys(&mine).await?;
        tracing::info!(kids = ?mine.jwks.keys.iter().map(|k| &k.kid).collect::<Vec<_>>(), "published the token signing keys");
        Ok(true)
    }

    /// Reads the key once per container: from Secrets Manager in production.
    pub async fn load(
        source: &JwtKeySource,
        sdk: &aws_config::SdkConfig,
    ) -> Result<Self, KeyError> {
        Self::parse(&secret_value(source, sdk).await?)
    }
}

/// The key material strings of the secret's value, current and previous: what the signing
/// keys, and the keys that seal webhook secrets, are derived from.
pub fn materials(value: &str) -> Result<(String, Option<String>), KeyError> {
    let value = value.trim();
    if !value.starts_with('{') {
        return Ok((value.to_owned(), None));
    }
    let r: RotatingKeys = serde_json::from_str(value).map_err(|e| {
        KeyError::Invalid(format!(
            "malformed key JSON (expected {{\"current\": ..., \"previous\": ...}}): {e}"
        ))
    })?;
    Ok((r.current.material(), r.previous.map(Entry::material)))
}

/// The secret's value: from Secrets Manager in production, read once per container.
pub async fn secret_value(
    source: &JwtKeySource,
    sdk: &aws_config::SdkConfig,
) -> Result<String, KeyError> {
    match source {
        JwtKeySource::Inline(v) => Ok(v.clone()),
        JwtKeySource::SecretArn(arn) => {
            let client = aws_sdk_secretsmanager::Client::new(sdk);
            let out = client
                .get_secret_value()
                .secret_id(arn)
                .send()
                .await
                .map_err(|e| {
                    KeyError::Fetch(
                        aws_sdk_secretsmanager::error::DisplayErrorContext(e).to_string(),
                    )
                })?;
            out.secret_string()
                .map(str::to_owned)
                .ok_or_else(|| KeyError::Invalid("the secret has no string value".into()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "key-material-a-0123456789abcdef0123456789";
    const B: &str = "key-material-b-0123456789abcdef0123456789";

    #[test]
    fn derivation_is_deterministic_and_kid_is_the_thumbprint() {
        let a1 = SigningKey::from_material(A).unwrap();
        let a2 = SigningKey::from_material(A).unwrap();
        let b = SigningKey::from_material(B).unwrap();
        assert_eq!(a1.jwk, a2.jwk);
        assert_ne!(a1.jwk.x, b.jwk.x);
        assert_eq!(a1.kid, super::super::jwks::thumbprint(&a1.jwk.x));
        assert_eq!(a1.jwk.ed25519_public_key().unwrap().len(), 32);
    }

    #[test]
    fn accepts_plain_rotating_and_legacy_named_forms() {
        let plain = SigningKeys::parse(A).unwrap();
        assert!(plain.previous.is_none());
        let rotating =
            SigningKeys::parse(&format!(r#"{{"current": "{B}", "previous": "{A}"}}"#)).unwrap();
        assert_eq!(rotating.previous.as_ref().unwrap().kid, plain.current.kid);
        let legacy = SigningKeys::parse(&format!(
            r#"{{"current": {{"kid": "k2", "key": "{B}"}}, "previous": {{"kid": "k1", "key": "{A}"}}}}"#
        ))
        .unwrap();
        assert_eq!(legacy.current.kid, rotating.current.kid, "kid is derived");
        let jwks = legacy.jwks();
        assert_eq!(jwks.keys.len(), 2);
        assert_eq!(jwks.keys[0].kid, legacy.current.kid, "current first");
        let same =
            SigningKeys::parse(&format!(r#"{{"current": "{A}", "previous": "{A}"}}"#)).unwrap();
        assert!(same.previous.is_none(), "one key is published once");
    }

    #[test]
    fn refuses_short_or_malformed_keys() {
        for bad in [
            "short".to_owned(),
            r#"{"current": "short-but-not-32-bytes"}"#.to_owned(),
            format!(r#"{{"current": "{A}", "next": "{B}"}}"#),
            format!(r#"{{"previous": "{A}"}}"#),
            r#"{"current": 42}"#.to_owned(),
        ] {
            let e = SigningKeys::parse(&bad).unwrap_err().to_string();
            assert!(e.starts_with("JWT key"), "{bad}: {e}");
        }
    }

    #[test]
    fn debug_names_only_the_kid() {
        let k = SigningKey::from_material(A).unwrap();
        let shown = format!("{k:?}");
        assert!(!shown.contains(A) && shown.contains(&k.kid));
    }
}
