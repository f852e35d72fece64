//! Building HTTP responses: the success envelope and the headers every response carries.

use crate::error::ApiError;
use crate::ratelimit::RateStatus;
use http::{HeaderName, HeaderValue, StatusCode, header};
use lambda_http::{Body, Response};
use serde_json::Value;

pub const X_REQUEST_ID: &str = "x-request-id";

/// A successful `/v1` answer before it is wrapped: status, payload (`response`) and extra headers.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub payload: Value,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// Set when the body is a stored original (idempotent replay) to be sent as it is.
    pub raw_body: Option<String>,
}

impl Reply {
    pub fn ok(payload: Value) -> Self {
        Self {
            status: StatusCode::OK,
            payload,
            headers: Vec::new(),
            raw_body: None,
        }
    }

    pub fn created(payload: Value) -> Self {
        Self {
            status: StatusCode::CREATED,
            ..Self::ok(payload)
        }
    }

    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// The `{response, meta}` envelope as the bytes that go on the wire.
    pub fn body_for(&self, request_id: &str) -> String {
        match &self.raw_body {
            Some(raw) => raw.clone(),
            None => envelope(&self.payload, request_id),
        }
    }
}

#[derive(serde::Serialize)]
struct Meta<'a> {
    request_id: &'a str,
}

#[derive(serde::Serialize)]
struct Envelope<'a> {
    response: &'a Value,
    meta: Meta<'a>,
}

/// Serialises straight from the payload: no copy of it into a wrapping `Value`.
pub fn envelope(payload: &Value, request_id: &str) -> String {
    serde_json::to_string(&Envelope {
        response: payload,
        meta: Meta { request_id },
    })
    .expect("a Value always serialises")
}

/// A single resource: its fields plus `expanded`.
pub fn resource_payload<T: serde::Serialize>(item: &T, expanded: Value) -> Value {
    let mut v = serde_json::to_value(item).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut v {
        map.insert("expanded".into(), expanded);
    }
    v
}

pub fn json_response(status: StatusCode, body: String, request_id: &str) -> Response<Body> {
    let mut resp = Response::new(Body::Text(body));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert(X_REQUEST_ID, v);
    }
    resp
}

pub fn success(reply: Reply, request_id: &str) -> Response<Body> {
    let body = reply.body_for(request_id);
    let mut resp = json_response(reply.status, body, request_id);
    for (k, v) in reply.headers {
        resp.headers_mut().insert(k, v);
    }
    resp
}

pub enum Flavor {
    V1,
    OAuth,
}

pub fn failure(err: &ApiError, flavor: Flavor, request_id: &str) -> Response<Body> {
    let body = match flavor {
        Flavor::V1 => err.v1_body(request_id),
        Flavor::OAuth => err.oauth_body(request_id),
    };
    let mut resp = json_response(err.status(), body.to_string(), request_id);
    let h = resp.headers_mut();
    match err {
        ApiError::TooManyRequests { retry_after } => {
            h.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
        }
        ApiError::InvalidToken(_) => {
            h.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
        }
        ApiError::InvalidClient => {
            h.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"pirros\""),
            );
        }
        ApiError::MethodNotAllowed { allow } => {
            h.insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        ApiError::ServiceUnavailable(_) => {
            h.insert(header::RETRY_AFTER, HeaderValue::from_static("10"));
        }
        _ => {}
    }
    resp
}

/// Stripe-style `X-RateLimit-*` headers on every authenticated `/v1` response.
pub fn add_rate_headers(resp: &mut Response<Body>, rate: &RateStatus) {
    let h = resp.headers_mut();
    h.insert("x-ratelimit-limit", HeaderValue::from(rate.limit));
    h.insert("x-ratelimit-remaining", HeaderValue::from(rate.remaining));
    h.insert(
        "x-ratelimit-reset",
        HeaderValue::from(rate.reset_epoch_secs),
    );
}
