//! Grants and filters on every read endpoint, pagination and `include`.

use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::store::Item;
use pirros_shared::timestamp::Timestamp;
use pirros_tests::*;
use serde_json::{Value, json};

pirros_tests::on_every_path!(
    filtered_credentials_see_only_their_subset,
    single_reads_collapse_to_404,
    lists_without_a_grant_are_403_with_details,
    search_parameters_combine,
    cursor_walk_returns_every_item_once_despite_inserts,
    cursors_cannot_be_tampered_or_reused,
    limit_edges_are_enforced_not_clamped,
    include_expands_only_what_the_caller_may_read,
    similar_families_ranked_and_scoped,
    a_granted_workspace_without_data_is_an_empty_200,
    resources_have_the_contract_fields,
);

fn search(ws: &str, q: &str) -> String {
    format!("/v1/workspaces/{ws}/details{q}")
}

async fn filtered_credentials_see_only_their_subset(b: Backend) {
    let api = api(b).await;
    let cases = [
        ("full-a", vec!["d4", "d5", "d3", "d2", "d1"]),
        ("concrete-a", vec!["d4", "d5", "d3", "d1"]),
        ("typical-a", vec!["d5", "d2", "d1"]),
        ("concrete-typical-a", vec!["d5", "d1"]),
    ];
    for (who, want) in cases {
        let t = api.token(who).await;
        let r = api.get(&search(A1, ""), &t).await;
        assert_eq!(r.status, 200, "{who}: {}", r.text);
        assert_eq!(ids(&r), want, "{who}");
        for d in ["d1", "d2", "d3", "d4", "d5"] {
            let r = api
                .get(&format!("/v1/workspaces/{A1}/details/{d}"), &t)
                .await;
            if want.contains(&d) {
                assert_eq!(r.status, 200, "{who} {d}");
                assert_eq!(r.body["response"]["id"], d);
            } else {
                r.assert_error(404, "not_found");
            }
        }
    }
    let t = api.token("projfam-a").await;
    for (f, visible) in [("f1", true), ("f2", false), ("f3", true), ("f4", false)] {
        let r = api
            .get(&format!("/v1/workspaces/{A1}/families/{f}"), &t)
            .await;
        assert_eq!(r.status, if visible { 200 } else { 404 }, "{f}");
    }
    let t = api.token("stash-mine-a").await;
    assert_eq!(
        api.get(&format!("/v1/workspaces/{A1}/stashes/s1"), &t)
            .await
            .status,
        200
    );
    api.get(&format!("/v1/workspaces/{A1}/stashes/s2"), &t)
        .await
        .assert_error(404, "not_found");
}

async fn single_reads_collapse_to_404(b: Backend) {
    let api = api(b).await;
    let full_a = api.token("full-a").await;
    let full_b = api.token("full-b").await;
    let nogrants = api.token("nogrants-a").await;
    let paths = [
        // Another firm's resource, in its own workspace and under ours.
        (&full_a, format!("/v1/workspaces/{B1}/details/db1")),
        (&full_a, format!("/v1/workspaces/{A1}/details/db1")),
        (&full_a, format!("/v1/workspaces/{B1}/families/fb1")),
        (&full_a, format!("/v1/workspaces/{B1}/stashes/sb1")),
        // Our firm, wrong workspace.
        (&full_a, format!("/v1/workspaces/{A1}/details/da2")),
        // Missing, and malformed ids.
        (&full_a, format!("/v1/workspaces/{A1}/details/nope")),
        (&full_a, format!("/v1/workspaces/{A1}/details/a%23b")),
        (
            &full_a,
            format!("/v1/workspaces/{A1}/families/nope/similar"),
        ),
        // Our data, no grant at all.
        (&nogrants, format!("/v1/workspaces/{A1}/details/d1")),
        (&nogrants, format!("/v1/workspaces/{A1}/families/f1")),
        (
            &nogrants,
            format!("/v1/workspaces/{A1}/families/f1/similar"),
        ),
        (&nogrants, format!("/v1/workspaces/{A1}/stashes/s1")),
        (&full_b, format!("/v1/workspaces/{A1}/details/d1")),
    ];
    let mut bodies = Vec::new();
    for (t, p) in paths {
        let r = api.get(&p, t).await;
        r.assert_error(404, "not_found");
        bodies.push(r.body["error"].clone());
    }
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "indistinguishable 404s"
    );
}

async fn lists_without_a_grant_are_403_with_details(b: Backend) {
    let api = api(b).await;
    let t = api.token("steeltags-a").await;
    let r = api.get(&search(A1, ""), &t).await;
    r.assert_error(403, "insufficient_scope");
    assert_eq!(
        r.body["error"]["details"],
        json!({
            "required_action": "read",
            "entity_type": "detail",
            "granted_filter_ids": ["flt-steel-tags"],
            "granted_filter_names": ["Steel tag only"],
        })
    );
    let t = api.token("nogrants-a").await;
    let r = api.get(&search(A1, ""), &t).await;
    r.assert_error(403, "insufficient_scope");
    assert_eq!(r.body["error"]["details"]["granted_filter_ids"], json!([]));
    // A grant on details for downloading only is no read grant.
    let full_a = api.token("full-a").await;
    let r = api.get(&search(B1, ""), &full_a).await;
    r.assert_error(403, "insufficient_scope");
}

async fn search_parameters_combine(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let cases = [
        ("?q=concrete", vec!["d4", "d3", "d1"]),
        ("?q=CONCRETE%20slab", vec!["d1"]),
        ("?q=coping", vec!["d5"]),
        ("?tag_id=t-concrete", vec!["d4", "d5", "d3", "d1"]),
        ("?tag_id=t-concrete&tag_id=t-steel", vec!["d5"]),
        ("?tag_id=t-steel&tag_id=t-concrete", vec!["d5"]),
        ("?tag_id=t-missing", vec![]),
        (&format!("?project_id={PA}"), vec!["d5", "d3"]),
        (&format!("?project_id={PA}&tag_id=t-steel"), vec!["d5"]),
        ("?library=project", vec!["d4", "d3"]),
        ("?library=typical&tag_id=t-concrete", vec!["d5", "d1"]),
        ("?q=nothing-matches-this", vec![]),
    ];
    for (q, want) in cases {
        let r = api.get(&search(A1, q), &t).await;
        assert_eq!(r.status, 200, "{q}: {}", r.text);
        assert_eq!(ids(&r), want, "{q}");
        assert_eq!(r.body["response"]["next_cursor"], Value::Null, "{q}");
    }
    for (q, code) in [
        ("?library=weird", "invalid_request"),
        ("?colour=red", "invalid_request"),
        ("?tag_id=a%23b", "invalid_request"),
        ("?q=a&q=b", "invalid_request"),
        ("?include=bogus", "invalid_include_param"),
        ("?include=tags,nope", "invalid_include_param"),
        // Only the two documented spellings.
        ("?include=projects", "invalid_include_param"),
        ("?include=tag", "invalid_include_param"),
        // Bytes that are not UTF-8 once decoded are refused, not read as no filter.
        ("?q=%FF", "invalid_request"),
        ("?q=door%C3%28", "invalid_request"),
        ("?%FF=1", "invalid_request"),
    ] {
        api.get(&search(A1, q), &t).await.assert_error(400, code);
    }
}

fn detail(ws: &str, id: &str, day: u32) -> Item {
    let at = Timestamp::parse(&format!("2026-{day:02}-01T00:00:00Z")).unwrap_or(Timestamp::now());
    detail_item(ws, id, at, &[], None)
}

async fn cursor_walk_returns_every_item_once_despite_inserts(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let mut seen: Vec<String> = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let q = match &cursor {
            Some(c) => format!("?limit=2&cursor={c}"),
            None => "?limit=2".to_owned(),
        };
        let r = api.get(&search(A1, &q), &t).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let page = ids(&r);
        assert!(page.len() <= 2);
        seen.extend(page);
        pages += 1;
        // Writers keep inserting, newer and older than the walk's position.
        api.store()
            .put_items(&[
                detail(A1, &format!("new{pages}"), 10),
                detail(A1, &format!("old{pages}"), 1),
            ])
            .await
            .unwrap();
        match r.body["response"]["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
        assert!(pages < 20, "walk does not end");
    }
    assert!(pages >= 3, "{pages} pages");
    for d in ["d1", "d2", "d3", "d4", "d5"] {
        assert_eq!(
            seen.iter().filter(|s| *s == d).count(),
            1,
            "{d} in {seen:?}"
        );
    }
    let mut uniq = seen.clone();
    uniq.sort();
    uniq.dedup();
    assert_eq!(uniq.len(), seen.len(), "no duplicates: {seen:?}");
    assert!(
        !seen.iter().any(|s| s.starts_with("new")),
        "newer inserts are before the walk"
    );
}

async fn cursors_cannot_be_tampered_or_reused(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let r = api.get(&search(A1, "?limit=1&tag_id=t-concrete"), &t).await;
    let c = r.body["response"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    // Genuine and bound: works.
    let ok = api
        .get(
            &search(A1, &format!("?limit=1&tag_id=t-concrete&cursor={c}")),
            &t,
        )
        .await;
    assert_eq!(ids(&ok), ["d5"]);
    let mut flipped = c.clone().into_bytes();
    let i = flipped.len() / 3;
    flipped[i] = if flipped[i] == b'A' { b'B' } else { b'A' };
    let flipped = String::from_utf8(flipped).unwrap();
    let other = api.token("readonly-a").await;
    let cases: Vec<(String, &str)> = vec![
        (
            search(A1, &format!("?limit=1&tag_id=t-concrete&cursor={flipped}")),
            "tampered",
        ),
        (
            search(
                A1,
                &format!("?limit=1&tag_id=t-concrete&cursor={}", &c[..c.len() - 3]),
            ),
            "truncated",
        ),
        (search(A1, "?limit=1&tag_id=t-concrete&cursor="), "empty"),
        (
            search(A1, "?limit=1&tag_id=t-concrete&cursor=%00%01garbage"),
            "garbage",
        ),
        (
            search(A1, &format!("?limit=1&tag_id=t-steel&cursor={c}")),
            "other query",
        ),
        (
            search(A1, &format!("?limit=1&cursor={c}")),
            "query without the filter",
        ),
        (
            search(A2, &format!("?limit=1&tag_id=t-concrete&cursor={c}")),
            "other workspace",
        ),
    ];
    for (p, what) in cases {
        let r = api.get(&p, &t).await;
        assert_eq!(r.status, 400, "{what}: {}", r.text);
        r.assert_error(400, "invalid_request");
    }
    // Another caller can't replay it either.
    api.get(
        &search(A1, &format!("?limit=1&tag_id=t-concrete&cursor={c}")),
        &other,
    )
    .await
    .assert_error(400, "invalid_request");
    // A different page size keeps the same cursor valid.
    let r = api
        .get(
            &search(A1, &format!("?limit=3&tag_id=t-concrete&cursor={c}")),
            &t,
        )
        .await;
    assert_eq!(ids(&r), ["d5", "d3", "d1"]);
    // The workspace's id spelt in capitals is the same workspace, and so the same query.
    let r = api
        .get(
            &search(
                &A1.to_uppercase(),
                &format!("?limit=1&tag_id=t-concrete&cursor={c}"),
            ),
            &t,
        )
        .await;
    assert_eq!(ids(&r), ["d5"], "{}", r.text);
}

async fn limit_edges_are_enforced_not_clamped(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    for (q, n) in [("?limit=1", 1), ("?limit=100", 5), ("", 5)] {
        let r = api.get(&search(A1, q), &t).await;
        assert_eq!(ids(&r).len(), n, "{q}");
    }
    for bad in [
        "0",
        "101",
        "-1",
        "abc",
        "",
        "1.5",
        "1e2",
        "99999999999999999999",
    ] {
        api.get(&search(A1, &format!("?limit={bad}")), &t)
            .await
            .assert_error(400, "invalid_request");
    }
    let sim = |q: &str| format!("/v1/workspaces/{A1}/families/f1/similar{q}");
    assert_eq!(api.get(&sim("?limit=50"), &t).await.status, 200);
    assert_eq!(ids(&api.get(&sim("?limit=1"), &t).await).len(), 1);
    for bad in ["0", "51", "-1", "x"] {
        api.get(&sim(&format!("?limit={bad}")), &t)
            .await
            .assert_error(400, "invalid_request");
    }
    // Tags take `limit` as every list does, for clients that send it everywhere, but
    // answer every tag in one page; no cursor is issued, so none is taken.
    let tags = |q: &str| format!("/v1/workspaces/{A1}/tags{q}");
    let all = ids(&api.get(&tags(""), &t).await);
    assert!(all.len() > 1, "{all:?}");
    let r = api.get(&tags("?limit=1"), &t).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(ids(&r), all);
    assert_eq!(r.body["response"]["next_cursor"], Value::Null);
    for bad in ["0", "101", "x"] {
        api.get(&tags(&format!("?limit={bad}")), &t)
            .await
            .assert_error(400, "invalid_request");
    }
    let r = api.get(&tags("?cursor=eyJ4IjoxfQ"), &t).await;
    r.assert_error(400, "invalid_request");
    assert_eq!(r.body["error"]["details"]["field"], "cursor");
}

async fn include_expands_only_what_the_caller_may_read(b: Backend) {
    let api = api(b).await;
    let full = api.token("full-a").await;
    let r = api
        .get(
            &format!("/v1/workspaces/{A1}/details/d5?include=tags,project"),
            &full,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let e = &r.body["response"]["expanded"];
    assert_eq!(e["tags"]["t-steel"]["name"], "steel");
    assert_eq!(e["tags"]["t-concrete"]["name"], "concrete");
    assert_eq!(e["projects"][PA]["name"], "Project A");
    // Additive: the resource's own fields are unchanged.
    assert_eq!(
        r.body["response"]["tag_ids"],
        json!(["t-steel", "t-concrete"])
    );
    let plain = api
        .get(&format!("/v1/workspaces/{A1}/details/d5"), &full)
        .await;
    assert_eq!(plain.body["response"]["expanded"], json!({}));
    // typical-a may read d5 but holds no tag grant: no tags are expanded.
    let typical = api
        .get(
            &format!("/v1/workspaces/{A1}/details/d5?include=tags"),
            &api.token("typical-a").await,
        )
        .await;
    assert_eq!(typical.body["response"]["expanded"], json!({"tags": {}}));
    // steeltags-a-like scopes: a tag filter limits which tags expand.
    let concrete = api.token("concrete-a").await;
    let r = api
        .get(&search(A1, "?include=tags&limit=1"), &concrete)
        .await;
    assert_eq!(ids(&r), ["d4"]);
    let tags = r.body["response"]["expanded"]["tags"].as_object().unwrap();
    let mut keys: Vec<&String> = tags.keys().collect();
    keys.sort();
    assert_eq!(keys, ["t-concrete", "t-timber"]);
    let r = api
        .get(
            &format!("/v1/workspaces/{A1}/families/f1?include=project"),
            &full,
        )
        .await;
    assert_eq!(r.body["response"]["expanded"]["projects"][PA]["id"], PA);
}

async fn similar_families_ranked_and_scoped(b: Backend) {
    let api = api(b).await;
    let full = api.token("full-a").await;
    let r = api
        .get(&format!("/v1/workspaces/{A1}/families/f1/similar"), &full)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let data = r.body["response"]["data"].as_array().unwrap();
    let got: Vec<&str> = data.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(got[0], "f2", "same category, same tag, shared name words");
    assert!(!got.contains(&"f1"), "not itself");
    assert!(!got.contains(&"fb1"), "not another firm's");
    let scores: Vec<f64> = data.iter().map(|d| d["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    assert!(scores.iter().all(|s| (0.0..=1.0).contains(s)));
    assert_eq!(r.body["response"]["next_cursor"], Value::Null);
    // A project-scoped credential ranks only what it may read.
    let proj = api.token("projfam-a").await;
    let r = api
        .get(&format!("/v1/workspaces/{A1}/families/f1/similar"), &proj)
        .await;
    assert_eq!(ids(&r), ["f3"]);
}

async fn a_granted_workspace_without_data_is_an_empty_200(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    // A2 holds one detail, typical; ask for project details there: none exist.
    let r = api.get(&search(A2, "?library=project"), &t).await;
    assert_eq!(r.status, 200);
    assert_eq!(ids(&r), Vec::<String>::new());
    let ws3 = "c3c3c3c3-0000-4000-8000-000000000004";
    let w = WorkspaceId::parse(ws3).unwrap();
    let mut cred = api
        .store()
        .get_credential(&pirros_shared::ids::ClientId::parse("full-a").unwrap())
        .await
        .unwrap()
        .unwrap();
    for (f, a) in [("default:details", "read"), ("default:tags", "read")] {
        cred.grants.push(pirros_shared::model::Grant {
            workspace_id: w,
            filter_id: pirros_shared::grants::FilterId::parse(f).unwrap(),
            action: pirros_shared::grants::Action::parse(a).unwrap(),
        });
    }
    api.store()
        .put_items(&[
            Item::Workspace(pirros_shared::model::Workspace {
                id: w,
                firm_id: ResourceId::parse("firm-a").unwrap(),
                name: "empty".into(),
                downloads_enabled: true,
            }),
            Item::Credential(cred),
        ])
        .await
        .unwrap();
    for p in [search(ws3, ""), format!("/v1/workspaces/{ws3}/tags")] {
        let r = api.get(&p, &t).await;
        assert_eq!(r.status, 200, "{p}: {}", r.text);
        assert_eq!(r.body["response"]["data"], json!([]));
        assert_eq!(r.body["response"]["next_cursor"], Value::Null);
    }
}

async fn resources_have_the_contract_fields(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let keys = |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    let r = api
        .get(&format!("/v1/workspaces/{A1}/details/d1"), &t)
        .await;
    assert_eq!(
        keys(&r.body["response"]),
        [
            "id",
            "workspace_id",
            "name",
            "description",
            "library",
            "tag_ids",
            "project_id",
            "has_pdf",
            "has_rvt",
            "created_at",
            "updated_at",
            "open_flags",
            "expanded"
        ]
    );
    assert_eq!(r.body["response"]["has_pdf"], true);
    assert_eq!(r.body["response"]["created_at"], "2026-06-01T09:00:00.000Z");
    let r = api
        .get(&format!("/v1/workspaces/{A1}/families/f1"), &t)
        .await;
    assert_eq!(
        keys(&r.body["response"]),
        [
            "id",
            "workspace_id",
            "name",
            "category",
            "description",
            "tag_ids",
            "project_id",
            "has_rfa",
            "version",
            "file",
            "created_at",
            "updated_at",
            "group_id",
            "expanded"
        ]
    );
    let r = api
        .get(&format!("/v1/workspaces/{A1}/stashes/s1"), &t)
        .await;
    assert_eq!(
        keys(&r.body["response"]),
        [
            "id",
            "workspace_id",
            "name",
            "description",
            "project_id",
            "is_permanent",
            "item_ids",
            "created_by",
            "created_at",
            "updated_at",
            "expanded"
        ]
    );
    assert_eq!(
        r.body["response"]["item_ids"],
        json!({"detail_ids": ["d1"], "family_ids": ["f1"]})
    );
    let r = api.get(&format!("/v1/workspaces/{A1}/tags"), &t).await;
    assert_eq!(
        keys(&r.body["response"]["data"][0]),
        ["id", "name", "workspace_id", "created_at"]
    );
    assert_eq!(keys(&r.body), ["response", "meta"]);
}
