//! `/oauth/token` attempts: `TOKEN_RATE_LIMIT_ATTEMPTS` per client id and source IP (the
//! documented limit), and `TOKEN_RATE_LIMIT_CLIENT_ATTEMPTS` per client id over all IPs, so
//! guessing from many addresses gains nothing. Fixed windows: a success resets both counts.
//!
//! Every wrong secret is counted, atomically and within the limits, before it is answered.
//! A right secret is not counted at all once it has got a token: the client's attempt item
//! remembers the tags of secrets that did (`secret::attempt_tag`), and the update that
//! counts an attempt does so only for a tag it doesn't remember. So the common request, a
//! right secret with no wrong ones before it, is the credential read beside that update:
//! one round trip that writes nothing. A remembered tag is only a hint: the secret is still
//! verified against the credential, and one that fails is counted before it is answered.

use super::{key_part, window};
use crate::config::Config;
use crate::ids::ClientId;
use crate::store::{AccessStore, AttemptOutcome, StoreError, TokenAttempt};
use crate::timestamp::Timestamp;
use pirros_domain::model::Credential;
use pirros_domain::secret::attempt_tag;

/// The limiter's answer for one attempt.
#[derive(Debug, PartialEq, Eq)]
pub enum TokenVerdict {
    /// Over a limit: 429 with this `Retry-After`.
    Exceeded { retry_after: u64 },
    /// The counter could not be updated: 429 (fail closed).
    CounterFailed,
}

/// What a token request's client and secret come to.
#[derive(Debug)]
pub enum TokenOutcome {
    /// The secret is right: the credential's client, and the secret version it
    /// authenticates.
    Granted {
        client_id: ClientId,
        secret_version: u64,
    },
    /// An unknown client, a wrong secret or a revoked credential, counted.
    Invalid,
    /// Refused before the secret counted for anything.
    Refused(TokenVerdict),
}

/// The secret version `secret` authenticates on `credential` at `now`, if it is active.
fn verify(
    credential: Option<Box<Credential>>,
    secret: &str,
    now: Timestamp,
) -> Option<(u64, ClientId)> {
    let c = credential.filter(|c| c.is_active())?;
    Some((c.secret_version_of(secret, now)?, c.client_id))
}

pub struct TokenLimiter<'a> {
    pub store: &'a dyn AccessStore,
    pub config: &'a Config,
}

impl TokenLimiter<'_> {
    /// One token request: `secret` presented for `client` from `ip`. Limits come first, so
    /// a blocked caller learns nothing about the secret. Storage that fails answers the
    /// error when the credential can't be read (503), and a refusal when only the counter
    /// fails (fail closed: a limiter that gives way under load gives way when attacked).
    pub async fn exchange(
        &self,
        client: &str,
        ip: &str,
        secret: &str,
    ) -> Result<TokenOutcome, StoreError> {
        let cfg = self.config;
        let now = Timestamp::now();
        let (start, end) = window(now.secs(), cfg.token_rate_limit_window_secs);
        let key = format!("TOKENA#{}", key_part(client));
        let ip = key_part(ip);
        let id = ClientId::parse(client);
        let tag = attempt_tag(secret);
        let attempt = TokenAttempt {
            key: &key,
            client_id: id.as_ref(),
            ip: &ip,
            tag: &tag,
            window: start,
            window_end: Timestamp::from_millis(end * 1000),
            per_ip: cfg.token_rate_limit_attempts,
            per_client: cfg.token_rate_limit_client_attempts,
        };
        let refused = |v| Ok(TokenOutcome::Refused(v));
        let exceeded = TokenVerdict::Exceeded {
            retry_after: (end - now.secs()).max(1) as u64,
        };
        match self.store.token_attempt(&attempt).await? {
            AttemptOutcome::Exceeded => refused(exceeded),
            AttemptOutcome::CounterFailed => refused(TokenVerdict::CounterFailed),
            // Counted already: a wrong secret is answered, a right one (not remembered yet)
            // resets what it counted and is remembered.
            AttemptOutcome::Counted { credential } => match verify(credential, secret, now) {
                Some(granted) => {
                    self.succeeded(&attempt).await;
                    Ok(granted.into())
                }
                None => Ok(TokenOutcome::Invalid),
            },
            AttemptOutcome::Remembered {
                credential,
                earlier,
            } => match verify(credential, secret, now) {
                Some(granted) => {
                    if earlier {
                        self.succeeded(&attempt).await;
                    }
                    Ok(granted.into())
                }
                // A remembered secret that no longer verifies (revoked, rolled past): counted
                // like any other before it is answered.
                None => match self.store.count_token_attempt(&attempt).await {
                    Ok(true) => Ok(TokenOutcome::Invalid),
                    Ok(false) => refused(exceeded),
                    Err(e) => {
                        tracing::warn!(error = %e, "token attempt counter failed; refusing");
                        refused(TokenVerdict::CounterFailed)
                    }
                },
            },
        }
    }

    /// A success resets the window's counts, as the API documents, and its secret's tag is
    /// remembered. Best effort: the token is good either way.
    async fn succeeded(&self, attempt: &TokenAttempt<'_>) {
        if let Err(e) = self.store.token_success(attempt).await {
            tracing::warn!(error = %e, "token attempts not reset after a success");
        }
    }
}

impl From<(u64, ClientId)> for TokenOutcome {
    fn from((secret_version, client_id): (u64, ClientId)) -> Self {
        TokenOutcome::Granted {
            client_id,
            secret_version,
        }
    }
}
