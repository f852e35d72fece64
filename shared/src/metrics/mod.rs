//! Metrics in CloudWatch Embedded Metric Format (EMF): one JSON document per request,
//! printed on stdout, which Lambda ships to CloudWatch Logs, where CloudWatch turns it into
//! metrics. No API call, no agent, nothing on the request's path but one `write`.
//!
//! `request_finished` is the hook: every `/v1` answer (`api::V1Call::finish`,
//! `api::early_failure`), the token endpoint and the docs function call it once. What it
//! publishes is listed in `catalog`; the DynamoDB store adds what each call cost (`usage`).
//!
//! `PIRROS_METRICS=emf|off` turns it on or off; unset, it is on where Lambda runs us
//! (`AWS_LAMBDA_FUNCTION_NAME` is set) and off elsewhere, so `pirros-local` prints nothing
//! unless asked.

pub mod catalog;
pub mod emf;
pub use pirros_store::usage;

pub use usage::{StorageUse, scoped};

use crate::config::ConfigError;
use crate::routes::RouteName;
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};
use std::io::Write;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

pub const MODE_ENV: &str = "PIRROS_METRICS";
pub const NAMESPACE_ENV: &str = "PIRROS_METRICS_NAMESPACE";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Off,
    Emf,
}

#[derive(Debug)]
struct Settings {
    mode: Mode,
    namespace: String,
    /// The deployed function's name (`AWS_LAMBDA_FUNCTION_NAME`), the `Function` dimension.
    function: Option<String>,
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();
static WARM: AtomicBool = AtomicBool::new(false);

/// The mode `PIRROS_METRICS` asks for; unset or empty: EMF on Lambda, off elsewhere.
pub fn mode_from(value: Option<&str>, on_lambda: bool) -> Result<Mode, ConfigError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None if on_lambda => Ok(Mode::Emf),
        None => Ok(Mode::Off),
        Some(v) if v.eq_ignore_ascii_case("emf") => Ok(Mode::Emf),
        Some(v) if v.eq_ignore_ascii_case("off") => Ok(Mode::Off),
        Some(v) => Err(ConfigError::Malformed {
            name: MODE_ENV,
            why: format!("expected emf or off, got {v:?}"),
        }),
    }
}

fn from_env() -> Result<Settings, ConfigError> {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    let function = var("AWS_LAMBDA_FUNCTION_NAME");
    Ok(Settings {
        mode: mode_from(var(MODE_ENV).as_deref(), function.is_some())?,
        namespace: var(NAMESPACE_ENV).unwrap_or_else(|| catalog::DEFAULT_NAMESPACE.to_owned()),
        function,
    })
}

/// Reads the settings at start-up, so a malformed `PIRROS_METRICS` stops the process with
/// a message naming it instead of silently publishing nothing.
pub fn init() -> Result<Mode, ConfigError> {
    let s = from_env()?;
    Ok(SETTINGS.get_or_init(|| s).mode)
}

fn settings() -> &'static Settings {
    SETTINGS.get_or_init(|| {
        from_env().unwrap_or_else(|e| {
            tracing::warn!(error = %e, "metrics off");
            Settings {
                mode: Mode::Off,
                namespace: catalog::DEFAULT_NAMESPACE.to_owned(),
                function: None,
            }
        })
    })
}

/// Publishes one request's document. `route` is the route its function matched (none for
/// a path no route takes), `error_code` the code of an error answer.
pub fn request_finished(
    req: &Request,
    route: Option<RouteName>,
    request_id: &str,
    status: u16,
    error_code: Option<&str>,
    started: Instant,
) {
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    // Taken even when off, so a request never inherits another's counts.
    let storage = usage::take();
    let cold_start = !WARM.swap(true, Ordering::Relaxed);
    let s = settings();
    if s.mode == Mode::Off {
        return;
    }
    let matched = route;
    let route = match matched {
        Some(r) => format!("{} {}", r.method, r.template),
        None => catalog::UNMATCHED_ROUTE.to_owned(),
    };
    let function = match (&s.function, matched) {
        (Some(f), _) => f.clone(),
        (None, Some(r)) => format!("pirros-{}", r.function.name()),
        (None, None) => "pirros-local".to_owned(),
    };
    let api_request_id = match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.request_id.as_deref(),
        _ => None,
    };
    let lambda = req.lambda_context_ref();
    let facts = emf::Facts {
        namespace: &s.namespace,
        function: &function,
        route: &route,
        status,
        error_code,
        latency_ms,
        storage,
        cold_start,
        timestamp_ms: crate::timestamp::Timestamp::now().millis().max(0) as u64,
        ids: emf::Ids {
            request_id,
            api_request_id,
            lambda_request_id: lambda.map(|c| c.request_id.as_str()),
            trace_id: lambda.and_then(|c| c.xray_trace_id.as_deref()),
        },
    };
    let mut line = match serde_json::to_vec(&emf::document(&facts)) {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!(error = %e, "metrics document not written");
            return;
        }
    };
    line.push(b'\n');
    // One write of a whole line, so documents never interleave with other output.
    let _ = std::io::stdout().lock().write_all(&line);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_defaults_to_emf_only_on_lambda() {
        assert_eq!(mode_from(None, true).unwrap(), Mode::Emf);
        assert_eq!(mode_from(None, false).unwrap(), Mode::Off);
        assert_eq!(mode_from(Some(" "), false).unwrap(), Mode::Off);
        assert_eq!(mode_from(Some("EMF"), false).unwrap(), Mode::Emf);
        assert_eq!(mode_from(Some("off"), true).unwrap(), Mode::Off);
        let e = mode_from(Some("json"), true).unwrap_err();
        assert!(e.to_string().contains(MODE_ENV), "{e}");
    }
}
