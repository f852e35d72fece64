//! Metrics (issue 18): the EMF documents the code builds meet the specification, and
//! `pirros-local` prints them only when asked. (What the function binaries print per
//! invocation is checked in `lambda_path.rs`.)

use pirros_shared::metrics::catalog::{self, GROUPS};
use pirros_shared::metrics::emf::{self, Facts, Ids};
use pirros_shared::metrics::{MODE_ENV, StorageUse};
use pirros_tests::{bin, emf as spec};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn facts(status: u16, code: Option<&'static str>) -> Facts<'static> {
    Facts {
        namespace: "Pirros/dev",
        function: "pirros-dev-tags",
        route: "GET /v1/workspaces/{ws}/tags",
        status,
        error_code: code,
        latency_ms: 3.25,
        storage: StorageUse {
            calls: 3,
            items_read: 6,
            read_units: 1.5,
            write_units: 1.0,
        },
        cold_start: true,
        timestamp_ms: 1_790_000_000_000,
        ids: Ids {
            request_id: "8e1a3c4f-5b6d-4e7f-8a9b-0c1d2e3f4a5b",
            api_request_id: Some("Xj3Z1hx2IAMEbRg="),
            lambda_request_id: None,
            trace_id: Some("Root=1-5f84c7a1-0123456789abcdef01234567"),
        },
    }
}

#[test]
fn documents_meet_the_emf_specification() {
    for (status, code) in [
        (200, None),
        (404, Some("not_found")),
        (503, Some("service_unavailable")),
    ] {
        let line = serde_json::to_string(&emf::document(&facts(status, code))).unwrap();
        let doc = spec::validate(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
        let directives = doc["_aws"]["CloudWatchMetrics"].as_array().unwrap();
        let expected = GROUPS
            .iter()
            .filter(|g| !g.errors_only || code.is_some())
            .count();
        assert_eq!(directives.len(), expected, "{line}");
        assert_eq!(doc["StatusClass"], catalog::status_class(status));
        assert_eq!(doc["Faults"], u8::from(status >= 500));
        assert_eq!(doc["ReadCapacityUnits"], 1.5);
        assert_eq!(doc["ColdStart"], 1);
        assert_eq!(doc["TraceId"], "Root=1-5f84c7a1-0123456789abcdef01234567");
        assert!(
            doc.get("LambdaRequestId").is_none(),
            "absent ids are left out"
        );
        assert_eq!(doc.get("ErrorCode").and_then(|v| v.as_str()), code);
    }
}

#[test]
fn the_checker_rejects_what_the_specification_forbids() {
    let good = serde_json::to_value(emf::document(&facts(200, None))).unwrap();
    let broken = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut d = good.clone();
        f(&mut d);
        spec::validate(&d.to_string())
    };
    assert!(broken(&|_| {}).is_ok());
    assert!(broken(&|d| d["_aws"]["Timestamp"] = "now".into()).is_err());
    assert!(
        broken(&|d| d["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Unit"] = "Requests".into())
            .is_err()
    );
    assert!(
        broken(&|d| {
            d.as_object_mut().unwrap().remove("Route");
        })
        .is_err()
    );
    assert!(
        broken(&|d| {
            d.as_object_mut().unwrap().remove("Latency");
        })
        .is_err()
    );
    assert!(broken(&|d| d["Latency"] = "3 ms".into()).is_err());
    assert!(broken(&|d| d["Latency"] = serde_json::json!(vec![1.0; 101])).is_err());
    assert!(broken(&|d| d["Latency"] = serde_json::json!([1.0, 2.5])).is_ok());
    assert!(broken(&|d| d["Service"] = 5.into()).is_err());
    let names: Vec<String> = (0..31).map(|i| format!("D{i}")).collect();
    assert!(
        broken(&|d| {
            for n in &names {
                d[n.as_str()] = "x".into();
            }
            d["_aws"]["CloudWatchMetrics"][0]["Dimensions"] = serde_json::json!([names]);
        })
        .is_err()
    );
}

#[test]
fn the_catalog_names_each_metric_once_with_small_dimension_sets() {
    let mut names = HashSet::new();
    for g in GROUPS {
        for m in g.metrics {
            assert!(names.insert(m.name), "{} twice", m.name);
            assert!(spec::UNITS.contains(&m.unit.as_str()));
        }
        for set in g.dimension_sets {
            assert!(!set.is_empty() && set.len() <= 30);
        }
    }
    // Request ids and paths are high-cardinality: never dimensions.
    for (_, dims) in catalog::published() {
        for d in dims {
            assert!(
                [
                    catalog::SERVICE,
                    catalog::FUNCTION,
                    catalog::ROUTE,
                    catalog::STATUS_CLASS,
                    catalog::ERROR_CODE
                ]
                .contains(d),
                "{d}"
            );
        }
    }
}

/// Runs `pirros-local` with `metrics` as `PIRROS_METRICS` (None: unset), makes three
/// requests, stops it and returns its stdout lines.
fn local_run(metrics: Option<&str>) -> Vec<String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut cmd = Command::new(bin("pirros-local"));
    cmd.args(["--addr", &format!("127.0.0.1:{port}")])
        .env_remove("JWT_SECRET")
        .env_remove("TABLE_NAME")
        .env_remove("AWS_LAMBDA_FUNCTION_NAME")
        .env_remove(MODE_ENV)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(m) = metrics {
        cmd.env(MODE_ENV, m);
    }
    let mut child = cmd.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    let up = plain_http::wait_until_up(&base, deadline);
    assert!(up, "pirros-local answers");
    for path in ["/openapi.json", "/v1/nothing", "/oauth/token"] {
        plain_http::get_status(&format!("{base}{path}"));
    }
    std::thread::sleep(Duration::from_millis(200));
    let _ = child.kill();
    let _ = child.wait();
    rx.try_iter().collect()
}

/// Plain HTTP/1.0 GETs over a socket: this test needs no async runtime.
mod plain_http {
    use super::*;

    pub fn get_status(url: &str) -> Option<u16> {
        let rest = url.strip_prefix("http://")?;
        let (host, path) = rest.split_once('/')?;
        let mut s = std::net::TcpStream::connect(host).ok()?;
        std::io::Write::write_all(
            &mut s,
            format!("GET /{path} HTTP/1.0\r\nHost: {host}\r\n\r\n").as_bytes(),
        )
        .ok()?;
        let mut out = String::new();
        s.read_to_string(&mut out).ok()?;
        out.split_whitespace().nth(1)?.parse().ok()
    }

    pub fn wait_until_up(base: &str, deadline: Instant) -> bool {
        while Instant::now() < deadline {
            if get_status(&format!("{base}/openapi.json")).is_some() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    }
}

#[test]
fn pirros_local_prints_metrics_only_when_asked() {
    let quiet = local_run(None);
    assert!(
        quiet
            .iter()
            .any(|l| l.starts_with("Pirros local API listening")),
        "{quiet:?}"
    );
    assert!(!quiet.iter().any(|l| l.contains("\"_aws\"")), "{quiet:?}");
    assert!(
        !local_run(Some("off"))
            .iter()
            .any(|l| l.contains("\"_aws\""))
    );
    let loud = local_run(Some("emf"));
    let docs = spec::documents(&loud);
    // The readiness probes are requests too: at least the three made after them.
    assert!(docs.len() >= 4, "{loud:?}");
    let routes: HashSet<&str> = docs.iter().map(|d| d["Route"].as_str().unwrap()).collect();
    assert!(
        routes.contains("GET /openapi.json") && routes.contains(catalog::UNMATCHED_ROUTE),
        "{routes:?}"
    );
    let unmatched = docs
        .iter()
        .find(|d| d["Route"] == catalog::UNMATCHED_ROUTE)
        .unwrap();
    assert_eq!(unmatched["ErrorCode"], "not_found");
    assert_eq!(unmatched["Function"], "pirros-local");
}

#[test]
fn a_malformed_metrics_setting_stops_start_up_naming_it() {
    let out = Command::new(bin("pirros-local"))
        .args(["--addr", "127.0.0.1:0"])
        .env(MODE_ENV, "loud")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(MODE_ENV), "{err}");
}
