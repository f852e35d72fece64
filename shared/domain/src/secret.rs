//! Client secrets. They are 256 random bits, so a keyed SHA-256 (HMAC with a per-credential
//! salt) is enough: there is nothing for a slow password hash to protect against.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretHash {
    salt: String,
    hash: String,
}

impl std::fmt::Debug for SecretHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretHash(..)")
    }
}

/// A fresh client secret: 32 random bytes, base64url.
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the token endpoint's attempt counter remembers of a secret that got a token: an
/// unsalted SHA-256 under a fixed prefix, the same for every hash of the secret. A later
/// attempt whose tag it remembers isn't counted in storage before it is checked (a right
/// secret then writes nothing); the salted hash stays what a secret is verified against,
/// and for 256 random bits an unsalted digest gives nothing away.
pub fn attempt_tag(secret: &str) -> String {
    use sha2::Digest;
    let digest = Sha256::new()
        .chain_update(b"pirros client secret tag\0")
        .chain_update(secret.as_bytes())
        .finalize();
    URL_SAFE_NO_PAD.encode(digest)
}

fn mac(salt: &[u8], secret: &str) -> HmacSha256 {
    let mut m = HmacSha256::new_from_slice(salt).expect("HMAC takes keys of any length");
    m.update(secret.as_bytes());
    m
}

impl SecretHash {
    pub fn of(secret: &str) -> Self {
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        let hash = mac(&salt, secret).finalize().into_bytes();
        Self {
            salt: URL_SAFE_NO_PAD.encode(salt),
            hash: URL_SAFE_NO_PAD.encode(hash),
        }
    }

    /// Constant-time comparison (`Mac::verify_slice`).
    pub fn verify(&self, secret: &str) -> bool {
        let (Ok(salt), Ok(expected)) = (
            URL_SAFE_NO_PAD.decode(&self.salt),
            URL_SAFE_NO_PAD.decode(&self.hash),
        ) else {
            return false;
        };
        mac(&salt, secret).verify_slice(&expected).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifies_only_the_right_secret() {
        let s = generate();
        let h = SecretHash::of(&s);
        assert!(h.verify(&s));
        assert!(!h.verify("wrong"));
        assert!(!h.verify(""));
        assert_eq!(attempt_tag(&s), attempt_tag(&s), "unsalted");
        assert_ne!(attempt_tag(&s), attempt_tag("wrong"));
        assert_ne!(
            SecretHash::of(&s),
            h,
            "salted: two hashes of one secret differ"
        );
    }
}
