//! `template.yaml` and the code route the same set: one routing table, no drift.

use pirros_tests::routes::ROUTES;
use std::collections::BTreeSet;

/// The route SAM makes of an HttpApi event with neither `Path` nor `Method`: the API's
/// catch-all for every request no other route matches.
const DEFAULT_ROUTE: (&str, &str) = ("ANY", "$default");

/// (method, path, function) of every HttpApi event of the template.
fn template_routes() -> BTreeSet<(String, String, String)> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml"))
        .expect("template.yaml");
    let doc: serde_norway::Value = serde_norway::from_str(&text).expect("template.yaml parses");
    let mut out = BTreeSet::new();
    for (_, res) in doc["Resources"].as_mapping().expect("Resources") {
        if res["Type"].as_str() != Some("AWS::Serverless::Function") {
            continue;
        }
        let binary = res["Metadata"]["BuildProperties"]["Binary"]
            .as_str()
            .expect("every function names its binary");
        let function = binary.trim_start_matches("pirros-").to_owned();
        for (_, event) in res["Properties"]["Events"]
            .as_mapping()
            .into_iter()
            .flatten()
        {
            if event["Type"].as_str() != Some("HttpApi") {
                continue;
            }
            let p = &event["Properties"];
            let (method, path) = match (p["Method"].as_str(), p["Path"].as_str()) {
                (Some(m), Some(path)) => (m.to_owned(), path.to_owned()),
                (None, None) => (DEFAULT_ROUTE.0.to_owned(), DEFAULT_ROUTE.1.to_owned()),
                _ => panic!("{function}: an HttpApi event names both Path and Method, or neither"),
            };
            out.insert((method, path, function.clone()));
        }
    }
    out
}

#[test]
fn template_routes_equal_the_code_routes() {
    let code: BTreeSet<(String, String, String)> = ROUTES
        .iter()
        .map(|r| {
            (
                r.method.to_owned(),
                r.path.to_owned(),
                r.function.name().to_owned(),
            )
        })
        .collect();
    let mut template = template_routes();
    // Unknown routes go to the docs function, which answers the 404 envelope: API Gateway
    // never answers with a body of its own.
    let defaults: Vec<_> = template
        .iter()
        .filter(|(m, p, _)| (m.as_str(), p.as_str()) == DEFAULT_ROUTE)
        .cloned()
        .collect();
    assert_eq!(
        defaults,
        [(
            DEFAULT_ROUTE.0.into(),
            DEFAULT_ROUTE.1.into(),
            "docs".into()
        )],
        "one $default route, to the docs function"
    );
    template.retain(|(m, p, _)| (m.as_str(), p.as_str()) != DEFAULT_ROUTE);
    let missing: Vec<_> = code.difference(&template).collect();
    let extra: Vec<_> = template.difference(&code).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing from template: {missing:?}\nnot in code: {extra:?}"
    );
}

#[test]
fn every_template_function_is_a_workspace_binary() {
    let manifest =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml")).unwrap();
    for (_, _, f) in template_routes() {
        assert!(
            manifest.contains(&format!("\"functions/{f}\"")),
            "functions/{f} is not a workspace member"
        );
        let crate_manifest = std::fs::read_to_string(format!(
            "{}/../functions/{f}/Cargo.toml",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        assert!(
            crate_manifest.contains(&format!("name = \"pirros-{f}\"")),
            "binary pirros-{f}"
        );
    }
}

fn template_doc() -> serde_norway::Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml"))
        .expect("template.yaml");
    serde_norway::from_str(&text).expect("template.yaml parses")
}

/// The parameter a value refers to (`!Ref Name`), if it is one.
fn referenced(v: &serde_norway::Value) -> Option<&str> {
    match v {
        serde_norway::Value::Tagged(t) if t.tag == "!Ref" => t.value.as_str(),
        _ => None,
    }
}

/// Stage throttling and every function's reserved concurrency are parameters, with
/// defaults that hold a flood back; the log level takes known levels only.
#[test]
fn throttling_concurrency_and_log_level_are_bounded_parameters() {
    let doc = template_doc();
    let params = &doc["Parameters"];
    let default = |name: &str| -> i64 {
        let d = &params[name]["Default"];
        d.as_i64()
            .or_else(|| d.as_str().and_then(|s| s.parse().ok()))
            .unwrap_or_else(|| panic!("parameter {name} has no numeric default"))
    };
    let levels: Vec<&str> = params["LogLevel"]["AllowedValues"]
        .as_sequence()
        .expect("LogLevel AllowedValues")
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(levels, ["error", "warn", "info", "debug", "trace"]);
    assert_eq!(params["LogLevel"]["Default"].as_str(), Some("info"));
    let route = &doc["Resources"]["HttpApi"]["Properties"]["DefaultRouteSettings"];
    for (setting, max) in [
        ("ThrottlingBurstLimit", 1000),
        ("ThrottlingRateLimit", 1000),
    ] {
        let p =
            referenced(&route[setting]).unwrap_or_else(|| panic!("{setting} is not a parameter"));
        assert!(
            (1..=max).contains(&default(p)),
            "{p} defaults to {}",
            default(p)
        );
    }
    for (name, res) in doc["Resources"].as_mapping().unwrap() {
        if res["Type"].as_str() != Some("AWS::Serverless::Function") {
            continue;
        }
        // !If [<function>ConcurrencyReserved, !Ref <parameter>, !Ref AWS::NoValue]
        let rc = &res["Properties"]["ReservedConcurrentExecutions"];
        let choice = match rc {
            serde_norway::Value::Tagged(t) if t.tag == "!If" => t.value.as_sequence().unwrap(),
            _ => panic!("{name:?}: ReservedConcurrentExecutions is not a parameter"),
        };
        let p = referenced(&choice[1]).expect("a parameter");
        assert_eq!(referenced(&choice[2]), Some("AWS::NoValue"));
        assert!(
            (1..=100).contains(&default(p)),
            "{p} defaults to {}",
            default(p)
        );
    }
}

/// The files bucket keeps every version an import overwrites (previous ones expire after a
/// parameter's days), and no function's role may write or delete an imported file (`pdf/`,
/// `rvt/`, `rfa/`): only the operator's import does. The jobs function may have uploads PUT
/// (presigned) under `uploads/`; the worker consumes them there and writes `families/` and
/// `exports/`.
#[test]
fn the_files_bucket_keeps_versions_and_no_function_writes_it() {
    let doc = template_doc();
    let bucket = &doc["Resources"]["FilesBucket"]["Properties"];
    assert_eq!(
        bucket["VersioningConfiguration"]["Status"].as_str(),
        Some("Enabled")
    );
    let rules = bucket["LifecycleConfiguration"]["Rules"]
        .as_sequence()
        .expect("lifecycle rules");
    let expiry = rules
        .iter()
        .find(|r| {
            r["Status"].as_str() == Some("Enabled") && r["NoncurrentVersionExpiration"].is_mapping()
        })
        .expect("a rule expiring previous versions");
    assert_eq!(
        referenced(&expiry["NoncurrentVersionExpiration"]["NoncurrentDays"]),
        Some("NoncurrentFileVersionDays")
    );
    let writable = |role: &str| -> &[&str] {
        match role {
            "JobsRole" => &["uploads/*"],
            "WorkerRole" => &["uploads/*", "families/*", "exports/*", "snapshots/*"],
            _ => &[],
        }
    };
    for (name, res) in doc["Resources"].as_mapping().unwrap() {
        if res["Type"].as_str() != Some("AWS::IAM::Role") {
            continue;
        }
        let name = name.as_str().unwrap();
        for policy in res["Properties"]["Policies"]
            .as_sequence()
            .into_iter()
            .flatten()
        {
            for st in policy["PolicyDocument"]["Statement"]
                .as_sequence()
                .into_iter()
                .flatten()
            {
                let text = serde_norway::to_string(&st["Action"]).unwrap();
                let writes = ["s3:Put", "s3:Delete", "s3:*", "s3:Abort", "\"*\""]
                    .iter()
                    .any(|a| text.contains(a));
                if !writes {
                    continue;
                }
                let resources = match &st["Resource"] {
                    serde_norway::Value::Sequence(items) => items.clone(),
                    one => vec![one.clone()],
                };
                for r in resources {
                    let arn = match &r {
                        serde_norway::Value::Tagged(t) if t.tag == "!Sub" => {
                            t.value.as_str().unwrap_or_default().to_owned()
                        }
                        other => panic!("{name}: S3 write on {other:?}"),
                    };
                    let prefix = arn.strip_prefix("${FilesBucket.Arn}/").unwrap_or_default();
                    assert!(
                        writable(name).contains(&prefix),
                        "{name:?} may write {arn:?}"
                    );
                }
            }
        }
    }
}
