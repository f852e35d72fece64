//! Rate limits, counted in storage with one atomic conditional update per counter. Both
//! limiters fail closed: a counter that cannot be updated (DynamoDB throttling a hot
//! counter item, a timeout) answers 429, because a limiter that gives way under load gives
//! way exactly when it is attacked. A whole-database outage still answers 503: the
//! credential read beside the counter fails too, and it is checked first.

mod api;
pub mod sliding;
mod token;

pub use api::{ApiLimiter, USAGE_DAYS, USAGE_WINDOWS, usage_windows};
pub use token::{TokenLimiter, TokenOutcome, TokenVerdict};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// What the `X-RateLimit-*` headers say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateStatus {
    pub limit: u64,
    pub remaining: u64,
    /// When the current fixed window ends (its count starts over then).
    pub reset_epoch_secs: i64,
}

/// `Retry-After` when a counter could not be updated: storage is struggling, so not at once.
pub const COUNTER_FAILED_RETRY_AFTER: u64 = 10;

/// The fixed window containing `now`: (start, end) in seconds.
pub fn window(now_secs: i64, len: u64) -> (i64, i64) {
    let len = len as i64;
    let start = now_secs - now_secs.rem_euclid(len);
    (start, start + len)
}

/// A storage-safe rendering of caller-supplied text (client ids that may not exist, IPs).
fn key_part(s: &str) -> String {
    if crate::ids::is_plain_id(s) {
        s.to_owned()
    } else {
        URL_SAFE_NO_PAD.encode(&Sha256::digest(s.as_bytes())[..12])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_aligned() {
        assert_eq!(window(3601, 3600), (3600, 7200));
        assert_eq!(window(3600, 3600), (3600, 7200));
        assert_eq!(window(899, 900), (0, 900));
    }
}
