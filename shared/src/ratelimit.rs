//! Rate limits: fixed windows counted in storage with one atomic conditional update.
//! The token limiter fails closed (it guards against guessing secrets); the API limiter
//! fails open (it protects capacity, and the credential read beside it fails closed anyway).

use crate::error::ApiError;
use crate::store::Store;
use crate::timestamp::Timestamp;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateStatus {
    pub limit: u64,
    pub remaining: u64,
    pub reset_epoch_secs: i64,
}

/// The fixed window containing `now`: (start, end) in seconds.
fn window(now_secs: i64, len: u64) -> (i64, i64) {
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

pub struct Limiter<'a> {
    pub store: &'a dyn Store,
}

impl Limiter<'_> {
    /// One `/v1` request of a credential. `Ok(Err(..))` is the 429 with its status.
    pub async fn api_hit(
        &self,
        client: &str,
        limit: u64,
    ) -> Result<RateStatus, (ApiError, Option<RateStatus>)> {
        let now = Timestamp::now().secs();
        let (start, end) = window(now, 3600);
        let key = format!("API#{}#{start}", key_part(client));
        match self
            .store
            .hit_rate_limit(&key, limit, Timestamp::from_millis(end * 1000))
            .await
        {
            Ok(hit) => {
                let status = RateStatus {
                    limit,
                    remaining: limit.saturating_sub(hit.count),
                    reset_epoch_secs: end,
                };
                if hit.allowed {
                    Ok(status)
                } else {
                    Err((
                        ApiError::TooManyRequests {
                            retry_after: (end - now).max(1) as u64,
                        },
                        Some(status),
                    ))
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "API rate limiter unavailable; failing open");
                Ok(RateStatus {
                    limit,
                    remaining: limit,
                    reset_epoch_secs: end,
                })
            }
        }
    }

    fn token_key(client: &str, ip: &str, start: i64) -> String {
        format!("TOKEN#{}#{}#{start}", key_part(client), key_part(ip))
    }

    /// One token attempt by `client` from `ip`; fails closed.
    pub async fn token_attempt(
        &self,
        client: &str,
        ip: &str,
        attempts: u64,
        window_secs: u64,
    ) -> Result<(), ApiError> {
        let now = Timestamp::now().secs();
        let (start, end) = window(now, window_secs);
        let hit = self
            .store
            .hit_rate_limit(
                &Self::token_key(client, ip, start),
                attempts,
                Timestamp::from_millis(end * 1000),
            )
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "token rate limiter unavailable; failing closed");
                ApiError::ServiceUnavailable("Token service temporarily unavailable")
            })?;
        if hit.allowed {
            Ok(())
        } else {
            Err(ApiError::TooManyRequests {
                retry_after: (end - now).max(1) as u64,
            })
        }
    }

    /// A successful token response resets the counter (the guide).
    pub async fn token_success(&self, client: &str, ip: &str, window_secs: u64) {
        let (start, _) = window(Timestamp::now().secs(), window_secs);
        if let Err(e) = self
            .store
            .reset_rate_limit(&Self::token_key(client, ip, start))
            .await
        {
            tracing::warn!(error = %e, "could not reset the token rate limit");
        }
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
