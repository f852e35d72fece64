//! Reading what a request carries: its id, caller IP, bearer token and body.

use crate::error::ApiError;
use http::header;
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt};
use serde::de::DeserializeOwned;

/// Largest body we parse; stash bodies are a few KiB.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

pub fn new_request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The caller's IP: API Gateway's `requestContext.http.sourceIp` (pirros-local sets the
/// same field from the socket).
pub fn source_ip(req: &Request) -> String {
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.http.source_ip.clone(),
        _ => None,
    }
    .unwrap_or_else(|| "unknown".to_owned())
}

pub fn header_str(req: &Request, name: impl header::AsHeaderName) -> Option<&str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// The token of `Authorization: Bearer <token>` (scheme case-insensitive).
pub fn bearer_token(req: &Request) -> Result<&str, ApiError> {
    let value = header_str(req, header::AUTHORIZATION)
        .ok_or(ApiError::InvalidToken("Missing bearer token"))?;
    let (scheme, token) = value
        .split_once(' ')
        .ok_or(ApiError::InvalidToken("Malformed Authorization header"))?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(ApiError::InvalidToken("Malformed Authorization header"));
    }
    Ok(token)
}

pub fn body_bytes(req: &Request) -> &[u8] {
    match req.body() {
        Body::Empty => &[],
        Body::Text(t) => t.as_bytes(),
        Body::Binary(b) => b,
        _ => &[],
    }
}

/// The media type of the body, lower-cased, without parameters.
pub fn content_type(req: &Request) -> Option<String> {
    header_str(req, header::CONTENT_TYPE).map(|v| {
        v.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    })
}

/// A strict JSON body: `application/json`, within size, matching `T` (which should deny
/// unknown fields). Serde's message names the offending field.
pub fn json_body<T: DeserializeOwned>(req: &Request) -> Result<T, ApiError> {
    match content_type(req).as_deref() {
        Some("application/json") => {}
        _ => {
            return Err(ApiError::invalid_field(
                "Content-Type",
                "Content-Type must be application/json",
            ));
        }
    }
    let bytes = body_bytes(req);
    if bytes.len() > MAX_BODY_BYTES {
        return Err(ApiError::invalid(format!(
            "Body is larger than {MAX_BODY_BYTES} bytes"
        )));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::invalid(
            "Body is empty; a JSON object is required",
        ));
    }
    serde_json::from_slice(bytes).map_err(|e| body_error(&e))
}

fn body_error(e: &serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    let msg = e.to_string();
    match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => {
            ApiError::invalid(format!("Body is not valid JSON: {msg}"))
        }
        Category::Data => {
            let field = msg.split('`').nth(1).map(str::to_owned).unwrap_or_default();
            if field.is_empty() {
                ApiError::invalid(format!("Body does not match the schema: {msg}"))
            } else {
                ApiError::invalid_field(&field, format!("Body does not match the schema: {msg}"))
            }
        }
    }
}
