//! `template.yaml`'s monitoring (issue 18): alarms and the dashboard name only metrics the
//! code publishes, with the dimension sets it publishes them under (CloudWatch matches a
//! dimension set exactly, so any other set is a metric that never gets data); alarms notify
//! the topic only when one is given; every function is traced.

use pirros_shared::metrics::catalog;
use serde_json::{Map, Value, json};
use std::collections::{BTreeSet, HashSet};

/// The template as JSON, CloudFormation's short-form tags (`!Sub x`) turned into their
/// long form (`{"Fn::Sub": x}`).
fn template() -> Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml"))
        .expect("template.yaml");
    to_json(serde_norway::from_str(&text).expect("template.yaml is YAML"))
}

fn to_json(v: serde_norway::Value) -> Value {
    use serde_norway::Value as Y;
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => json!(b),
        Y::Number(n) => serde_json::to_value(&n).expect("number"),
        Y::String(s) => json!(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(to_json).collect()),
        Y::Mapping(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| (k.as_str().expect("string keys").to_owned(), to_json(v)))
                .collect(),
        ),
        Y::Tagged(t) => {
            let tag = t.tag.to_string();
            let name = tag.trim_start_matches('!');
            let value = to_json(t.value);
            match name {
                "Ref" => json!({ "Ref": value }),
                "GetAtt" => match value {
                    Value::String(s) => {
                        let (res, attr) = s.split_once('.').expect("!GetAtt Resource.Attribute");
                        json!({ "Fn::GetAtt": [res, attr] })
                    }
                    v => json!({ "Fn::GetAtt": v }),
                },
                other => json!({ format!("Fn::{other}"): value }),
            }
        }
    }
}

/// The text of a `Fn::Sub` (its template string), or a plain string.
fn text(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        Value::Object(o) => match o.get("Fn::Sub")? {
            Value::String(s) => Some(s),
            Value::Array(a) => a.first()?.as_str(),
            _ => None,
        },
        _ => None,
    }
}

fn resources<'a>(t: &'a Value, kind: &str) -> Vec<(&'a String, &'a Map<String, Value>)> {
    t["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"] == kind)
        .map(|(n, r)| (n, r["Properties"].as_object().unwrap()))
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct MetricRef {
    namespace: String,
    name: String,
    dimensions: BTreeSet<String>,
    from: String,
}

fn from_metric(m: &Value, from: &str) -> MetricRef {
    MetricRef {
        namespace: text(&m["Namespace"]).expect("Namespace").to_owned(),
        name: m["MetricName"].as_str().expect("MetricName").to_owned(),
        dimensions: m["Dimensions"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|d| d["Name"].as_str().unwrap().to_owned())
            .collect(),
        from: from.to_owned(),
    }
}

fn alarm_metrics(t: &Value) -> Vec<MetricRef> {
    let mut out = Vec::new();
    for (name, p) in resources(t, "AWS::CloudWatch::Alarm") {
        if p.contains_key("MetricName") {
            out.push(from_metric(&Value::Object(p.clone()), name));
        }
        for q in p
            .get("Metrics")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(m) = q.pointer("/MetricStat/Metric") {
                out.push(from_metric(m, name));
            }
        }
    }
    out
}

/// `SEARCH('{Namespace,Dim1,Dim2} MetricName="X" ...', ...)`: the schema and the name.
fn from_search(expr: &str, from: &str) -> Option<MetricRef> {
    // The schema is `{...}`, whose namespace may hold `${Stage}`: match braces.
    let start = expr.find("'{")? + 2;
    let mut depth = 1;
    let end = expr[start..].char_indices().find_map(|(i, c)| {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        (depth == 0).then_some(start + i)
    })?;
    let schema = &expr[start..end];
    let mut parts = schema.split(',').map(str::trim);
    let namespace = parts.next()?.to_owned();
    let name = expr
        .split_once("MetricName=\"")?
        .1
        .split_once('"')?
        .0
        .to_owned();
    Some(MetricRef {
        namespace,
        name,
        dimensions: parts.map(str::to_owned).collect(),
        from: from.to_owned(),
    })
}

fn dashboard_metrics(t: &Value) -> Vec<MetricRef> {
    let mut out = Vec::new();
    for (name, p) in resources(t, "AWS::CloudWatch::Dashboard") {
        let mut body = text(&p["DashboardBody"]).expect("DashboardBody").to_owned();
        // Number parameters stand unquoted in the JSON: put their defaults in.
        for (param, def) in t["Parameters"].as_object().unwrap() {
            if def["Type"] == "Number" {
                body = body.replace(&format!("${{{param}}}"), &def["Default"].to_string());
            }
        }
        let body: Value = serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("{name}'s body is not JSON: {e}"));
        for w in body["widgets"].as_array().unwrap() {
            let title = w["properties"]["title"].as_str().unwrap_or("");
            for row in w["properties"]["metrics"].as_array().into_iter().flatten() {
                let row = row.as_array().unwrap();
                let from = format!("{name}: {title}");
                if let Some(expr) = row[0].get("expression").and_then(Value::as_str) {
                    let m = from_search(expr, &from)
                        .unwrap_or_else(|| panic!("{from}: only SEARCH expressions: {expr}"));
                    out.push(m);
                    continue;
                }
                let strings: Vec<&str> = row.iter().filter_map(Value::as_str).collect();
                assert!(
                    !strings.contains(&".."),
                    "{from}: write rows out in full, no \"..\" shorthand"
                );
                out.push(MetricRef {
                    namespace: strings[0].to_owned(),
                    name: strings[1].to_owned(),
                    dimensions: strings[2..]
                        .iter()
                        .step_by(2)
                        .map(|s| s.to_string())
                        .collect(),
                    from,
                });
            }
        }
    }
    out
}

fn our_namespace(t: &Value) -> String {
    let ns = &t["Globals"]["Function"]["Environment"]["Variables"]
        [pirros_shared::metrics::NAMESPACE_ENV];
    text(ns)
        .expect("the functions are told their metrics namespace")
        .to_owned()
}

#[test]
fn alarms_and_dashboard_name_only_metrics_the_code_publishes() {
    let t = template();
    let ns = our_namespace(&t);
    assert!(ns.starts_with(catalog::DEFAULT_NAMESPACE), "{ns}");
    // The API's per-request metrics, and what the webhook delivery function publishes.
    let published: HashSet<(String, BTreeSet<String>)> = catalog::published()
        .chain(pirros_delivery::metrics::published())
        .map(|(m, d)| (m.to_owned(), d.iter().map(|s| s.to_string()).collect()))
        .collect();
    let refs: Vec<MetricRef> = alarm_metrics(&t)
        .into_iter()
        .chain(dashboard_metrics(&t))
        .collect();
    let ours: Vec<&MetricRef> = refs.iter().filter(|r| r.namespace == ns).collect();
    for r in &ours {
        assert!(
            published.contains(&(r.name.clone(), r.dimensions.clone())),
            "{}: {} with dimensions {:?} is not published by the code (shared/src/metrics/catalog.rs)",
            r.from,
            r.name,
            r.dimensions
        );
    }
    // Anything else that looks like ours is a typo in the namespace.
    for r in &refs {
        assert!(
            r.namespace == ns || r.namespace.starts_with("AWS/"),
            "{}: namespace {}",
            r.from,
            r.namespace
        );
    }
    let names: HashSet<&str> = ours.iter().map(|r| r.name.as_str()).collect();
    for m in [
        catalog::REQUESTS,
        catalog::LATENCY,
        catalog::FAULTS,
        catalog::ERRORS,
        catalog::READ_CAPACITY,
        catalog::WRITE_CAPACITY,
        catalog::COLD_START,
    ] {
        assert!(names.contains(m), "the dashboard shows {m}");
    }
}

#[test]
fn the_checker_catches_a_metric_the_code_does_not_publish() {
    let bad = from_search(
        r#"SEARCH('{Pirros/${Stage},Function} MetricName="Latency"', 'p99', 300)"#,
        "test",
    )
    .unwrap();
    let published: HashSet<(String, BTreeSet<String>)> = catalog::published()
        .map(|(m, d)| (m.to_owned(), d.iter().map(|s| s.to_string()).collect()))
        .collect();
    assert_eq!(bad.namespace, "Pirros/${Stage}");
    assert!(!published.contains(&(bad.name, bad.dimensions)));
}

#[test]
fn the_alarms_cover_what_operations_needs_and_notify_only_a_given_topic() {
    let t = template();
    let refs = alarm_metrics(&t);
    let watches = |ns: &str, name: &str| {
        refs.iter()
            .any(|r| r.namespace.starts_with(ns) && r.name == name)
    };
    assert!(
        watches("AWS/ApiGateway", "5xx") && watches("AWS/ApiGateway", "Count"),
        "5xx rate"
    );
    assert!(watches("Pirros/", catalog::LATENCY), "p99 latency");
    assert!(watches("AWS/Lambda", "Errors") && watches("AWS/Lambda", "Throttles"));
    assert!(watches("AWS/DynamoDB", "ThrottledRequests"));
    let p99 = resources(&t, "AWS::CloudWatch::Alarm")
        .into_iter()
        .find(|(_, p)| p.get("MetricName") == Some(&json!(catalog::LATENCY)))
        .unwrap();
    assert_eq!(p99.1["ExtendedStatistic"], "p99");
    let action =
        json!({"Fn::If": ["HasAlarmTopic", [{"Ref": "AlarmTopicArn"}], {"Ref": "AWS::NoValue"}]});
    for (name, p) in resources(&t, "AWS::CloudWatch::Alarm") {
        assert_eq!(p["AlarmActions"], action, "{name}");
        assert_eq!(p["OKActions"], action, "{name}");
    }
    assert_eq!(t["Parameters"]["AlarmTopicArn"]["Default"], "");
    assert!(t["Conditions"]["HasAlarmTopic"].is_object());
    // The Lambda alarms watch every function of the stack.
    let functions: BTreeSet<String> = resources(&t, "AWS::Serverless::Function")
        .into_iter()
        .map(|(n, _)| n.clone())
        .collect();
    for (name, p) in resources(&t, "AWS::CloudWatch::Alarm") {
        let watched: BTreeSet<String> = p
            .get("Metrics")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|q| q.pointer("/MetricStat/Metric/Namespace") == Some(&json!("AWS/Lambda")))
            .map(|q| {
                q.pointer("/MetricStat/Metric/Dimensions/0/Value/Ref")
                    .and_then(Value::as_str)
                    .unwrap()
                    .to_owned()
            })
            .collect();
        if !watched.is_empty() {
            assert_eq!(watched, functions, "{name}");
        }
    }
}

#[test]
fn every_function_is_traced_and_every_role_may_send_traces() {
    let t = template();
    assert_eq!(t["Globals"]["Function"]["Tracing"], "Active");
    for (name, p) in resources(&t, "AWS::Serverless::Function") {
        assert!(p.get("Tracing").is_none_or(|v| v == "Active"), "{name}");
        let role = p["Role"]["Fn::GetAtt"][0].as_str().unwrap();
        let managed = &t["Resources"][role]["Properties"]["ManagedPolicyArns"];
        let arns: Vec<&str> = managed
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(text)
            .collect();
        assert!(
            arns.iter()
                .any(|a| a.ends_with(":policy/AWSXRayDaemonWriteAccess")),
            "{role}"
        );
    }
}

#[test]
fn access_logs_are_json_with_both_request_ids() {
    let t = template();
    let format = t["Resources"]["HttpApi"]["Properties"]["AccessLogSettings"]["Format"]
        .as_str()
        .unwrap();
    let v: Value = serde_json::from_str(format).expect("JSON access log format");
    assert_eq!(v["requestId"], "$context.requestId");
    assert_eq!(v["lambdaRequestId"], "$context.integration.requestId");
}
