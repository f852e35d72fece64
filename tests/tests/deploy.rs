//! `template.yaml` and the code route the same set: one routing table, no drift.

use pirros_shared::routes::ROUTES;
use std::collections::BTreeSet;

/// (method, path, function) of every HttpApi event, read from the template's text.
fn template_routes() -> BTreeSet<(String, String, String)> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml"))
        .expect("template.yaml");
    let mut out = BTreeSet::new();
    let mut binary = String::new();
    let mut method: Option<String> = None;
    for line in text.lines().map(str::trim) {
        if let Some(b) = line.strip_prefix("Binary:") {
            binary = b.trim().trim_start_matches("pirros-").to_owned();
        } else if let Some(m) = line.strip_prefix("Method:") {
            method = Some(m.trim().to_owned());
        } else if let Some(p) = line.strip_prefix("Path:") {
            let m = method.take().expect("Method before Path in each event");
            out.insert((m, p.trim().to_owned(), binary.clone()));
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
    let template = template_routes();
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
