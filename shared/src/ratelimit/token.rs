//! `/oauth/token` attempts: `TOKEN_RATE_LIMIT_ATTEMPTS` per client id and source IP (the
//! documented limit), and `TOKEN_RATE_LIMIT_CLIENT_ATTEMPTS` per client id over all IPs, so guessing
//! from many addresses gains nothing. Fixed windows: a success resets both counters.
//!
//! A right secret is not counted at all: storage compares the secret's tag with the
//! credential's in the one call that would count a wrong one (`AccessStore::token_attempt`),
//! so the common request, a right secret with no wrong ones before it, is one round trip
//! that writes nothing. Every wrong secret is counted, against the limits and atomically,
//! before its answer is given.

use super::{key_part, window};
use crate::config::Config;
use crate::ids::ClientId;
use crate::store::{AccessStore, AttemptOutcome, StoreError, TokenAttempt};
use crate::timestamp::Timestamp;
use pirros_domain::model::Credential;
use pirros_domain::secret::SecretHash;

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
    credential: Option<Credential>,
    secret: &str,
    now: Timestamp,
) -> Option<(u64, Credential)> {
    credential
        .filter(Credential::is_active)
        .and_then(|c| Some((c.secret_version_of(secret, now)?, c)))
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

    /// One token request: `secret` presented for `client` from `ip`. Limits come first, so
    /// a blocked caller learns nothing about the secret. Storage that fails answers the
    /// error when the credential can't be read either (503), and a refusal otherwise (the
    /// counters are what struggles: fail closed).
    pub async fn exchange(
        &self,
        client: &str,
        ip: &str,
        secret: &str,
    ) -> Result<TokenOutcome, StoreError> {
        let cfg = self.config;
        let now = Timestamp::now();
        let (start, end) = window(now.secs(), cfg.token_rate_limit_window_secs);
        let [per_ip, per_client] = self.keys(client, ip, start);
        let id = ClientId::parse(client);
        let tag = SecretHash::tag_of(secret);
        let attempt = TokenAttempt {
            client: id.as_ref(),
            tag: &tag,
            windows: [
                (&per_ip, cfg.token_rate_limit_attempts),
                (&per_client, cfg.token_rate_limit_client_attempts),
            ],
            expires_at: Timestamp::from_millis(end * 1000),
        };
        let exceeded = TokenVerdict::Exceeded {
            retry_after: (end - now.secs()).max(1) as u64,
        };
        let (credential, earlier) = match self.store.token_attempt(&attempt).await {
            Ok(AttemptOutcome::Exceeded) => return Ok(TokenOutcome::Refused(exceeded)),
            Ok(AttemptOutcome::Counted) => return Ok(TokenOutcome::Invalid),
            Ok(AttemptOutcome::Unsettled {
                credential,
                earlier,
            }) => (credential, earlier),
            Ok(AttemptOutcome::Contended) => return self.plain(client, ip, secret, now).await,
            Err(e) => {
                tracing::warn!(error = %e, "token attempt transaction failed; counting it plainly");
                return self.plain(client, ip, secret, now).await;
            }
        };
        // A token carries the version of the secret that got it: a rolled-over secret's
        // tokens end when that secret does.
        let granted = verify(credential.map(|c| *c), secret, now);
        if let Some((secret_version, credential)) = granted {
            if earlier {
                self.success(client, ip).await;
            }
            return Ok(TokenOutcome::Granted {
                client_id: credential.client_id,
                secret_version,
            });
        }
        Ok(match self.attempt(client, ip).await {
            TokenVerdict::Allowed => TokenOutcome::Invalid,
            refused => TokenOutcome::Refused(refused),
        })
    }

    /// The attempt counted with plain updates beside a plain read of the credential, when
    /// the one transaction could not decide: a success then resets what it counted. The
    /// limiter's verdict still comes first; a counter that fails refuses (429) unless the
    /// credential can't be read either (storage down: the read's error, 503).
    async fn plain(
        &self,
        client: &str,
        ip: &str,
        secret: &str,
        now: Timestamp,
    ) -> Result<TokenOutcome, StoreError> {
        let lookup = async {
            match ClientId::parse(client) {
                Some(id) => self.store.get_credential(&id).await,
                None => Ok(None),
            }
        };
        let (verdict, credential) = tokio::join!(self.attempt(client, ip), lookup);
        if let TokenVerdict::Exceeded { .. } = verdict {
            return Ok(TokenOutcome::Refused(verdict));
        }
        let credential = credential?;
        if verdict != TokenVerdict::Allowed {
            return Ok(TokenOutcome::Refused(verdict));
        }
        let granted = verify(credential, secret, now);
        let Some((secret_version, credential)) = granted else {
            return Ok(TokenOutcome::Invalid);
        };
        self.success(client, ip).await;
        Ok(TokenOutcome::Granted {
            client_id: credential.client_id,
            secret_version,
        })
    }

    /// Counts one attempt by `client` from `ip` against both limits.
    pub async fn attempt(&self, client: &str, ip: &str) -> TokenVerdict {
        let cfg = self.config;
        let now = Timestamp::now().secs();
        let (start, end) = window(now, cfg.token_rate_limit_window_secs);
        let expires = Timestamp::from_millis(end * 1000);
        let [per_ip, per_client] = self.keys(client, ip, start);
        // One after the other: an attempt refused per address is not counted per client,
        // so one address guessing can't use up the client's allowance for every other
        // address, and a burst from one address is counted exactly. (An attempt the
        // client's counter refuses stays counted for its address: never in the guesser's
        // favour.)
        let counted = async {
            let per_ip = self
                .store
                .hit_rate_limit(&per_ip, cfg.token_rate_limit_attempts, expires)
                .await?;
            if !per_ip.allowed {
                return Ok(false);
            }
            self.store
                .hit_rate_limit(&per_client, cfg.token_rate_limit_client_attempts, expires)
                .await
                .map(|hit| hit.allowed)
        };
        match counted.await {
            Ok(true) => TokenVerdict::Allowed,
            Ok(false) => TokenVerdict::Exceeded {
                retry_after: (end - now).max(1) as u64,
            },
            Err::<_, StoreError>(e) => {
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
