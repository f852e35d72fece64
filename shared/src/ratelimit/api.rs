//! The `/v1` limit: `API_RATE_LIMIT_PER_HOUR` per credential over a sliding window.

use super::{COUNTER_FAILED_RETRY_AFTER, RateStatus, key_part, sliding, window};
use crate::error::ApiError;
use crate::store::{AccessStore, StoreResult};
use crate::timestamp::Timestamp;
use std::collections::HashMap;
use std::sync::Mutex;

/// Clients whose previous-window count a container remembers; when full it starts afresh.
const CAPACITY: usize = 4096;

/// The per-container part of the limiter: a window is read only once it has closed, and a
/// closed window's count no longer changes, so each container reads it once per client.
#[derive(Default)]
pub struct ApiLimiter {
    /// client key → (start of the window, its final count)
    closed: Mutex<HashMap<String, (i64, u64)>>,
    /// client key → when the 429 this container last answered it ends (epoch seconds):
    /// until then its requests read nothing ahead (`crate::ahead`).
    refused: Mutex<HashMap<String, i64>>,
}

/// Days of usage a credential can read (`GET /v1/me/usage`): its windows are kept that long.
pub const USAGE_DAYS: i64 = 31;

/// Most windows a usage read fetches: 30 days of hour-long ones (a shorter window, which
/// tests set, reports fewer days).
pub const USAGE_WINDOWS: usize = 720;

fn counter(client: &str, start: i64) -> String {
    // On every request: joined, not `format!`ted (the formatting machinery cost more than
    // the handful of bytes it wrote).
    ["API#", client, "#", &start.to_string()].concat()
}

/// The windows of `client`'s usage from `from_secs` to `to_secs`, newest first, at most
/// `USAGE_WINDOWS`: (storage key, window start).
pub fn usage_windows(
    client: &str,
    from_secs: i64,
    to_secs: i64,
    window_secs: u64,
) -> Vec<(String, i64)> {
    let client = key_part(client);
    let (mut start, _) = window(to_secs, window_secs);
    let mut out = Vec::new();
    while start + window_secs as i64 > from_secs && out.len() < USAGE_WINDOWS {
        out.push((counter(&client, start), start));
        start -= window_secs as i64;
    }
    out
}

impl ApiLimiter {
    async fn previous_count(
        &self,
        store: &dyn AccessStore,
        client: &str,
        start: i64,
    ) -> StoreResult<u64> {
        let remembered = self
            .lock()
            .get(client)
            .filter(|(s, _)| *s == start)
            .map(|(_, c)| *c);
        if let Some(c) = remembered {
            return Ok(c);
        }
        let count = store.rate_count(&counter(client, start)).await?;
        let mut map = self.lock();
        if map.len() >= CAPACITY {
            map.clear();
        }
        map.insert(client.to_owned(), (start, count));
        Ok(count)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (i64, u64)>> {
        self.closed.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn refused(&self) -> std::sync::MutexGuard<'_, HashMap<String, i64>> {
        self.refused.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether a request of `client` may read ahead: not while the 429 this container last
    /// gave it lasts, so that a client over its limit costs no reads.
    pub fn may_read_ahead(&self, client: &str) -> bool {
        self.may_read_ahead_at(client, Timestamp::now().secs())
    }

    fn may_read_ahead_at(&self, client: &str, now: i64) -> bool {
        let map = self.refused();
        map.is_empty()
            || map
                .get(key_part(client).as_str())
                .is_none_or(|until| *until <= now)
    }

    /// `client` is its key part (`key_part`).
    fn remember_refusal(&self, client: &str, until: i64) {
        let mut map = self.refused();
        if map.len() >= CAPACITY {
            let now = Timestamp::now().secs();
            map.retain(|_, u| *u > now);
            if map.len() >= CAPACITY {
                map.clear();
            }
        }
        map.insert(client.to_owned(), until);
    }

    /// One `/v1` request of a credential, to `route` (`GET /v1/...`, its template): counted
    /// in the window, and under its route for the credential's usage. `Err` is the 429,
    /// with the headers' status.
    pub async fn hit(
        &self,
        store: &dyn AccessStore,
        client: &str,
        route: &str,
        limit: u64,
        window_secs: u64,
    ) -> Result<RateStatus, (ApiError, Option<RateStatus>)> {
        let now = Timestamp::now().secs();
        let (start, end) = window(now, window_secs);
        let client = key_part(client);
        // With nothing left, the reset is when one more request fits (`Retry-After` from
        // now), which under the sliding estimate can be later than the fixed window's end:
        // a client that waits for it is not refused.
        let exhausted = |retry_after: u64| {
            (
                ApiError::TooManyRequests { retry_after },
                Some(RateStatus {
                    limit,
                    remaining: 0,
                    reset_epoch_secs: now + retry_after as i64,
                }),
            )
        };
        let counted = async {
            let previous = self
                .previous_count(store, &client, start - window_secs as i64)
                .await?;
            let allowance = sliding::allowance(limit, previous, now, end, window_secs);
            // Kept through the next window, which reads it as its previous one, and for as
            // long as usage is reported.
            let until = (end + window_secs as i64).max(now + USAGE_DAYS * 86_400);
            let expires = Timestamp::from_millis(until * 1000);
            let hit = store
                .hit_tallied(&counter(&client, start), allowance, expires, route)
                .await?;
            StoreResult::Ok((previous, allowance, hit))
        };
        let answer = match counted.await {
            Ok((previous, allowance, hit)) if hit.allowed => {
                let remaining = allowance.saturating_sub(hit.count);
                let reset_epoch_secs = match remaining {
                    0 => {
                        let wait =
                            sliding::retry_after(limit, previous, hit.count, now, end, window_secs);
                        now + wait as i64
                    }
                    _ => end,
                };
                Ok(RateStatus {
                    limit,
                    remaining,
                    reset_epoch_secs,
                })
            }
            Ok((previous, _, hit)) => Err(exhausted(sliding::retry_after(
                limit,
                previous,
                hit.count,
                now,
                end,
                window_secs,
            ))),
            Err(e) => {
                tracing::warn!(error = %e, "API rate counter unavailable; refusing (fail closed)");
                Err(exhausted(COUNTER_FAILED_RETRY_AFTER))
            }
        };
        if let Err((_, Some(status))) = &answer {
            self.remember_refusal(&client, status.reset_epoch_secs);
        }
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_client_reads_nothing_ahead_until_its_wait_is_over() {
        let limiter = ApiLimiter::default();
        assert!(limiter.may_read_ahead_at("full-a", 100));
        limiter.remember_refusal(&key_part("full-a"), 160);
        assert!(!limiter.may_read_ahead_at("full-a", 100));
        assert!(!limiter.may_read_ahead_at("full-a", 159));
        assert!(limiter.may_read_ahead_at("full-a", 160), "the wait is over");
        assert!(limiter.may_read_ahead_at("full-b", 100), "another client");
        // A client id that is not a plain id is remembered by its digest, as it is counted.
        limiter.remember_refusal(&key_part("a client/with#marks"), 160);
        assert!(!limiter.may_read_ahead_at("a client/with#marks", 100));
    }

    #[test]
    fn a_full_memory_of_refusals_keeps_only_those_still_waiting() {
        let limiter = ApiLimiter::default();
        let now = Timestamp::now().secs();
        for i in 0..CAPACITY {
            limiter.remember_refusal(&format!("gone-{i}"), now - 1);
        }
        limiter.remember_refusal("waiting", now + 60);
        limiter.remember_refusal("another", now + 60);
        assert_eq!(limiter.refused().len(), 2, "the ended waits were dropped");
        assert!(!limiter.may_read_ahead("waiting"));
        assert!(!limiter.may_read_ahead("another"));
    }
}
