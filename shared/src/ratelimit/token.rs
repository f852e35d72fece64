//! `/oauth/token` attempts: `TOKEN_RATE_LIMIT_ATTEMPTS` per client id and source IP (the
//! documented limit), and `TOKEN_RATE_LIMIT_CLIENT_ATTEMPTS` per client id over all IPs, so guessing
//! from many addresses gains nothing. Fixed windows: a success resets both counters.

use super::{key_part, window};
use crate::config::Config;
use crate::store::AccessStore;
use crate::timestamp::Timestamp;

/// The limiter's answer for one attempt.
#[derive(Debug, PartialEq, Eq)]
pub enum TokenVerdict {
    Allowed,
    /// Over a limit: 429 with this `Retry-After`.
    Exceeded {
        retry_after: u64,
    },
    /// A counter could not be updated: 429 unless storage is down altogether (503).
    CounterFailed,
}

pub struct TokenLimiter<'a> {
    pub store: &'a dyn AccessStore,
    pub config: &'a Config,
}

impl TokenLimiter<'_> {
    fn keys(&self, client: &str, ip: &str, start: i64) -> [String; 2] {
        let client = key_part(client);
        [
            format!("TOKEN#{client}#{}#{start}", key_part(ip)),
            format!("TOKENC#{client}#{start}"),
        ]
    }

    /// Counts one attempt by `client` from `ip` against both limits.
    pub async fn attempt(&self, client: &str, ip: &str) -> TokenVerdict {
        let cfg = self.config;
        let now = Timestamp::now().secs();
        let (start, end) = window(now, cfg.token_rate_limit_window_secs);
        let expires = Timestamp::from_millis(end * 1000);
        let [per_ip, per_client] = self.keys(client, ip, start);
        let (a, b) = tokio::join!(
            self.store
                .hit_rate_limit(&per_ip, cfg.token_rate_limit_attempts, expires),
            self.store
                .hit_rate_limit(&per_client, cfg.token_rate_limit_client_attempts, expires),
        );
        match (a, b) {
            (Ok(a), Ok(b)) if a.allowed && b.allowed => TokenVerdict::Allowed,
            (Ok(_), Ok(_)) => TokenVerdict::Exceeded {
                retry_after: (end - now).max(1) as u64,
            },
            (Err(e), _) | (_, Err(e)) => {
                tracing::warn!(error = %e, "token rate counter unavailable; refusing (fail closed)");
                TokenVerdict::CounterFailed
            }
        }
    }

    /// A successful token response resets the counters, as the API documents.
    pub async fn success(&self, client: &str, ip: &str) {
        let (start, _) = window(
            Timestamp::now().secs(),
            self.config.token_rate_limit_window_secs,
        );
        let [per_ip, per_client] = self.keys(client, ip, start);
        let (a, b) = tokio::join!(
            self.store.reset_rate_limit(&per_ip),
            self.store.reset_rate_limit(&per_client)
        );
        if let Err(e) = a.and(b) {
            tracing::warn!(error = %e, "could not reset the token rate limit");
        }
    }
}
