//! What deliveries publish: one CloudWatch Embedded Metric Format document per attempt,
//! on Lambda (where the log group turns it into metrics), nothing elsewhere unless
//! `PIRROS_METRICS=emf`. The same namespace and `Service` dimension as the API's metrics,
//! so the stack's alarms and dashboard read both alike.

use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// 1 per attempt, by its outcome.
pub const ATTEMPTS: &str = "WebhookAttempts";
/// How long the receiver took to answer (or the attempt to fail).
pub const LATENCY: &str = "WebhookLatency";
/// 1 per delivery that ended failed after its last attempt (or a 410).
pub const FAILED: &str = "WebhookDeliveriesFailed";
/// 1 per endpoint the service disabled (410, or 5 days of failures).
pub const DISABLED: &str = "WebhookEndpointsDisabled";

pub const SERVICE: &str = "Service";
pub const OUTCOME: &str = "Outcome";
const SERVICE_NAME: &str = "pirros-api";

/// An attempt's outcome: the `Outcome` dimension's closed list of values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    Retried,
    Failed,
    Gone,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Succeeded => "succeeded",
            Self::Retried => "retried",
            Self::Failed => "failed",
            Self::Gone => "gone",
        }
    }
}

/// Every (metric, dimension names) pair published: what an alarm may name.
pub fn published() -> Vec<(&'static str, &'static [&'static str])> {
    vec![
        (ATTEMPTS, &[SERVICE]),
        (ATTEMPTS, &[SERVICE, OUTCOME]),
        (LATENCY, &[SERVICE]),
        (FAILED, &[SERVICE]),
        (DISABLED, &[SERVICE]),
    ]
}

/// The namespace, when publishing is on.
fn namespace() -> Option<&'static str> {
    static NS: OnceLock<Option<String>> = OnceLock::new();
    NS.get_or_init(|| {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let on = match var("PIRROS_METRICS") {
            Some(v) => v.eq_ignore_ascii_case("emf"),
            None => var("AWS_LAMBDA_FUNCTION_NAME").is_some(),
        };
        on.then(|| var("PIRROS_METRICS_NAMESPACE").unwrap_or_else(|| "Pirros".into()))
    })
    .as_deref()
}

/// The EMF document of one attempt.
pub fn document(ns: &str, outcome: Outcome, took: Duration, disabled: bool) -> serde_json::Value {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let failed = matches!(outcome, Outcome::Failed | Outcome::Gone);
    serde_json::json!({
        "_aws": {
            "Timestamp": now,
            "CloudWatchMetrics": [
                {
                    "Namespace": ns,
                    "Dimensions": [[SERVICE], [SERVICE, OUTCOME]],
                    "Metrics": [{"Name": ATTEMPTS, "Unit": "Count"}],
                },
                {
                    "Namespace": ns,
                    "Dimensions": [[SERVICE]],
                    "Metrics": [
                        {"Name": LATENCY, "Unit": "Milliseconds"},
                        {"Name": FAILED, "Unit": "Count"},
                        {"Name": DISABLED, "Unit": "Count"},
                    ],
                },
            ],
        },
        SERVICE: SERVICE_NAME,
        OUTCOME: outcome.as_str(),
        ATTEMPTS: 1,
        LATENCY: took.as_millis() as u64,
        FAILED: u8::from(failed),
        DISABLED: u8::from(disabled),
    })
}

/// Publishes one attempt (a line on standard output, which Lambda sends to the log group).
pub fn attempt(outcome: Outcome, took: Duration, disabled: bool) {
    if let Some(ns) = namespace() {
        println!("{}", document(ns, outcome, took, disabled));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_metric_of_a_document_is_published_under_its_dimensions() {
        let doc = document(
            "Pirros/test",
            Outcome::Gone,
            Duration::from_millis(12),
            true,
        );
        let published = published();
        for directive in doc["_aws"]["CloudWatchMetrics"].as_array().unwrap() {
            for metric in directive["Metrics"].as_array().unwrap() {
                let name = metric["Name"].as_str().unwrap();
                assert!(doc[name].is_number(), "{name} has a value");
                for dims in directive["Dimensions"].as_array().unwrap() {
                    let dims: Vec<&str> = dims
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|d| d.as_str().unwrap())
                        .collect();
                    assert!(
                        published
                            .iter()
                            .any(|(m, d)| *m == name && *d == dims.as_slice()),
                        "{name} {dims:?}"
                    );
                    for d in dims {
                        assert!(doc[d].is_string(), "dimension {d} has a value");
                    }
                }
            }
        }
        assert_eq!(doc[FAILED], 1);
        assert_eq!(doc[DISABLED], 1);
        assert_eq!(doc[OUTCOME], "gone");
    }
}
