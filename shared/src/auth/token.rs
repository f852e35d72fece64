//! Access tokens: HS256 JWTs with a `kid`, issued by `/oauth/token` and checked on `/v1`.

use super::keys::KeySet;
use crate::ids::ClientId;
use crate::timestamp::Timestamp;
use jsonwebtoken::{
    Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header, encode,
};
use serde::{Deserialize, Serialize};

pub const ISSUER: &str = "https://auth.pirros.com";
pub const AUDIENCE: &str = "https://external-api.pirros.com";

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

pub fn issue(keys: &KeySet, client: &ClientId, secret_version: u64, ttl_secs: u64) -> String {
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
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(keys.current.kid.clone());
    encode(
        &header,
        &claims,
        &EncodingKey::from_secret(&keys.current.secret),
    )
    .expect("HS256 signing of plain claims cannot fail")
}

/// Why a token was refused; all of them answer 401 `invalid_token`, the reason goes to the log.
#[derive(Debug, PartialEq, Eq)]
pub enum Rejection {
    Malformed,
    UnknownKey,
    BadSignatureOrClaims,
    Expired,
}

pub fn verify(keys: &KeySet, token: &str) -> Result<Claims, Rejection> {
    let header = decode_header(token).map_err(|_| Rejection::Malformed)?;
    // Only HS256: `alg: none` and key-confusion tricks with other algorithms stop here.
    if header.alg != Algorithm::HS256 {
        return Err(Rejection::BadSignatureOrClaims);
    }
    let kid = header.kid.ok_or(Rejection::UnknownKey)?;
    let key = keys.find(&kid).ok_or(Rejection::UnknownKey)?;
    let mut v = Validation::new(Algorithm::HS256);
    v.set_issuer(&[ISSUER]);
    v.set_audience(&[AUDIENCE]);
    v.set_required_spec_claims(&["exp", "iat", "nbf", "iss", "aud", "sub"]);
    v.validate_nbf = true;
    v.leeway = 5;
    decode::<Claims>(token, &DecodingKey::from_secret(&key.secret), &v)
        .map(|d| d.claims)
        .map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => Rejection::Expired,
            _ => Rejection::BadSignatureOrClaims,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> KeySet {
        KeySet::parse("a-test-key-that-is-long-enough-for-hs256-0123456789").unwrap()
    }

    #[test]
    fn round_trips() {
        let k = keys();
        let c = ClientId::parse("client-1").unwrap();
        let t = issue(&k, &c, 3, 3600);
        let claims = verify(&k, &t).unwrap();
        assert_eq!(claims.sub, "client-1");
        assert_eq!(claims.sv, 3);
    }

    #[test]
    fn refuses_alg_none_and_garbage() {
        let k = keys();
        assert_eq!(verify(&k, "garbage"), Err(Rejection::Malformed));
        // {"alg":"none","kid":...}.{claims}.
        let t = issue(&k, &ClientId::parse("c").unwrap(), 1, 60);
        let parts: Vec<&str> = t.split('.').collect();
        use base64::Engine;
        let none_header = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!(
            r#"{{"alg":"none","typ":"JWT","kid":"{}"}}"#,
            k.current.kid
        ));
        let forged = format!("{none_header}.{}.", parts[1]);
        assert!(verify(&k, &forged).is_err());
    }
}
