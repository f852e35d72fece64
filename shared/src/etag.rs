//! A stash's version as an HTTP entity tag (`"v3"`), and `If-Match`, which asks for one.

use crate::error::ApiError;
use crate::headers::{self, shown};
use crate::openapi::{HeaderSyntax, header_parameter};
use http::HeaderValue;
use lambda_http::Request;
use std::fmt;
use utoipa::IntoParams;
use utoipa::openapi::path::{Parameter, ParameterIn};

/// What `If-Match` may be: `*` or our tags, weak or strong, comma-separated (19 digits at
/// most: every such number is a `u64`).
pub const SYNTAX: HeaderSyntax = HeaderSyntax {
    pattern: r#"^(\*|(W/)?"v[0-9]{1,19}"([ \t]*,[ \t]*(W/)?"v[0-9]{1,19}")*)$"#,
    format: Some("version-tags"),
    example: "\"v3\"",
};

/// The `ETag` of version `n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ETag(pub u64);

impl fmt::Display for ETag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"v{}\"", self.0)
    }
}

impl ETag {
    pub fn header_value(self) -> HeaderValue {
        HeaderValue::from_str(&self.to_string()).expect("ASCII")
    }
}

/// `If-Match` with at least one of our tags: the versions it accepts (`*` asks for none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IfMatch(Vec<u64>);

impl IfMatch {
    /// The precondition the request carries; missing or `*` is none. Several `If-Match`
    /// lines are one list (RFC 9110 §5.3).
    pub fn from_request(req: &Request) -> Result<Option<Self>, ApiError> {
        let bad = || {
            ApiError::invalid_field(
                shown::IF_MATCH,
                "If-Match must be an ETag returned by this API, like \"v3\"",
            )
        };
        let mut lines = req.headers().get_all(headers::IF_MATCH).iter().peekable();
        if lines.peek().is_none() {
            return Ok(None);
        }
        let mut joined = String::new();
        for line in lines {
            if !joined.is_empty() {
                joined.push(',');
            }
            joined.push_str(line.to_str().map_err(|_| bad())?);
        }
        if joined.trim() == "*" {
            return Ok(None);
        }
        let mut versions = Vec::new();
        for tag in joined.split(',') {
            let t = tag.trim();
            // At most one weak marker, and 1 to 19 digits only (`u64::from_str` would take
            // a sign; every 19-digit number is a `u64`).
            let t = t.strip_prefix("W/").unwrap_or(t);
            let digits = t
                .strip_prefix("\"v")
                .and_then(|r| r.strip_suffix('"'))
                .filter(|n| (1..=19).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(bad)?;
            // `"v07"` is a tag this API never sends, so no version matches it (tags compare
            // as strings, not as the numbers in them).
            if digits.len() == 1 || !digits.starts_with('0') {
                versions.push(digits.parse::<u64>().map_err(|_| bad())?);
            }
        }
        Ok(Some(Self(versions)))
    }

    pub fn allows(&self, version: u64) -> bool {
        self.0.contains(&version)
    }
}

impl IntoParams for IfMatch {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![header_parameter(
            shown::IF_MATCH,
            "`*`, or one or more `ETag`s of this resource (`\"v3\"`, weak or strong, \
             comma-separated): the write applies only if the resource is still at one of \
             them, else 409 `stale_precondition`. Without it the write applies to the \
             resource as it is.",
            SYNTAX,
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn if_match(v: &str) -> Result<Option<IfMatch>, ApiError> {
        let req = http::Request::builder()
            .header(headers::IF_MATCH, v)
            .body(lambda_http::Body::Empty)
            .unwrap();
        IfMatch::from_request(&req)
    }

    #[test]
    fn several_lines_are_one_list() {
        let req = http::Request::builder()
            .header(headers::IF_MATCH, "\"v1\"")
            .header(headers::IF_MATCH, "W/\"v4\"")
            .body(lambda_http::Body::Empty)
            .unwrap();
        let m = IfMatch::from_request(&req).unwrap().unwrap();
        assert!(m.allows(1) && m.allows(4) && !m.allows(2));
    }

    #[test]
    fn only_our_tags_are_preconditions() {
        assert_eq!(ETag(3).to_string(), "\"v3\"");
        assert_eq!(if_match("*").unwrap(), None);
        let m = if_match("W/\"v2\",\t\"v5\"").unwrap().unwrap();
        assert!(m.allows(2) && m.allows(5) && !m.allows(3));
        // A tag this API never sends matches no version; more digits than a tag has is
        // no tag at all.
        assert!(!if_match("\"v07\"").unwrap().unwrap().allows(7));
        assert!(if_match("\"v0\"").unwrap().unwrap().allows(0));
        for bad in [
            "\"v+1\"",
            "W/W/\"v1\"",
            "\"v 1\"",
            "\"v-1\"",
            "",
            "v1",
            "\"v18446744073709551615\"",
            "\"v99999999999999999999\"",
        ] {
            assert_eq!(
                if_match(bad).unwrap_err().code(),
                "invalid_request",
                "{bad}"
            );
        }
    }
}
