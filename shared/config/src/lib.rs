//! Configuration from the environment, with the names Lambda sets (README "Configuration"),
//! the JSON logs every binary writes, and the AWS SDK settings every client shares.

pub mod aws;
pub mod logging;

use std::collections::HashMap;

#[derive(Clone, Debug)]
pub enum JwtKeySource {
    /// Secrets Manager secret ARN (production).
    SecretArn(String),
    /// The key material itself (local runs and tests).
    Inline(String),
}

#[derive(Clone, Debug)]
pub struct Config {
    pub table_name: String,
    pub files_bucket: Option<String>,
    pub pdf_public_base_url: Option<String>,
    /// Only the token function (and `pirros-local`) has one: the `/v1` functions verify
    /// with the public keys the token function publishes.
    pub jwt_key: Option<JwtKeySource>,
    /// The key material that seals webhook endpoint secrets (`WEBHOOK_KEY_ARN`, or
    /// `WEBHOOK_KEY` locally): a secret of its own, so that the functions that open
    /// endpoint secrets cannot sign tokens.
    pub webhook_key: Option<JwtKeySource>,
    /// How long a `/v1` container trusts its copy of the published public keys.
    pub jwks_cache_secs: u64,
    pub token_ttl_secs: u64,
    pub api_rate_limit_per_hour: u64,
    /// The API limit's window; an hour unless a test shortens it.
    pub api_rate_limit_window_secs: u64,
    pub token_rate_limit_attempts: u64,
    /// Token attempts per client id over all source IPs in one window.
    pub token_rate_limit_client_attempts: u64,
    pub token_rate_limit_window_secs: u64,
    pub download_url_ttl_secs: u64,
    pub idempotency_ttl_secs: u64,
    /// Largest family file an upload may declare (and the worker reads).
    pub max_upload_bytes: u64,
    /// Lifetime of an upload URL; an upload whose file has not come by then expires.
    pub upload_url_ttl_secs: u64,
    /// How long `GET .../jobs/{id}?wait_for_completion=true` holds a request at most.
    pub job_wait_secs: u64,
    /// Largest sum of the files one export zips; a larger one fails before it is written.
    pub max_export_bytes: u64,
}

/// `MAX_UPLOAD_BYTES` when the environment sets none: 200 MiB.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 200 * 1024 * 1024;

/// `MAX_EXPORT_BYTES` when the environment sets none: 2 GiB.
pub const DEFAULT_MAX_EXPORT_BYTES: u64 = 2 * 1024 * 1024 * 1024;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ConfigError {
    #[error("configuration: {0} is not set")]
    Missing(&'static str),
    #[error("configuration: {name} is malformed: {why}")]
    Malformed { name: &'static str, why: String },
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_map(&std::env::vars().collect())
    }

    /// The signing key's source, which the token function cannot start without.
    pub fn jwt_key(&self) -> Result<&JwtKeySource, ConfigError> {
        self.jwt_key
            .as_ref()
            .ok_or(ConfigError::Missing("JWT_SECRET_ARN (or JWT_SECRET)"))
    }

    /// The webhook key's source, which the webhook functions cannot start without.
    pub fn webhook_key(&self) -> Result<&JwtKeySource, ConfigError> {
        self.webhook_key
            .as_ref()
            .ok_or(ConfigError::Missing("WEBHOOK_KEY_ARN (or WEBHOOK_KEY)"))
    }

    /// Defaults for a local run: everything but the table (and the token function's key)
    /// has one.
    pub fn from_map(env: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let get = |k: &str| env.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
        let num = |name: &'static str, default: u64| -> Result<u64, ConfigError> {
            match get(name) {
                None => Ok(default),
                Some(v) => match v.parse::<u64>() {
                    Ok(n) if n > 0 => Ok(n),
                    _ => Err(ConfigError::Malformed {
                        name,
                        why: format!("expected a positive whole number, got {v:?}"),
                    }),
                },
            }
        };
        let table_name = get("TABLE_NAME")
            .ok_or(ConfigError::Missing("TABLE_NAME"))?
            .to_owned();
        if table_name.len() < 3 {
            return Err(ConfigError::Malformed {
                name: "TABLE_NAME",
                why: "a DynamoDB table name has at least 3 characters".into(),
            });
        }
        let jwt_key = match (get("JWT_SECRET_ARN"), get("JWT_SECRET")) {
            (Some(arn), _) => Some(JwtKeySource::SecretArn(arn.to_owned())),
            (None, Some(key)) => Some(JwtKeySource::Inline(key.to_owned())),
            (None, None) => None,
        };
        let webhook_key = match (get("WEBHOOK_KEY_ARN"), get("WEBHOOK_KEY")) {
            (Some(arn), _) => Some(JwtKeySource::SecretArn(arn.to_owned())),
            (None, Some(key)) => Some(JwtKeySource::Inline(key.to_owned())),
            (None, None) => None,
        };
        let token_rate_limit_attempts = num("TOKEN_RATE_LIMIT_ATTEMPTS", 5)?;
        let pdf_public_base_url = match get("PDF_PUBLIC_BASE_URL") {
            None => None,
            Some(u) => {
                let parsed = url::Url::parse(u).map_err(|e| ConfigError::Malformed {
                    name: "PDF_PUBLIC_BASE_URL",
                    why: e.to_string(),
                })?;
                if !matches!(parsed.scheme(), "http" | "https") {
                    return Err(ConfigError::Malformed {
                        name: "PDF_PUBLIC_BASE_URL",
                        why: "expected an http(s) URL".into(),
                    });
                }
                Some(u.to_owned())
            }
        };
        Ok(Self {
            table_name,
            files_bucket: get("FILES_BUCKET").map(str::to_owned),
            pdf_public_base_url,
            jwt_key,
            webhook_key,
            jwks_cache_secs: num("JWKS_CACHE_SECS", 300)?,
            token_ttl_secs: num("TOKEN_TTL_SECS", 3600)?,
            api_rate_limit_per_hour: num("API_RATE_LIMIT_PER_HOUR", 1000)?,
            api_rate_limit_window_secs: num("API_RATE_LIMIT_WINDOW_SECS", 3600)?,
            token_rate_limit_attempts,
            token_rate_limit_client_attempts: num(
                "TOKEN_RATE_LIMIT_CLIENT_ATTEMPTS",
                token_rate_limit_attempts.saturating_mul(5),
            )?,
            token_rate_limit_window_secs: num("TOKEN_RATE_LIMIT_WINDOW_SECS", 900)?,
            download_url_ttl_secs: num("DOWNLOAD_URL_TTL_SECS", 900)?,
            idempotency_ttl_secs: num("IDEMPOTENCY_TTL_SECS", 86400)?,
            max_upload_bytes: num("MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)?,
            upload_url_ttl_secs: num("UPLOAD_URL_TTL_SECS", 900)?,
            job_wait_secs: num("JOB_WAIT_SECS", 20)?,
            max_export_bytes: num("MAX_EXPORT_BYTES", DEFAULT_MAX_EXPORT_BYTES)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn names_the_missing_variable() {
        let e = Config::from_map(&env(&[("JWT_SECRET", "k")])).unwrap_err();
        assert_eq!(e.to_string(), "configuration: TABLE_NAME is not set");
        // Only the token function needs the key: the others start without it.
        let c = Config::from_map(&env(&[("TABLE_NAME", "tbl")])).unwrap();
        assert!(
            c.jwt_key()
                .unwrap_err()
                .to_string()
                .contains("JWT_SECRET_ARN")
        );
    }

    #[test]
    fn names_the_malformed_variable() {
        let e = Config::from_map(&env(&[
            ("TABLE_NAME", "tbl"),
            ("JWT_SECRET", "k"),
            ("TOKEN_TTL_SECS", "soon"),
        ]))
        .unwrap_err();
        assert!(e.to_string().contains("TOKEN_TTL_SECS"), "{e}");
    }

    #[test]
    fn defaults_follow_the_contract() {
        let c = Config::from_map(&env(&[("TABLE_NAME", "tbl"), ("JWT_SECRET", "k")])).unwrap();
        assert_eq!(c.token_ttl_secs, 3600);
        assert_eq!(c.api_rate_limit_per_hour, 1000);
        assert_eq!(c.token_rate_limit_attempts, 5);
        assert_eq!(c.token_rate_limit_client_attempts, 25);
        assert_eq!(c.token_rate_limit_window_secs, 900);
        assert_eq!(c.api_rate_limit_window_secs, 3600);
        assert_eq!(c.jwks_cache_secs, 300);
        let c = Config::from_map(&env(&[
            ("TABLE_NAME", "tbl"),
            ("TOKEN_RATE_LIMIT_ATTEMPTS", "3"),
        ]))
        .unwrap();
        assert_eq!(
            c.token_rate_limit_client_attempts, 15,
            "follows the per-IP cap"
        );
        assert_eq!(c.download_url_ttl_secs, 900);
        assert_eq!(c.idempotency_ttl_secs, 86400);
        assert_eq!(c.max_upload_bytes, 200 * 1024 * 1024);
        assert_eq!(c.upload_url_ttl_secs, 900);
        assert_eq!(c.job_wait_secs, 20);
        assert_eq!(c.max_export_bytes, 2 * 1024 * 1024 * 1024);
    }
}
