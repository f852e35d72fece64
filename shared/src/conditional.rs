//! Conditional reads: every single-resource GET answers an `ETag`, and `If-None-Match`
//! with that tag answers 304 with no body. The request still counts against the rate
//! limit and the 304 still carries `X-Request-Id` and the `X-RateLimit-*` headers.
//!
//! A stash's tag is its version (`"v3"`, the one `If-Match` takes). Any other resource's
//! tag is a digest of the exact JSON its `response` carries, `expanded` included: it
//! changes whenever a byte of the answer does (an update, a renamed tag under
//! `include=tags`, a grant that hides an expanded tag), and two `include`s of one resource
//! are two representations with two tags.

use crate::api::V1Call;
use crate::error::ApiError;
use crate::etag::ETag;
use crate::headers::{self, shown};
use crate::openapi::{HeaderSyntax, header_parameter};
use crate::request::header_str;
use crate::response::Reply;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::{HeaderValue, StatusCode};
use lambda_http::Request;
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::IntoParams;
use utoipa::openapi::path::{Parameter, ParameterIn};

/// What `If-None-Match` may be: `*` or entity tags (RFC 9110), weak or strong,
/// comma-separated.
const SYNTAX: HeaderSyntax = HeaderSyntax {
    pattern: r#"^(\*|(W/)?"[!#-~]*"([ \t]*,[ \t]*(W/)?"[!#-~]*")*)$"#,
    format: Some("entity-tags"),
    example: "\"v3\"",
};

/// A strong entity tag, quotes included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntityTag(String);

impl EntityTag {
    /// A stash's version.
    pub fn version(v: u64) -> Self {
        Self(ETag(v).to_string())
    }

    /// The digest of `payload`'s JSON: 128 bits of SHA-256, base64url.
    pub fn of<T: Serialize>(payload: &T) -> Result<Self, ApiError> {
        let mut hasher = Sha256::new();
        serde_json::to_writer(&mut hasher, payload).map_err(ApiError::internal)?;
        let digest = hasher.finalize();
        Ok(Self(format!(
            "\"{}\"",
            URL_SAFE_NO_PAD.encode(&digest[..16])
        )))
    }

    /// The tag without its quotes: what weak comparison compares.
    fn opaque(&self) -> &str {
        &self.0[1..self.0.len() - 1]
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn header_value(&self) -> HeaderValue {
        HeaderValue::from_str(&self.0).expect("base64url or digits between quotes")
    }
}

/// `If-None-Match`: the tags of the copies the caller holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IfNoneMatch {
    /// `*`: any current representation.
    Any,
    /// The tags, without quotes or weak markers.
    Tags(Vec<String>),
}

fn malformed() -> ApiError {
    ApiError::invalid_field(
        shown::IF_NONE_MATCH,
        "If-None-Match must be * or entity tags in quotes, like \"v3\" or W/\"v3\"",
    )
}

/// `[ \t]*` from `i`.
fn blanks(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t') {
        i += 1;
    }
    i
}

impl IfNoneMatch {
    /// The condition the request carries, if any; anything `SYNTAX` refuses is a 400.
    pub fn from_request(req: &Request) -> Result<Option<Self>, ApiError> {
        header_str(req, headers::IF_NONE_MATCH)
            .map(Self::parse)
            .transpose()
    }

    fn parse(v: &str) -> Result<Self, ApiError> {
        if v == "*" {
            return Ok(Self::Any);
        }
        let b = v.as_bytes();
        let mut tags = Vec::new();
        let mut i = 0;
        loop {
            if b[i..].starts_with(b"W/") {
                i += 2;
            }
            if b.get(i) != Some(&b'"') {
                return Err(malformed());
            }
            let start = i + 1;
            let len = b[start..]
                .iter()
                .position(|c| *c == b'"')
                .ok_or_else(malformed)?;
            let tag = &v[start..start + len];
            // etagc: `!` and `#` to `~` (no blanks, quotes or control bytes).
            if !tag.bytes().all(|c| c == b'!' || (b'#'..=b'~').contains(&c)) {
                return Err(malformed());
            }
            tags.push(tag.to_owned());
            i = start + len + 1;
            if i == b.len() {
                return Ok(Self::Tags(tags));
            }
            i = blanks(b, i);
            if b.get(i) != Some(&b',') {
                return Err(malformed());
            }
            i = blanks(b, i + 1);
        }
    }

    /// Weak comparison (RFC 9110): a `W/` tag matches the strong tag it names.
    pub fn matches(&self, tag: &EntityTag) -> bool {
        match self {
            Self::Any => true,
            Self::Tags(tags) => tags.iter().any(|t| t == tag.opaque()),
        }
    }
}

impl IntoParams for IfNoneMatch {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![header_parameter(
            shown::IF_NONE_MATCH,
            "The `ETag`s of copies you hold (or `*`): when the resource's current tag is one \
             of them the answer is 304 with no body. Still counts against the rate limit.",
            SYNTAX,
        )]
    }
}

impl V1Call {
    /// A single resource's 200 with its `ETag`, or a bodiless 304 when `If-None-Match`
    /// names that tag.
    pub fn reply_tagged<T: Serialize>(
        &self,
        payload: &T,
        tag: EntityTag,
    ) -> Result<Reply, ApiError> {
        let fresh = IfNoneMatch::from_request(&self.request)?;
        let reply = if fresh.is_some_and(|c| c.matches(&tag)) {
            Reply::new(StatusCode::NOT_MODIFIED, String::new())
        } else {
            self.reply(payload)?
        };
        Ok(reply.with_header(headers::ETAG, tag.header_value()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(v: &str) -> Result<IfNoneMatch, ApiError> {
        IfNoneMatch::parse(v)
    }

    #[test]
    fn tags_weak_or_strong_and_star() {
        let v3 = EntityTag::version(3);
        assert_eq!(v3.as_str(), "\"v3\"");
        assert!(parse("*").unwrap().matches(&v3));
        assert!(parse("\"v3\"").unwrap().matches(&v3));
        assert!(parse("W/\"v3\"").unwrap().matches(&v3));
        assert!(parse("\"a,b\" ,\t\"v3\"").unwrap().matches(&v3));
        assert!(!parse("\"v4\", W/\"v33\"").unwrap().matches(&v3));
        assert_eq!(
            parse("\"\"").unwrap(),
            IfNoneMatch::Tags(vec![String::new()])
        );
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "",
            "v3",
            "\"v3",
            "W/W/\"v3\"",
            "\"v 3\"",
            "\"v3\",",
            "\"v3\" \"v4\"",
            "**",
            " *",
            "\"v3\" ",
            "w/\"v3\"",
            "\"\u{e9}\"",
        ] {
            let e = parse(bad).unwrap_err();
            assert_eq!(e.code(), "invalid_request", "{bad:?}");
        }
    }

    #[test]
    fn content_tags_follow_every_byte() {
        let a = EntityTag::of(&serde_json::json!({"name": "a"})).unwrap();
        let b = EntityTag::of(&serde_json::json!({"name": "b"})).unwrap();
        assert_ne!(a, b);
        assert_eq!(a, EntityTag::of(&serde_json::json!({"name": "a"})).unwrap());
        assert_eq!(a.as_str().len(), 24);
        assert!(parse(a.as_str()).unwrap().matches(&a));
    }
}
