//! Public keys as JSON Web Keys (RFC 7517, Ed25519 per RFC 8037): what
//! `GET /.well-known/jwks.json` serves, and what the token function publishes in storage for
//! the `/v1` functions, which never see the secret the keys come from.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const KTY: &str = "OKP";
pub const CRV: &str = "Ed25519";
pub const ALG: &str = "EdDSA";
pub const USE: &str = "sig";

/// One public signing key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Jwk {
    /// Always `OKP` (an octet key pair, RFC 8037).
    #[schema(example = "OKP")]
    pub kty: String,
    /// Always `Ed25519`.
    #[schema(example = "Ed25519")]
    pub crv: String,
    /// The 32-byte public key, base64url without padding.
    #[schema(example = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")]
    pub x: String,
    /// The key's RFC 7638 thumbprint; a token's `kid` header names the key that signed it.
    #[schema(example = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")]
    pub kid: String,
    /// Always `EdDSA`.
    #[schema(example = "EdDSA")]
    pub alg: String,
    /// Always `sig`.
    #[serde(rename = "use")]
    #[schema(example = "sig")]
    pub use_: String,
}

impl Jwk {
    /// The JWK of an Ed25519 public key, its `kid` being its thumbprint.
    pub fn ed25519(public_key: &[u8]) -> Self {
        let x = URL_SAFE_NO_PAD.encode(public_key);
        Self {
            kid: thumbprint(&x),
            kty: KTY.into(),
            crv: CRV.into(),
            x,
            alg: ALG.into(),
            use_: USE.into(),
        }
    }

    /// The raw public key, if this is an Ed25519 signing key whose `kid` is its thumbprint;
    /// anything else (a symmetric `oct` key planted in storage, say) is never used.
    pub fn ed25519_public_key(&self) -> Option<Vec<u8>> {
        if self.kty != KTY || self.crv != CRV || self.alg != ALG || self.use_ != USE {
            return None;
        }
        if self.kid != thumbprint(&self.x) {
            return None;
        }
        URL_SAFE_NO_PAD
            .decode(&self.x)
            .ok()
            .filter(|k| k.len() == 32)
    }
}

/// RFC 7638: SHA-256 of the required members in lexicographic order, base64url.
pub fn thumbprint(x: &str) -> String {
    let canonical = format!(r#"{{"crv":"{CRV}","kty":"{KTY}","x":"{x}"}}"#);
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

/// A JWK Set: the current key first, then the previous one while it is still published.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

/// What the token function writes to storage at cold start for the `/v1` functions: the
/// public keys, and the keys that sign pagination cursors (derived one-way from the signing
/// secret, so holding them reveals nothing about it; they only let a server vouch for a
/// cursor it handed out).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedKeys {
    pub jwks: Jwks,
    /// base64url, current first.
    pub cursor_keys: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8037, appendix A.2 and A.3: the example public key and its thumbprint.
    #[test]
    fn thumbprint_matches_rfc_8037() {
        let public = URL_SAFE_NO_PAD
            .decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
            .unwrap();
        let jwk = Jwk::ed25519(&public);
        assert_eq!(jwk.kid, "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
        assert_eq!(jwk.ed25519_public_key().unwrap(), public);
        let json = serde_json::to_value(&jwk).unwrap();
        assert_eq!(json["use"], "sig");
        assert_eq!(json["kty"], "OKP");
    }

    #[test]
    fn only_well_formed_ed25519_keys_are_usable() {
        let good = Jwk::ed25519(&[7u8; 32]);
        assert!(good.ed25519_public_key().is_some());
        let mut wrong_kid = good.clone();
        wrong_kid.kid = "chosen".into();
        assert!(wrong_kid.ed25519_public_key().is_none());
        let mut hmac = good.clone();
        hmac.kty = "oct".into();
        assert!(hmac.ed25519_public_key().is_none());
        let short = Jwk::ed25519(&[7u8; 16]);
        assert!(short.ed25519_public_key().is_none());
    }
}
