//! A checker for CloudWatch Embedded Metric Format documents, written from the
//! specification (not from our serializer), for tests that read what a function printed.

use serde_json::{Map, Value};

/// Units a metric definition may name (CloudWatch `MetricDatum` units).
pub const UNITS: &[&str] = &[
    "Seconds",
    "Microseconds",
    "Milliseconds",
    "Bytes",
    "Kilobytes",
    "Megabytes",
    "Gigabytes",
    "Terabytes",
    "Bits",
    "Kilobits",
    "Megabits",
    "Gigabits",
    "Terabits",
    "Percent",
    "Count",
    "Bytes/Second",
    "Kilobytes/Second",
    "Megabytes/Second",
    "Gigabytes/Second",
    "Terabytes/Second",
    "Bits/Second",
    "Kilobits/Second",
    "Megabits/Second",
    "Gigabits/Second",
    "Terabits/Second",
    "Count/Second",
    "None",
];

fn only_members(o: &Map<String, Value>, allowed: &[&str], what: &str) -> Result<(), String> {
    match o.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(format!(
            "{what} has a member the specification does not define: {k}"
        )),
        None => Ok(()),
    }
}

fn is_number(v: &Value) -> bool {
    v.as_f64().is_some_and(f64::is_finite)
}

/// Checks one log line against the specification; returns the parsed document.
pub fn validate(line: &str) -> Result<Value, String> {
    let doc: Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    let root = doc.as_object().ok_or("not a JSON object")?;
    let aws = root
        .get("_aws")
        .and_then(Value::as_object)
        .ok_or("no _aws object")?;
    only_members(aws, &["Timestamp", "CloudWatchMetrics"], "_aws")?;
    let ts = aws
        .get("Timestamp")
        .and_then(Value::as_u64)
        .ok_or("_aws.Timestamp must be a whole number of milliseconds")?;
    if ts < 1_000_000_000_000 {
        return Err(format!(
            "_aws.Timestamp {ts} is not in milliseconds since the epoch"
        ));
    }
    let directives = aws
        .get("CloudWatchMetrics")
        .and_then(Value::as_array)
        .ok_or("_aws.CloudWatchMetrics must be an array")?;
    if directives.is_empty() {
        return Err("_aws.CloudWatchMetrics is empty".into());
    }
    for d in directives {
        let d = d.as_object().ok_or("a metric directive is not an object")?;
        only_members(
            d,
            &["Namespace", "Dimensions", "Metrics"],
            "metric directive",
        )?;
        let ns = d
            .get("Namespace")
            .and_then(Value::as_str)
            .ok_or("Namespace must be a string")?;
        if ns.trim().is_empty() || ns.len() > 255 {
            return Err(format!("Namespace {ns:?} is empty or too long"));
        }
        let sets = d
            .get("Dimensions")
            .and_then(Value::as_array)
            .ok_or("Dimensions must be an array of dimension sets")?;
        for set in sets {
            let set = set.as_array().ok_or("a dimension set must be an array")?;
            if set.len() > 30 {
                return Err(format!(
                    "a dimension set has {} names (at most 30)",
                    set.len()
                ));
            }
            for name in set {
                let name = name.as_str().ok_or("a dimension name must be a string")?;
                let value = root
                    .get(name)
                    .ok_or(format!("dimension {name} is not a top-level member"))?;
                let value = value
                    .as_str()
                    .ok_or(format!("dimension {name}'s value must be a string"))?;
                if value.is_empty() || value.len() > 1024 {
                    return Err(format!("dimension {name}'s value is empty or too long"));
                }
            }
        }
        let metrics = d
            .get("Metrics")
            .and_then(Value::as_array)
            .ok_or("Metrics must be an array")?;
        if metrics.len() > 100 {
            return Err(format!(
                "{} metric definitions (at most 100)",
                metrics.len()
            ));
        }
        for m in metrics {
            let m = m
                .as_object()
                .ok_or("a metric definition must be an object")?;
            only_members(
                m,
                &["Name", "Unit", "StorageResolution"],
                "metric definition",
            )?;
            let name = m
                .get("Name")
                .and_then(Value::as_str)
                .ok_or("a metric definition needs a Name")?;
            if name.is_empty() || name.len() > 1024 {
                return Err(format!("metric name {name:?} is empty or too long"));
            }
            if let Some(u) = m.get("Unit") {
                let u = u.as_str().ok_or("Unit must be a string")?;
                if !UNITS.contains(&u) {
                    return Err(format!("{name}: unit {u:?} is not one CloudWatch allows"));
                }
            }
            if let Some(r) = m.get("StorageResolution")
                && r.as_u64() != Some(1)
                && r.as_u64() != Some(60)
            {
                return Err(format!("{name}: StorageResolution must be 1 or 60"));
            }
            let value = root
                .get(name)
                .ok_or(format!("metric {name} is not a top-level member"))?;
            let ok = match value {
                Value::Array(vs) => !vs.is_empty() && vs.len() <= 100 && vs.iter().all(is_number),
                v => is_number(v),
            };
            if !ok {
                return Err(format!(
                    "metric {name}'s value must be a number or an array of at most 100 numbers, got {value}"
                ));
            }
        }
    }
    Ok(doc)
}

/// The lines of `output` that are EMF documents (they carry `_aws`), each checked.
pub fn documents(output: &[String]) -> Vec<Value> {
    output
        .iter()
        .filter(|l| l.contains("\"_aws\""))
        .map(|l| validate(l).unwrap_or_else(|e| panic!("invalid EMF document ({e}): {l}")))
        .collect()
}
