//! Reading what a request carries: its id, caller IP, bearer token and body.

use crate::error::ApiError;
use crate::headers::{self, shown};
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
    let mut given = req.headers().get_all(headers::AUTHORIZATION).iter();
    let value = given
        .next()
        .ok_or(ApiError::InvalidToken("Missing bearer token"))?;
    // Two credentials (a proxy adding one, say): which would act is anyone's guess.
    if given.next().is_some() {
        return Err(ApiError::InvalidToken(
            "Send one Authorization header, not several",
        ));
    }
    // `from_utf8` checks a token's ~1 KB many bytes at a time, where `to_str` goes byte by
    // byte; a byte a token may not hold fails its base64url decoding as `invalid_token`.
    let value = std::str::from_utf8(value.as_bytes())
        .map_err(|_| ApiError::InvalidToken("Malformed Authorization header"))?;
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
    header_str(req, headers::CONTENT_TYPE).map(|v| {
        v.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    })
}

/// A strict JSON object body: `application/json`, within size, matching `T` (which should
/// deny unknown fields). Errors name the offending field by its path.
pub fn json_body<T: DeserializeOwned>(req: &Request) -> Result<T, ApiError> {
    match content_type(req).as_deref() {
        Some("application/json") => {}
        _ => {
            return Err(ApiError::invalid_field(
                shown::CONTENT_TYPE,
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
    // Serde would also accept a JSON array for a struct; the API takes objects only.
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        None => {
            return Err(ApiError::invalid(
                "Body is empty; a JSON object is required",
            ));
        }
        Some(b'{') => {}
        Some(_) => return Err(ApiError::invalid("Body must be a JSON object")),
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| body_error(&e))?;
    de.end()
        .map_err(|e| ApiError::invalid(format!("Body is not valid JSON: {e}")))?;
    Ok(value)
}

fn body_error(e: &serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    use serde_json::error::Category;
    let inner = e.inner();
    let msg = inner.to_string();
    if matches!(
        inner.classify(),
        Category::Syntax | Category::Eof | Category::Io
    ) {
        return ApiError::invalid(format!("Body is not valid JSON: {msg}"));
    }
    // Unknown, missing and repeated fields are named in the message; the path is their
    // parent.
    let named = ["unknown field `", "missing field `", "duplicate field `"]
        .iter()
        .find_map(|p| msg.split(p).nth(1))
        .and_then(|rest| rest.split('`').next());
    let parent = e.path().to_string();
    let field = match (named, parent.as_str()) {
        (Some(f), ".") => f.to_owned(),
        // An unknown field's path already ends with it.
        (Some(f), p) if p == f || p.ends_with(&format!(".{f}")) => p.to_owned(),
        (Some(f), p) => format!("{p}.{f}"),
        (None, p) => p.to_owned(),
    };
    ApiError::invalid_field(&field, format!("Invalid field {field}: {msg}"))
}
