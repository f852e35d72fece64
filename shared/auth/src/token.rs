//! Access tokens: EdDSA (Ed25519) JWTs with a `kid`, issued by `/oauth/token` with the
//! private key and checked on `/v1` with the public one.

use super::keys::SigningKeys;
use jsonwebtoken::{Algorithm, DecodingKey, Header, Validation, decode, decode_header, encode};
use pirros_domain::ids::ClientId;
use pirros_domain::timestamp::Timestamp;
use serde::{Deserialize, Serialize};

pub const ISSUER: &str = "https://auth.pirros.com";
pub const AUDIENCE: &str = "https://external-api.pirros.com";
pub const ALGORITHM: Algorithm = Algorithm::EdDSA;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub exp: i64,
    pub iat: i64,
    pub nbf: i64,
    pub jti: String,
    /// The credential's secret version when the token was issued.
    pub sv: u64,
}

pub fn issue(
    keys: &SigningKeys,
    client: &ClientId,
    secret_version: u64,
    ttl_secs: u64,
) -> Result<String, jsonwebtoken::errors::Error> {
    let now = Timestamp::now().secs();
    let claims = Claims {
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
        sub: client.to_string(),
        exp: now + ttl_secs as i64,
        iat: now,
        nbf: now,
        jti: uuid::Uuid::new_v4().to_string(),
        sv: secret_version,
    };
    let mut header = Header::new(ALGORITHM);
    header.kid = Some(keys.current.kid.clone());
    encode(&header, &claims, keys.current.encoding_key())
}

/// Why a token was refused; all of them answer 401 `invalid_token`, the reason goes to the log.
#[derive(Debug, PartialEq, Eq)]
pub enum Rejection {
    /// Not a JWT, or an algorithm jsonwebtoken does not know (`none`).
    Malformed,
    /// Any other algorithm than EdDSA: HS256 keyed with our public key stops here.
    WrongAlgorithm,
    UnknownKey,
    BadSignatureOrClaims,
    Expired,
}

/// The `kid` of a token that claims our algorithm; nothing is trusted yet.
pub fn key_id(token: &str) -> Result<String, Rejection> {
    let header = decode_header(token).map_err(|_| Rejection::Malformed)?;
    if header.alg != ALGORITHM {
        return Err(Rejection::WrongAlgorithm);
    }
    header.kid.ok_or(Rejection::UnknownKey)
}

/// Checks the signature with one public key, and the claims.
pub fn verify_with(key: &DecodingKey, token: &str) -> Result<Claims, Rejection> {
    let mut v = Validation::new(ALGORITHM);
    v.set_issuer(&[ISSUER]);
    v.set_audience(&[AUDIENCE]);
    v.set_required_spec_claims(&["exp", "iat", "nbf", "iss", "aud", "sub"]);
    v.validate_nbf = true;
    // The leeway is for `nbf`: a token is used at once, possibly on a container whose clock
    // is a little behind the one that issued it. Expiry gets none (below): a token lasts
    // exactly `expires_in` seconds.
    v.leeway = 5;
    let claims = decode::<Claims>(token, key, &v)
        .map(|d| d.claims)
        .map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => Rejection::Expired,
            _ => Rejection::BadSignatureOrClaims,
        })?;
    if claims.exp <= jsonwebtoken::get_current_timestamp() as i64 {
        return Err(Rejection::Expired);
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn keys() -> SigningKeys {
        SigningKeys::parse("a-test-key-that-is-long-enough-0123456789").unwrap()
    }

    fn public(keys: &SigningKeys) -> DecodingKey {
        DecodingKey::from_ed_components(&keys.current.jwk.x).unwrap()
    }

    #[test]
    fn round_trips() {
        let k = keys();
        let c = ClientId::parse("client-1").unwrap();
        let t = issue(&k, &c, 3, 3600).unwrap();
        assert_eq!(key_id(&t).unwrap(), k.current.kid);
        let claims = verify_with(&public(&k), &t).unwrap();
        assert_eq!(claims.sub, "client-1");
        assert_eq!(claims.sv, 3);
    }

    #[test]
    fn refuses_other_algorithms_and_garbage() {
        let k = keys();
        assert_eq!(key_id("garbage"), Err(Rejection::Malformed));
        let t = issue(&k, &ClientId::parse("c").unwrap(), 1, 60).unwrap();
        let parts: Vec<&str> = t.split('.').collect();
        let none_header = URL_SAFE_NO_PAD.encode(format!(
            r#"{{"alg":"none","typ":"JWT","kid":"{}"}}"#,
            k.current.kid
        ));
        let forged = format!("{none_header}.{}.", parts[1]);
        // jsonwebtoken has no `none` algorithm at all: the header does not even parse.
        assert_eq!(key_id(&forged), Err(Rejection::Malformed));
        // HS256 keyed with the public key's bytes: the classic algorithm confusion.
        let mut h = Header::new(Algorithm::HS256);
        h.kid = Some(k.current.kid.clone());
        let claims: Claims = verify_with(&public(&k), &t).unwrap();
        let confused = encode(
            &h,
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(k.current.jwk.x.as_bytes()),
        )
        .unwrap();
        assert_eq!(key_id(&confused), Err(Rejection::WrongAlgorithm));
        assert_eq!(
            verify_with(&public(&k), &confused),
            Err(Rejection::BadSignatureOrClaims),
            "even past the header check"
        );
    }
}
