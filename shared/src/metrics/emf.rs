//! The CloudWatch Embedded Metric Format document one request publishes: `_aws` metadata
//! (timestamp, one metric directive per catalog group) and, at the top level, every
//! dimension and metric value it names, plus the ids that tie it to logs and traces.
//!
//! Written here rather than through `metrics_cloudwatch_embedded`: that crate writes one
//! document per label set with a single dimension set each, so the roll-ups below (the same
//! values under `[Service]` and under `[Function, Route, StatusClass]`) and the error-code
//! group would take several documents per request.

use super::catalog::{self, GROUPS};
use super::usage::StorageUse;
use serde::Serialize;
use serde_json::{Map, Value, json};

#[derive(Serialize)]
pub struct Document<'a> {
    #[serde(rename = "_aws")]
    pub aws: Metadata<'a>,
    #[serde(flatten)]
    pub members: Map<String, Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Metadata<'a> {
    /// Milliseconds since the epoch.
    pub timestamp: u64,
    pub cloud_watch_metrics: Vec<Directive<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Directive<'a> {
    pub namespace: &'a str,
    pub dimensions: &'static [&'static [&'static str]],
    pub metrics: Vec<MetricDefinition>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MetricDefinition {
    pub name: &'static str,
    pub unit: &'static str,
}

/// Ids that correlate the document with logs, access logs and traces (members only: no
/// dimension, so they cost nothing in metrics).
#[derive(Clone, Debug, Default)]
pub struct Ids<'a> {
    pub request_id: &'a str,
    pub api_request_id: Option<&'a str>,
    pub lambda_request_id: Option<&'a str>,
    pub trace_id: Option<&'a str>,
}

/// Everything one request contributes.
#[derive(Clone, Debug)]
pub struct Facts<'a> {
    pub namespace: &'a str,
    pub function: &'a str,
    pub route: &'a str,
    pub status: u16,
    pub error_code: Option<&'a str>,
    pub latency_ms: f64,
    pub storage: StorageUse,
    pub cold_start: bool,
    pub timestamp_ms: u64,
    pub ids: Ids<'a>,
}

impl Facts<'_> {
    fn value(&self, metric: &str) -> Value {
        let flag = |b: bool| json!(u8::from(b));
        match metric {
            catalog::REQUESTS => json!(1),
            catalog::LATENCY => json!((self.latency_ms * 1000.0).round() / 1000.0),
            catalog::FAULTS => flag(self.status >= 500),
            catalog::DYNAMODB_CALLS => json!(self.storage.calls),
            catalog::ITEMS_READ => json!(self.storage.items_read),
            catalog::READ_CAPACITY => json!(self.storage.read_units),
            catalog::WRITE_CAPACITY => json!(self.storage.write_units),
            catalog::COLD_START => flag(self.cold_start),
            catalog::ERRORS => json!(1),
            other => unreachable!("metric {other} has no value"),
        }
    }

    fn dimension(&self, name: &str) -> &str {
        match name {
            catalog::SERVICE => catalog::SERVICE_NAME,
            catalog::FUNCTION => self.function,
            catalog::ROUTE => self.route,
            catalog::STATUS_CLASS => catalog::status_class(self.status),
            catalog::ERROR_CODE => self.error_code.unwrap_or_default(),
            other => unreachable!("dimension {other} has no value"),
        }
    }
}

pub fn document<'a>(f: &Facts<'a>) -> Document<'a> {
    let mut directives = Vec::new();
    let mut members = Map::new();
    for g in GROUPS {
        if g.errors_only && f.error_code.is_none() {
            continue;
        }
        for set in g.dimension_sets {
            for d in *set {
                members.insert((*d).to_owned(), json!(f.dimension(d)));
            }
        }
        for m in g.metrics {
            members.insert(m.name.to_owned(), f.value(m.name));
        }
        directives.push(Directive {
            namespace: f.namespace,
            dimensions: g.dimension_sets,
            metrics: g
                .metrics
                .iter()
                .map(|m| MetricDefinition {
                    name: m.name,
                    unit: m.unit.as_str(),
                })
                .collect(),
        });
    }
    members.insert("StatusCode".into(), json!(f.status));
    members.insert("RequestId".into(), json!(f.ids.request_id));
    let optional = [
        ("ApiRequestId", f.ids.api_request_id),
        ("LambdaRequestId", f.ids.lambda_request_id),
        ("TraceId", f.ids.trace_id),
    ];
    for (k, v) in optional {
        if let Some(v) = v {
            members.insert(k.into(), json!(v));
        }
    }
    Document {
        aws: Metadata {
            timestamp: f.timestamp_ms,
            cloud_watch_metrics: directives,
        },
        members,
    }
}
