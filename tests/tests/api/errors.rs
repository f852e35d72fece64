//! The error catalogue: the README's table and `GET /docs/errors` are the catalogue, and a
//! 405's `Allow` lists the routing table's methods for the path.

use pirros_shared::catalogue::ErrorKind;
use pirros_tests::routes::ROUTES;
use pirros_tests::*;
use reqwest::Method;
use serde_json::Value;

pirros_tests::on_both_stores!(
    error_codes_page_is_the_catalogue,
    method_not_allowed_lists_the_methods_of_the_path,
);

/// The catalogue as the README's Markdown table.
fn table() -> String {
    let mut out = String::from("| code | status | where | when |\n|---|---|---|---|\n");
    for k in ErrorKind::ALL {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            k.code(),
            k.status().as_u16(),
            k.surface().label(),
            k.when()
        ));
    }
    out
}

#[test]
fn readme_table_is_the_catalogue() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    let section = readme
        .split("<!-- errors:begin -->\n")
        .nth(1)
        .and_then(|rest| rest.split("<!-- errors:end -->").next())
        .expect("README.md has the error table between its markers");
    assert_eq!(
        section,
        table(),
        "README.md's error table differs from the catalogue; it should read:\n{}",
        table()
    );
}

async fn error_codes_page_is_the_catalogue(b: Backend) {
    let api = api(b).await;
    let r = api.send(api.http.get(api.url("/docs/errors"))).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(r.header("x-request-id").is_some());
    for k in ErrorKind::ALL {
        let row = format!(
            "<tr><td><code>{}</code></td><td>{}</td>",
            k.code(),
            k.status().as_u16()
        );
        assert!(r.text.contains(&row), "{row} missing");
    }
    assert_eq!(r.text.matches("<tr><td>").count(), ErrorKind::ALL.len());

    let r = api
        .send(
            api.http
                .get(api.url("/docs/errors"))
                .header("accept", "application/json"),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let listed: Vec<(String, u64, String)> = r.body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["code"].as_str().unwrap().to_owned(),
                e["status"].as_u64().unwrap(),
                e["when"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let catalogue: Vec<(String, u64, String)> = ErrorKind::ALL
        .iter()
        .map(|k| {
            (
                k.code().to_owned(),
                k.status().as_u16().into(),
                k.when().to_owned(),
            )
        })
        .collect();
    assert_eq!(listed, catalogue);

    let r = api.send(api.http.post(api.url("/docs/errors"))).await;
    r.assert_error(405, "method_not_allowed");
    assert_eq!(r.header("allow"), Some("GET"));
}

async fn method_not_allowed_lists_the_methods_of_the_path(b: Backend) {
    let api = api(b).await;
    let mut paths: Vec<&str> = ROUTES.iter().map(|r| r.path).collect();
    paths.sort();
    paths.dedup();
    for template in paths {
        let methods: Vec<&str> = ROUTES
            .iter()
            .filter(|r| r.path == template)
            .map(|r| r.method)
            .collect();
        let path = template
            .replace("{ws}", A1)
            .replace("{id}", "s1")
            .replace("{detailId}", "d1")
            .replace("{flag_id}", "fl1");
        let r = api
            .send(api.http.request(Method::PUT, api.url(&path)))
            .await;
        assert_eq!(r.status, 405, "{path}: {}", r.text);
        assert_eq!(
            r.header("allow"),
            Some(methods.join(", ").as_str()),
            "{path}"
        );
        // The token function (`/oauth/token`, `/.well-known/jwks.json`) answers RFC 6749's
        // flat shape.
        let code = if template.starts_with("/oauth/") || template.starts_with("/.well-known/") {
            &r.body["error"]
        } else {
            &r.body["error"]["code"]
        };
        assert_eq!(code, &Value::from("method_not_allowed"), "{path}");
    }
}
