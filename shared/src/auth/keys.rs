//! The JWT signing keys. The secret holds either a plain key or
//! `{"current": {"kid", "key"}, "previous": {"kid", "key"}}`, so a key can rotate while
//! tokens signed by the previous one keep verifying until they expire.

use crate::config::JwtKeySource;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use sha2::{Digest, Sha256};

#[derive(Clone)]
pub struct SigningKey {
    pub kid: String,
    pub secret: Vec<u8>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({})", self.kid)
    }
}

impl SigningKey {
    /// A key without a named kid gets one derived from its material.
    pub fn from_material(material: &str) -> Self {
        let digest = Sha256::digest(material.as_bytes());
        Self {
            kid: URL_SAFE_NO_PAD.encode(&digest[..9]),
            secret: material.as_bytes().to_vec(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct KeySet {
    pub current: SigningKey,
    pub previous: Option<SigningKey>,
}

#[derive(Deserialize)]
struct NamedKey {
    kid: String,
    key: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RotatingKeys {
    current: NamedKey,
    previous: Option<NamedKey>,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("JWT key: {0}")]
    Invalid(String),
    #[error("JWT key: reading the secret failed: {0}")]
    Fetch(String),
}

const MIN_KEY_BYTES: usize = 32;

impl KeySet {
    pub fn parse(value: &str) -> Result<Self, KeyError> {
        let value = value.trim();
        let set = if value.starts_with('{') {
            let r: RotatingKeys = serde_json::from_str(value)
                .map_err(|e| KeyError::Invalid(format!("malformed key JSON: {e}")))?;
            let named = |k: NamedKey| SigningKey {
                kid: k.kid,
                secret: k.key.into_bytes(),
            };
            KeySet {
                current: named(r.current),
                previous: r.previous.map(named),
            }
        } else {
            KeySet {
                current: SigningKey::from_material(value),
                previous: None,
            }
        };
        for k in std::iter::once(&set.current).chain(set.previous.as_ref()) {
            if k.secret.len() < MIN_KEY_BYTES {
                return Err(KeyError::Invalid(format!(
                    "key {:?} is shorter than {MIN_KEY_BYTES} bytes",
                    k.kid
                )));
            }
        }
        Ok(set)
    }

    pub fn find(&self, kid: &str) -> Option<&SigningKey> {
        std::iter::once(&self.current)
            .chain(self.previous.as_ref())
            .find(|k| k.kid == kid)
    }

    /// Reads the key once per container: from Secrets Manager in production.
    pub async fn load(
        source: &JwtKeySource,
        sdk: &aws_config::SdkConfig,
    ) -> Result<Self, KeyError> {
        match source {
            JwtKeySource::Inline(v) => Self::parse(v),
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
                let v = out
                    .secret_string()
                    .ok_or_else(|| KeyError::Invalid("the secret has no string value".into()))?;
                Self::parse(v)
            }
        }
    }
}
