//! Every header name the API reads or sends, declared once: the name on the wire (a
//! `HeaderName`, lower case) and, in `shown`, the spelling the OpenAPI document and error
//! messages use.

use http::{HeaderName, header};

macro_rules! headers {
    ($($(#[$doc:meta])* $name:ident = $wire:expr, $shown:literal;)*) => {
        $(
            $(#[$doc])*
            pub const $name: HeaderName = $wire;
        )*

        /// The headers as the documentation spells them.
        pub mod shown {
            $(pub const $name: &str = $shown;)*
        }

        /// Every header of this module: wire name and spelling.
        pub fn all() -> Vec<(HeaderName, &'static str)> {
            vec![$(($name, $shown)),*]
        }
    };
}

headers! {
    /// The request's id on every response, the same as `meta.request_id`.
    REQUEST_ID = HeaderName::from_static("x-request-id"), "X-Request-Id";
    /// Requests allowed per hour for the credential.
    RATE_LIMIT = HeaderName::from_static("x-ratelimit-limit"), "X-RateLimit-Limit";
    /// Requests left in the current hour.
    RATE_REMAINING = HeaderName::from_static("x-ratelimit-remaining"), "X-RateLimit-Remaining";
    /// When the current rate window ends, in Unix seconds.
    RATE_RESET = HeaderName::from_static("x-ratelimit-reset"), "X-RateLimit-Reset";
    /// The caller's key that makes a write safe to retry.
    IDEMPOTENCY_KEY = HeaderName::from_static("idempotency-key"), "Idempotency-Key";
    /// `true` on the remembered answer to an earlier write with the same key.
    IDEMPOTENT_REPLAYED = HeaderName::from_static("idempotent-replayed"), "Idempotent-Replayed";
    ETAG = header::ETAG, "ETag";
    IF_MATCH = header::IF_MATCH, "If-Match";
    IF_NONE_MATCH = header::IF_NONE_MATCH, "If-None-Match";
    ALLOW = header::ALLOW, "Allow";
    RETRY_AFTER = header::RETRY_AFTER, "Retry-After";
    WWW_AUTHENTICATE = header::WWW_AUTHENTICATE, "WWW-Authenticate";
    AUTHORIZATION = header::AUTHORIZATION, "Authorization";
    CONTENT_TYPE = header::CONTENT_TYPE, "Content-Type";
    CACHE_CONTROL = header::CACHE_CONTROL, "Cache-Control";
    PRAGMA = header::PRAGMA, "Pragma";
    ACCEPT = header::ACCEPT, "Accept";
    /// `nosniff` on every response: a browser takes each body as the type it is sent as.
    CONTENT_TYPE_OPTIONS = header::X_CONTENT_TYPE_OPTIONS, "X-Content-Type-Options";
    /// What the `/docs` pages may load and run.
    CONTENT_SECURITY_POLICY = header::CONTENT_SECURITY_POLICY, "Content-Security-Policy";
    /// `DENY` on the `/docs` pages: no other site can frame the console.
    FRAME_OPTIONS = header::X_FRAME_OPTIONS, "X-Frame-Options";
    REFERRER_POLICY = header::REFERRER_POLICY, "Referrer-Policy";
    /// What a webhook delivery carries (Standard Webhooks): the event's id, when the
    /// attempt was signed, and its signatures.
    WEBHOOK_ID = HeaderName::from_static("webhook-id"), "webhook-id";
    WEBHOOK_TIMESTAMP = HeaderName::from_static("webhook-timestamp"), "webhook-timestamp";
    WEBHOOK_SIGNATURE = HeaderName::from_static("webhook-signature"), "webhook-signature";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_are_the_wire_names() {
        for (name, shown) in all() {
            assert_eq!(shown.to_ascii_lowercase(), name.as_str());
        }
    }
}
