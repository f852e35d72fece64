//! Building HTTP responses: the `/v1` envelope, and the headers every response carries.

use crate::error::{ApiError, Flavor};
use crate::headers;
use crate::ratelimit::RateStatus;
use http::{HeaderName, HeaderValue, StatusCode};
use lambda_http::{Body, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// `meta` of every `/v1` answer.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Meta<'a> {
    /// The same value as the `X-Request-Id` header; quote it to support.
    #[schema(value_type = String, format = Uuid)]
    pub request_id: &'a str,
}

/// Every `/v1` success: `{response, meta}`.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Envelope<'a, T> {
    pub response: T,
    pub meta: Meta<'a>,
}

/// The envelope around `payload` as the bytes that go on the wire, serialised straight from
/// the typed payload.
pub fn envelope<T: Serialize>(payload: &T, request_id: &str) -> Result<String, ApiError> {
    // serde_json starts at 128 bytes: a page of a few resources grew it four or five times
    // over, each time copying what was written.
    let mut out = Vec::with_capacity(ENVELOPE_CAPACITY);
    serde_json::to_writer(
        &mut out,
        &Envelope {
            response: payload,
            meta: Meta { request_id },
        },
    )
    .map_err(ApiError::internal)?;
    String::from_utf8(out).map_err(ApiError::internal)
}

/// What an answer's buffer starts with: a resource or a short page fits.
const ENVELOPE_CAPACITY: usize = 2048;

/// A successful `/v1` answer: status, the whole body and extra headers.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    /// The envelope, serialised (or a remembered one, on an idempotent replay).
    pub body: String,
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl Reply {
    pub fn new(status: StatusCode, body: String) -> Self {
        Self {
            status,
            body,
            headers: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// A 204: done, nothing to answer (no body, no `Content-Type`).
    pub fn no_content() -> Self {
        Self::new(StatusCode::NO_CONTENT, String::new())
    }

    /// The answer with a resource's version as its `ETag` (`"v{version}"`).
    pub fn tagged(self, version: u64) -> Self {
        let tag = crate::etag::ETag(version).header_value();
        self.with_header(crate::headers::ETAG, tag)
    }
}

pub fn json_response(status: StatusCode, body: String, request_id: &str) -> Response<Body> {
    let mut resp = Response::new(Body::Text(body));
    *resp.status_mut() = status;
    // Room for what every answer carries (these four, the rate limit's three, an ETag, CORS)
    // at once, instead of growing the map as they come.
    *resp.headers_mut() = http::HeaderMap::with_capacity(12);
    let h = resp.headers_mut();
    h.insert(
        headers::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    // Answers carry workspace data and tokens: no cache keeps them, and no browser reads
    // them as anything but JSON.
    h.insert(headers::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        headers::CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert(headers::REQUEST_ID, v);
    }
    resp
}

pub fn success(reply: Reply, request_id: &str) -> Response<Body> {
    // A replay is the first answer byte for byte, `meta.request_id` included: its
    // `X-Request-Id` names that request too, so header and body agree and point support at
    // the request that made the write. This request's own id is logged beside it.
    let replayed = reply
        .headers
        .iter()
        .any(|(k, _)| *k == headers::IDEMPOTENT_REPLAYED);
    let first = replayed
        .then(|| request_id_of(&reply.body).map(str::to_owned))
        .flatten();
    if let Some(first) = &first {
        tracing::info!(request_id, replay_of = %first, "idempotent replay");
    }
    let shown_id = first.as_deref().unwrap_or(request_id);
    let mut resp = json_response(reply.status, reply.body, shown_id);
    if reply.status == StatusCode::NOT_MODIFIED || reply.status == StatusCode::NO_CONTENT {
        *resp.body_mut() = Body::Empty;
        resp.headers_mut().remove(headers::CONTENT_TYPE);
    }
    for (k, v) in reply.headers {
        resp.headers_mut().insert(k, v);
    }
    resp
}

/// The `meta.request_id` of an envelope. Only the envelope's own key can read
/// `"meta":{"request_id":"` unescaped, wherever the serialiser put it.
fn request_id_of(envelope: &str) -> Option<&str> {
    const KEY: &str = r#""meta":{"request_id":""#;
    let start = envelope.rfind(KEY)? + KEY.len();
    let len = envelope[start..].find('"')?;
    Some(&envelope[start..start + len])
}

pub fn failure(err: &ApiError, flavor: Flavor, request_id: &str) -> Response<Body> {
    let mut resp = json_response(err.status(), err.body(flavor, request_id), request_id);
    let h = resp.headers_mut();
    match err {
        ApiError::TooManyRequests { retry_after } => {
            h.insert(headers::RETRY_AFTER, HeaderValue::from(*retry_after));
        }
        ApiError::InvalidToken(_) => {
            h.insert(
                headers::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
        }
        ApiError::InvalidClient => {
            h.insert(
                headers::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"pirros\""),
            );
        }
        ApiError::MethodNotAllowed { allow } => {
            if let Ok(v) = HeaderValue::from_str(allow) {
                h.insert(headers::ALLOW, v);
            }
        }
        ApiError::ServiceUnavailable(_) => {
            h.insert(headers::RETRY_AFTER, HeaderValue::from_static("10"));
        }
        ApiError::Contended(_) => {
            h.insert(headers::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        _ => {}
    }
    resp
}

/// Stripe-style `X-RateLimit-*` headers on every authenticated `/v1` response.
pub fn add_rate_headers(resp: &mut Response<Body>, rate: &RateStatus) {
    let h = resp.headers_mut();
    h.insert(headers::RATE_LIMIT, HeaderValue::from(rate.limit));
    h.insert(headers::RATE_REMAINING, HeaderValue::from(rate.remaining));
    h.insert(
        headers::RATE_RESET,
        HeaderValue::from(rate.reset_epoch_secs),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replay_is_known_by_its_first_request_id() {
        let first = envelope(
            &serde_json::json!({"name": "\"meta\":{\"request_id\":\"x"}),
            "r1",
        )
        .unwrap();
        assert_eq!(request_id_of(&first), Some("r1"));
        // Meta first, as a re-serialised envelope may put it.
        assert_eq!(
            request_id_of(r#"{"meta":{"request_id":"r3"},"response":{}}"#),
            Some("r3")
        );
        assert_eq!(request_id_of("{}"), None);
        let replay = Reply::new(StatusCode::CREATED, first.clone()).with_header(
            headers::IDEMPOTENT_REPLAYED,
            HeaderValue::from_static("true"),
        );
        let resp = success(replay, "r2");
        assert_eq!(resp.headers()[headers::REQUEST_ID], "r1");
        let Body::Text(body) = resp.body() else {
            panic!("a text body")
        };
        assert_eq!(*body, first, "the first answer, byte for byte");
        let fresh = success(Reply::new(StatusCode::OK, first.clone()), "r2");
        assert_eq!(fresh.headers()[headers::REQUEST_ID], "r2");
    }
}
