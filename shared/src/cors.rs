//! CORS for the origins `CORS_ALLOWED_ORIGINS` lists (exact origins; none by default, and
//! then no CORS header at all): a listed origin's preflight of a route is answered 204,
//! and every answer to it says which headers a browser may read. An unlisted origin gets
//! none of it, so a browser keeps its page from reading our answers. On AWS the HTTP API's
//! own CORS configuration takes the same list (template parameter `CorsAllowedOrigins`).

use crate::config::ConfigError;
use crate::headers;
use http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, ORIGIN, VARY,
};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use lambda_http::{Body, Response};

/// The variable that lists the origins.
pub const ORIGINS_VAR: &str = "CORS_ALLOWED_ORIGINS";

/// How long a browser may keep a preflight's answer, in seconds.
pub const MAX_AGE_SECS: u32 = 600;

/// The methods a preflight allows: every method a route takes.
const METHODS: &str = "GET, POST, PATCH, DELETE, OPTIONS";

#[derive(Clone, Debug, Default)]
pub struct Cors {
    origins: Vec<String>,
}

impl Cors {
    /// The origins of `value`, each `scheme://host[:port]` exactly as a browser sends it.
    pub fn parse(value: Option<&str>) -> Result<Self, ConfigError> {
        let mut origins = Vec::new();
        for raw in value.unwrap_or_default().split(',').map(str::trim) {
            if raw.is_empty() {
                continue;
            }
            let bad = |why: &str| ConfigError::Malformed {
                name: ORIGINS_VAR,
                why: format!("{raw:?} is not an origin ({why})"),
            };
            let url = url::Url::parse(raw).map_err(|e| bad(&e.to_string()))?;
            if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
                return Err(bad("expected http(s)://host[:port]"));
            }
            if url.origin().ascii_serialization() != raw.trim_end_matches('/') || raw.ends_with('/')
            {
                return Err(bad("no path, query or trailing slash"));
            }
            origins.push(raw.to_owned());
        }
        Ok(Self { origins })
    }

    pub fn is_on(&self) -> bool {
        !self.origins.is_empty()
    }

    /// The request's origin, when it is a listed one.
    pub fn listed<'a>(&self, request: &'a HeaderMap) -> Option<&'a HeaderValue> {
        let origin = request.get(ORIGIN)?;
        let text = origin.to_str().ok()?;
        self.origins.iter().any(|o| o == text).then_some(origin)
    }

    /// The answer to a preflight (`OPTIONS` with an origin) of a path that has routes;
    /// `None` for any other request, which goes its usual way.
    pub fn preflight(
        &self,
        method: &Method,
        request: &HeaderMap,
        path_has_routes: bool,
    ) -> Option<Response<Body>> {
        if method != Method::OPTIONS || !path_has_routes {
            return None;
        }
        let origin = self.listed(request)?.clone();
        let mut r = Response::new(Body::Empty);
        *r.status_mut() = StatusCode::NO_CONTENT;
        let h = r.headers_mut();
        h.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        h.insert(
            ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(METHODS),
        );
        h.insert(ACCESS_CONTROL_ALLOW_HEADERS, allowed_headers());
        h.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from(MAX_AGE_SECS));
        h.insert(VARY, HeaderValue::from_static("Origin"));
        // Every answer carries a request id, this one too (it is logged nowhere, but a
        // client that reports every answer's id finds one).
        if let Ok(id) = HeaderValue::from_str(&crate::request::new_request_id()) {
            h.insert(headers::REQUEST_ID, id);
        }
        Some(r)
    }

    /// Adds what a listed origin's page may read to an answer (nothing for another one).
    pub fn decorate(&self, origin: Option<&HeaderValue>, response: &mut Response<Body>) {
        if !self.is_on() {
            return;
        }
        let h = response.headers_mut();
        // The answer depends on the origin: caches must keep them apart.
        h.append(VARY, HeaderValue::from_static("Origin"));
        let Some(origin) = origin else {
            return;
        };
        h.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
        h.insert(ACCESS_CONTROL_EXPOSE_HEADERS, exposed_headers());
    }
}

fn list(names: &[&str]) -> HeaderValue {
    HeaderValue::from_str(&names.join(", ")).expect("header names are visible ASCII")
}

/// What a page may send besides the CORS-safe headers.
fn allowed_headers() -> HeaderValue {
    use headers::shown::*;
    list(&[
        AUTHORIZATION,
        CONTENT_TYPE,
        IDEMPOTENCY_KEY,
        IF_MATCH,
        IF_NONE_MATCH,
    ])
}

/// What a page may read besides the CORS-safe headers.
fn exposed_headers() -> HeaderValue {
    use headers::shown::*;
    list(&[
        ETAG,
        REQUEST_ID,
        RATE_LIMIT,
        RATE_REMAINING,
        RATE_RESET,
        RETRY_AFTER,
        IDEMPOTENT_REPLAYED,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_exact_and_checked() {
        let c = Cors::parse(Some(" https://app.example.com, http://localhost:5173 ")).unwrap();
        let mut h = HeaderMap::new();
        h.insert(ORIGIN, HeaderValue::from_static("http://localhost:5173"));
        assert!(c.listed(&h).is_some());
        h.insert(
            ORIGIN,
            HeaderValue::from_static("https://app.example.com.evil.com"),
        );
        assert!(c.listed(&h).is_none());
        assert!(!Cors::parse(None).unwrap().is_on());
        assert!(!Cors::parse(Some("")).unwrap().is_on());
        for bad in [
            "example.com",
            "https://a.com/path",
            "https://a.com/",
            "ftp://a.com",
            "*",
        ] {
            assert!(Cors::parse(Some(bad)).is_err(), "{bad}");
        }
    }
}
