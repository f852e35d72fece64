//! Each route's declared grant (`needs ...` in its function's `declare_routes!`, the source
//! of its documented 403) is what it checks: a credential holding no grant in the workspace
//! gets 403 `insufficient_scope` naming exactly that grant from every route that declares
//! one, and never a 403 from the others (they answer 404 for what it may not read).

use pirros_tests::*;
use reqwest::Method;
use serde_json::{Value, json};

pirros_tests::on_both_stores!(every_route_checks_the_grant_it_declares);

/// A well-formed body for each route that takes one, so that the request reaches its
/// handler (a body is read, and refused, before the handler runs).
fn body_of(method: &Method, template: &str) -> Option<Value> {
    let tail = template.trim_start_matches("/v1/workspaces/{ws}");
    let body = match (method.as_str(), tail) {
        ("POST", "/details/{id}/flags") => json!({"reason": "outdated"}),
        ("PATCH", "/details/{id}/flags/{flag_id}") => json!({"status": "resolved"}),
        ("POST", "/families/uploads") => json!({
            "name": "Door", "category": "Doors", "file_name": "door.rfa",
            "size_bytes": 1024, "sha256": "0".repeat(64)
        }),
        ("POST", "/stashes") => json!({
            "name": "S", "project_id": PA, "item_ids": {"detail_ids": ["d1"], "family_ids": []}
        }),
        ("PATCH", "/stashes/{id}") => json!({"name": "S"}),
        ("POST", "/webhook-endpoints") => json!({
            "url": "https://hooks.example.com/pirros", "event_types": ["*"]
        }),
        ("PATCH", "/webhook-endpoints/{id}") => json!({"description": "d"}),
        ("POST", "/webhook-endpoints/{id}/replay") => json!({"event_ids": ["e1"]}),
        ("POST", _) => json!({}),
        _ => return None,
    };
    Some(body)
}

async fn every_route_checks_the_grant_it_declares(b: Backend) {
    let api = api(b).await;
    let none = api.token("nogrants-a").await;
    let mut checked = 0;
    for def in pirros_docs::routes::all().defs() {
        if !def.path.starts_with("/v1/") {
            continue;
        }
        // Ids of the fixture: a route that checks no grant first may only find nothing.
        let path = def
            .path
            .replace("{ws}", A1)
            .replace("{detailId}", "d1")
            .replace("{flag_id}", "fl1")
            .replace("{id}", "d1");
        let mut request = api
            .http
            .request(def.method.clone(), api.url(&path))
            .bearer_auth(&none);
        if let Some(body) = body_of(&def.method, def.path) {
            request = request.json(&body);
        }
        let r = api.send(request).await;
        let route = format!("{} {}", def.method, def.path);
        match def.grant {
            Some(grant) => {
                r.assert_error(403, "insufficient_scope");
                let details = &r.body["error"]["details"];
                let (action, entity_type) = grant.names();
                assert_eq!(details["required_action"], action, "{route}: {}", r.text);
                assert_eq!(details["entity_type"], entity_type, "{route}: {}", r.text);
                checked += 1;
            }
            None => assert_ne!(r.status, 403, "{route} declares no grant: {}", r.text),
        }
    }
    // Every declared route was reached (the table is not empty, nothing was skipped).
    let declared = pirros_docs::routes::all()
        .defs()
        .iter()
        .filter(|d| d.grant.is_some())
        .count();
    assert!(declared >= 20, "only {declared} routes declare a grant");
    assert_eq!(checked, declared);
}
