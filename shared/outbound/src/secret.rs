//! The signing secret of one webhook endpoint, in the `whsec_` form receivers paste into their
//! Standard Webhooks libraries.

use std::fmt;
use std::ops::RangeInclusive;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;

const PREFIX: &str = "whsec_";
const GENERATED_LEN: usize = 32;
/// The contract's bounds: below 24 bytes a secret is guessable, above 64 it only costs storage.
const ACCEPTED_LEN: RangeInclusive<usize> = 24..=64;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SecretError {
    #[error("secret must start with \"whsec_\"")]
    MissingPrefix,
    #[error("secret must be standard base64 (with padding) after \"whsec_\"")]
    NotBase64,
    #[error("secret must decode to 24 to 64 bytes, not {0}")]
    BadLength(usize),
}

/// The decoded secret bytes. Deliberately no `PartialEq` (a non-constant-time comparison of
/// secrets invites timing leaks) and a `Debug` that prints nothing of the value.
#[derive(Clone)]
pub struct WebhookSecret(Vec<u8>);

impl WebhookSecret {
    pub fn generate() -> Self {
        let mut bytes = vec![0; GENERATED_LEN];
        rand::rng().fill_bytes(&mut bytes);
        Self(bytes)
    }

    pub fn parse(encoded: &str) -> Result<Self, SecretError> {
        let b64 = encoded
            .strip_prefix(PREFIX)
            .ok_or(SecretError::MissingPrefix)?;
        let bytes = STANDARD.decode(b64).map_err(|_| SecretError::NotBase64)?;
        Self::from_bytes(bytes)
    }

    /// For the sealer, which stores the decoded bytes rather than the longer text form.
    pub(crate) fn from_bytes(bytes: Vec<u8>) -> Result<Self, SecretError> {
        if ACCEPTED_LEN.contains(&bytes.len()) {
            Ok(Self(bytes))
        } else {
            Err(SecretError::BadLength(bytes.len()))
        }
    }

    pub fn encoded(&self) -> String {
        format!("{PREFIX}{}", STANDARD.encode(&self.0))
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secret_is_32_bytes_and_round_trips() {
        let secret = WebhookSecret::generate();
        assert_eq!(secret.as_bytes().len(), 32);
        let encoded = secret.encoded();
        assert!(encoded.starts_with("whsec_"));
        // 32 bytes is 44 base64 characters with one pad.
        assert_eq!(encoded.len(), 6 + 44);
        assert!(encoded.ends_with('='));
        let parsed = WebhookSecret::parse(&encoded).expect("own encoding parses");
        assert_eq!(parsed.as_bytes(), secret.as_bytes());
    }

    #[test]
    fn generated_secrets_differ() {
        assert_ne!(
            WebhookSecret::generate().encoded(),
            WebhookSecret::generate().encoded()
        );
    }

    #[test]
    fn parses_the_standard_webhooks_example() {
        let secret = WebhookSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("valid");
        assert_eq!(secret.as_bytes().len(), 24);
    }

    #[test]
    fn rejects_missing_prefix() {
        assert_eq!(
            WebhookSecret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").err(),
            Some(SecretError::MissingPrefix)
        );
    }

    #[test]
    fn rejects_non_base64_and_unpadded() {
        assert_eq!(
            WebhookSecret::parse("whsec_not base64!").err(),
            Some(SecretError::NotBase64)
        );
        let unpadded = STANDARD.encode([7u8; 32]).trim_end_matches('=').to_owned();
        assert_eq!(
            WebhookSecret::parse(&format!("whsec_{unpadded}")).err(),
            Some(SecretError::NotBase64)
        );
        let url_safe = format!("whsec_{}", "_-".repeat(16));
        assert_eq!(
            WebhookSecret::parse(&url_safe).err(),
            Some(SecretError::NotBase64)
        );
    }

    #[test]
    fn enforces_length_bounds() {
        let of = |n: usize| format!("whsec_{}", STANDARD.encode(vec![1u8; n]));
        assert_eq!(
            WebhookSecret::parse(&of(23)).err(),
            Some(SecretError::BadLength(23))
        );
        assert!(WebhookSecret::parse(&of(24)).is_ok());
        assert!(WebhookSecret::parse(&of(64)).is_ok());
        assert_eq!(
            WebhookSecret::parse(&of(65)).err(),
            Some(SecretError::BadLength(65))
        );
        assert_eq!(
            WebhookSecret::parse("whsec_").err(),
            Some(SecretError::BadLength(0))
        );
    }

    #[test]
    fn debug_redacts() {
        let secret = WebhookSecret::generate();
        let shown = format!("{secret:?}");
        assert_eq!(shown, "WebhookSecret(<redacted>)");
        let b64 = secret.encoded();
        assert!(!shown.contains(&b64[6..]));
    }
}
