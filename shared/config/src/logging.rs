//! Structured JSON logs. Secrets and tokens are never passed to a log call, and no level
//! lets a dependency log them either.

use tracing::{Level, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::{FilterExt, LevelFilter, Targets, filter_fn};
use tracing_subscriber::layer::Filter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// The Lambda runtime logs every raw event at TRACE (`raw JSON event received from
/// Lambda`): request headers and bodies, so bearer tokens and client secrets. It never logs
/// below DEBUG here, whatever `RUST_LOG` says.
const LAMBDA_RUNTIME: &str = "lambda_runtime";

/// `RUST_LOG` as a plain level or `target=level` list (no regex filters: they would cost
/// every function a regex engine); INFO when unset or malformed. Never the runtime's TRACE.
pub fn filter<S: Subscriber>(rust_log: Option<&str>) -> impl Filter<S> + use<S> {
    let levels = rust_log
        .and_then(|v| v.parse::<Targets>().ok())
        .unwrap_or_else(|| Targets::new().with_default(LevelFilter::INFO));
    levels.and(filter_fn(|meta| {
        !(*meta.level() == Level::TRACE && meta.target().starts_with(LAMBDA_RUNTIME))
    }))
}

pub fn init() {
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .json()
                .with_current_span(false)
                .with_span_list(false)
                .with_target(false)
                .with_writer(std::io::stderr)
                .with_filter(filter(std::env::var("RUST_LOG").ok().as_deref())),
        )
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use tracing_subscriber::fmt::MakeWriter;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Captured {
        type Writer = Captured;
        fn make_writer(&'a self) -> Self::Writer {
            self.clone()
        }
    }

    /// What the subscriber of `init` writes for events like the runtime's, at `rust_log`.
    fn logged(rust_log: &str) -> String {
        let out = Captured::default();
        let subscriber = tracing_subscriber::registry().with(
            tracing_subscriber::fmt::layer()
                .json()
                .with_writer(out.clone())
                .with_filter(filter(Some(rust_log))),
        );
        tracing::subscriber::with_default(subscriber, || {
            // As lambda_runtime::layers::api_response logs every event it receives.
            tracing::trace!(
                target: "lambda_runtime::layers::api_response",
                body = "{\"headers\":{\"authorization\":\"Bearer SECRET-TOKEN\"}}",
                "raw JSON event received from Lambda"
            );
            tracing::debug!(target: "lambda_runtime::runtime", "debug from the runtime");
            tracing::trace!(target: "pirros_shared::api", "our own trace");
        });
        String::from_utf8(out.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn no_level_logs_the_raw_lambda_event() {
        for level in [
            "trace",
            "debug",
            "info",
            "lambda_runtime=trace",
            "trace,lambda_runtime::layers=trace",
        ] {
            let logs = logged(level);
            assert!(!logs.contains("SECRET-TOKEN"), "{level}: {logs}");
        }
        let trace = logged("trace");
        assert!(
            trace.contains("our own trace"),
            "trace still logs the rest: {trace}"
        );
        assert!(trace.contains("debug from the runtime"), "{trace}");
        assert!(!logged("info").contains("our own trace"));
    }
}
