//! `Idempotency-Key` on writes: the key, the request fingerprint and replays.

use crate::error::ApiError;
use crate::ids::ClientId;
use crate::request;
use crate::response::Reply;
use crate::store::{IdemKey, IdemRecord};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::{HeaderName, HeaderValue, StatusCode};
use lambda_http::Request;
use sha2::{Digest, Sha256};

pub const HEADER: &str = "idempotency-key";

/// The caller's key, if it sent one: 1..=255 visible ASCII characters.
pub fn key(req: &Request, client: &ClientId) -> Result<Option<IdemKey>, ApiError> {
    let mut values = req.headers().get_all(HEADER).iter();
    let Some(v) = values.next() else {
        return Ok(None);
    };
    let bad = || {
        ApiError::invalid_field(
            "Idempotency-Key",
            "Idempotency-Key must be 1 to 255 visible ASCII characters, sent once",
        )
    };
    if values.next().is_some() {
        return Err(bad());
    }
    let bytes = v.as_bytes();
    if bytes.is_empty() || bytes.len() > 255 || !bytes.iter().all(|b| (0x21..=0x7e).contains(b)) {
        return Err(bad());
    }
    Ok(Some(IdemKey {
        client_id: client.clone(),
        key: String::from_utf8_lossy(bytes).into_owned(),
    }))
}

/// What makes two requests "the same": method, path and the exact body bytes.
pub fn fingerprint(req: &Request) -> String {
    let mut h = Sha256::new();
    h.update(req.method().as_str().as_bytes());
    h.update(b"\n");
    h.update(req.uri().path().as_bytes());
    h.update(b"\n");
    h.update(request::body_bytes(req));
    URL_SAFE_NO_PAD.encode(h.finalize())
}

/// The stored answer to send again, or 409 when the key was used for another request.
pub fn replay(record: &IdemRecord, fingerprint: &str) -> Result<Reply, ApiError> {
    if record.fingerprint != fingerprint {
        return Err(ApiError::IdempotencyConflict);
    }
    let mut reply = Reply {
        status: StatusCode::from_u16(record.status).map_err(ApiError::internal)?,
        payload: serde_json::Value::Null,
        headers: vec![(
            HeaderName::from_static("idempotent-replayed"),
            HeaderValue::from_static("true"),
        )],
        raw_body: Some(record.body.clone()),
    };
    if let Some(etag) = record
        .etag
        .as_deref()
        .and_then(|e| HeaderValue::from_str(e).ok())
    {
        reply.headers.push((http::header::ETAG, etag));
    }
    Ok(reply)
}
