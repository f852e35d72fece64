//! Issue 15: integrators find their way. `GET /v1/me`, the projects and stashes lists,
//! and conditional reads (`ETag`, `If-None-Match`), over HTTP on both stores.

use pirros_local::budget;
use pirros_shared::auth::secret::SecretHash;
use pirros_shared::grants::{Action, FilterId};
use pirros_shared::ids::{ClientId, ResourceId, WorkspaceId};
use pirros_shared::model::{
    Credential, CredentialStatus, Grant, ItemIds, Project, Stash, StashRecord, Tag,
};
use pirros_shared::store::Item;
use pirros_shared::timestamp::Timestamp;
use pirros_tests::uploads::upload_body;
use pirros_tests::*;
use serde_json::{Value, json};

pirros_tests::on_both_stores!(
    me_names_the_credential_its_workspaces_and_grants,
    me_leaves_out_what_grants_nothing_and_other_firms,
    me_is_rate_limited_and_kill_switched,
    projects_list_by_name_in_pages,
    projects_need_some_read_grant,
    projects_refuse_bad_input,
    stashes_list_newest_first_with_filters_and_grants,
    stash_list_walk_sees_every_stash_once_and_updates,
    sparse_stash_pages_do_bounded_work,
    stashes_list_refuses_bad_input,
    single_resource_gets_are_conditional,
    etags_follow_the_answer,
    malformed_if_none_match_is_400_and_hidden_resources_stay_404,
    storage_cost_of_the_discovery_routes,
);

fn ws_id(ws: &str) -> WorkspaceId {
    WorkspaceId::parse(ws).unwrap()
}

fn rid(s: &str) -> ResourceId {
    ResourceId::parse(s).unwrap()
}

async fn get_with(api: &Api, path: &str, token: &str, headers: &[(&str, &str)]) -> Reply {
    let mut req = api.http.get(api.url(path)).bearer_auth(token);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    api.send(req).await
}

fn grant(action: &str, entity: &str, filter: &str, name: &str) -> Value {
    json!({"action": action, "entity_type": entity, "filter_id": filter, "filter_name": name})
}

fn field(r: &Reply) -> &Value {
    &r.body["error"]["details"]["field"]
}

/// A credential of `firm` with `grants` (workspace, filter, action), written straight to
/// the store.
async fn put_credential(api: &Api, id: &str, firm: &str, grants: &[(&str, &str, Action)]) {
    let c = Credential {
        client_id: ClientId::parse(id).unwrap(),
        name: format!("{id} integration"),
        firm_id: rid(firm),
        status: CredentialStatus::Active,
        secret: SecretHash::of(&secret_of(id)),
        secret_version: 1,
        previous_secret: None,
        grants: grants
            .iter()
            .map(|(w, f, a)| Grant {
                workspace_id: ws_id(w),
                filter_id: FilterId::parse(f).unwrap(),
                action: *a,
            })
            .collect(),
        created_at: Timestamp::now(),
        version: 1,
    };
    api.store().put_credential(&c).await.unwrap();
}

async fn me_names_the_credential_its_workspaces_and_grants(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let r = api.get("/v1/me", &t).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.request_id();
    let me = &r.body["response"];
    assert_eq!(me["client_id"], "full-a");
    assert_eq!(me["name"], "full-a");
    assert_eq!(me["firm"], json!({"id": "firm-a", "name": "Firm A"}));
    assert_eq!(me["expanded"], json!({}));
    let all_of = |kind: &str, plural: &str, actions: &[&str]| -> Vec<Value> {
        actions
            .iter()
            .map(|a| {
                grant(
                    a,
                    kind,
                    &format!("default:{plural}"),
                    &format!("All {plural}"),
                )
            })
            .collect()
    };
    let mut full = Vec::new();
    full.extend(all_of("detail", "details", &["read", "download"]));
    full.extend(all_of("family", "families", &["read", "download"]));
    full.extend(all_of("stash", "stashes", &["read", "write"]));
    full.extend(all_of("tag", "tags", &["read"]));
    assert_eq!(
        me["workspaces"],
        json!([
            {"id": A1, "name": "A one", "downloads_enabled": true, "grants": full},
            {"id": A2, "name": "A two (downloads off)", "downloads_enabled": false, "grants": full},
        ])
    );
    // The rate limit after this request: the headers' values.
    let rate = &me["rate_limit"];
    assert_eq!(rate["limit"], 1000);
    for (k, h) in [
        ("limit", "x-ratelimit-limit"),
        ("remaining", "x-ratelimit-remaining"),
        ("reset", "x-ratelimit-reset"),
    ] {
        assert_eq!(
            rate[k].as_i64().unwrap().to_string(),
            r.header(h).unwrap(),
            "{k}"
        );
    }
    // Custom filters are named; a workspace id from here works on the other routes.
    let t = api.token("concrete-a").await;
    let r = api.get("/v1/me", &t).await;
    assert_eq!(
        r.body["response"]["workspaces"],
        json!([{
            "id": A1, "name": "A one", "downloads_enabled": true,
            "grants": [
                grant("read", "detail", "flt-concrete", "Concrete details"),
                grant("read", "tag", "default:tags", "All tags"),
            ],
        }])
    );
    let ws = r.body["response"]["workspaces"][0]["id"].as_str().unwrap();
    let tags = api.get(&format!("/v1/workspaces/{ws}/tags"), &t).await;
    assert_eq!(tags.status, 200);
    // No grant at all: no workspace, still 200.
    let t = api.token("nogrants-a").await;
    let r = api.get("/v1/me", &t).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["response"]["workspaces"], json!([]));
    assert_eq!(r.body["response"]["firm"]["id"], "firm-a");
}

async fn me_leaves_out_what_grants_nothing_and_other_firms(b: Backend) {
    let api = api(b).await;
    // A grant in another firm's workspace, one whose filter is gone, one unknown workspace.
    put_credential(
        &api,
        "odd-a",
        "firm-a",
        &[
            (B1, "default:details", Action::Read),
            (A1, "flt-gone", Action::Read),
            (
                "c0c0c0c0-0000-4000-8000-000000000009",
                "default:tags",
                Action::Read,
            ),
            (A2, "flt-gone", Action::Read),
            (A2, "default:tags", Action::Read),
            (A2, "default:tags", Action::Read),
        ],
    )
    .await;
    let t = api.token("odd-a").await;
    let r = api.get("/v1/me", &t).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["response"]["workspaces"],
        json!([{
            "id": A2, "name": "A two (downloads off)", "downloads_enabled": false,
            "grants": [grant("read", "tag", "default:tags", "All tags")],
        }])
    );
    // A deleted custom filter disappears from the grants that named it.
    let t = api.token("concrete-a").await;
    api.store()
        .delete_filter(ws_id(A1), &rid("flt-concrete"))
        .await
        .unwrap();
    let r = api.get("/v1/me", &t).await;
    assert_eq!(
        r.body["response"]["workspaces"][0]["grants"],
        json!([grant("read", "tag", "default:tags", "All tags")])
    );
}

async fn me_is_rate_limited_and_kill_switched(b: Backend) {
    let api = Setup::new(b)
        .env("API_RATE_LIMIT_PER_HOUR", "3")
        .start()
        .await;
    let t = api.token("full-a").await;
    for left in [2, 1, 0] {
        let r = api.get("/v1/me", &t).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.body["response"]["rate_limit"]["remaining"], left);
    }
    let r = api.get("/v1/me", &t).await;
    assert_eq!(r.status, 429, "{}", r.text);
    assert_eq!(r.body["error"], "too_many_requests");
    api.get("/v1/me", "not-a-token")
        .await
        .assert_error(401, "invalid_token");
    api.get("/v1/me?verbose=1", &api.token("full-b").await)
        .await
        .assert_error(400, "invalid_request");

    let api = Setup::new(b).start().await;
    let t = api.token("full-a").await;
    api.store().set_kill_switch(true).await.unwrap();
    let r = api.get("/v1/me", &t).await;
    r.assert_error(503, "service_unavailable");
    assert_eq!(r.header("retry-after"), Some("10"));
}

async fn projects_list_by_name_in_pages(b: Backend) {
    let api = api(b).await;
    let at = Timestamp::parse("2026-01-02T03:04:05.678Z").unwrap();
    let project = |id: &str, name: &str| {
        Item::Project(Project {
            id: rid(id),
            workspace_id: ws_id(A1),
            name: name.into(),
            created_at: at,
        })
    };
    api.store()
        .put_items(&[
            project("p-zeta", "Zeta"),
            project("p-alpha-2", "Alpha"),
            project("p-alpha-1", "Alpha"),
            project("p-alpha-x", "Alpha Extension"),
        ])
        .await
        .unwrap();
    let t = api.token("readonly-a").await;
    let want = ["p-alpha-1", "p-alpha-2", "p-alpha-x", PA, PB, "p-zeta"];
    let r = api.get(&format!("/v1/workspaces/{A1}/projects"), &t).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(ids(&r), want);
    assert_eq!(r.body["response"]["next_cursor"], Value::Null);
    assert_eq!(r.body["response"]["expanded"], json!({}));
    assert_eq!(
        r.body["response"]["data"][0],
        json!({"id": "p-alpha-1", "workspace_id": A1, "name": "Alpha",
               "created_at": "2026-01-02T03:04:05.678Z"})
    );
    let fixture_project = &r.body["response"]["data"][3];
    assert_eq!(fixture_project["name"], "Project A");
    assert!(Timestamp::parse(fixture_project["created_at"].as_str().unwrap()).is_some());
    // Pages of two, each once.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10 {
        let q = match &cursor {
            Some(c) => format!("?limit=2&cursor={c}"),
            None => "?limit=2".into(),
        };
        let r = api
            .get(&format!("/v1/workspaces/{A1}/projects{q}"), &t)
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        let page = ids(&r);
        assert!(page.len() <= 2);
        seen.extend(page);
        match r.body["response"]["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, want);
    // Another workspace's projects stay there.
    let t = api.token("full-b").await;
    let r = api.get(&format!("/v1/workspaces/{B1}/projects"), &t).await;
    assert_eq!(
        r.body["response"]["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["Project X"]
    );
}

async fn projects_need_some_read_grant(b: Backend) {
    let api = api(b).await;
    let path = format!("/v1/workspaces/{A1}/projects");
    // Any read grant opens the list, whatever its type or filter.
    for who in [
        "full-a",
        "concrete-a",
        "typical-a",
        "projfam-a",
        "steeltags-a",
    ] {
        let r = api.get(&path, &api.token(who).await).await;
        assert_eq!(r.status, 200, "{who}: {}", r.text);
        assert_eq!(ids(&r), [PA, PB], "{who}");
    }
    // Write and download grants are not read grants.
    put_credential(
        &api,
        "writer-only-a",
        "firm-a",
        &[
            (A1, "default:stashes", Action::Write),
            (A1, "default:details", Action::Download),
        ],
    )
    .await;
    let r = api.get(&path, &api.token("writer-only-a").await).await;
    r.assert_error(403, "insufficient_scope");
    assert_eq!(
        r.body["error"]["details"],
        json!({
            "required_action": "read",
            "entity_type": "project",
            "granted_filter_ids": ["default:details", "default:stashes"],
            "granted_filter_names": ["All details", "All stashes"],
        })
    );
    let r = api.get(&path, &api.token("nogrants-a").await).await;
    r.assert_error(403, "insufficient_scope");
    // Another firm's workspace, and a read grant whose filter is gone.
    let r = api.get(&path, &api.token("full-b").await).await;
    r.assert_error(403, "insufficient_scope");
    let t = api.token("steeltags-a").await;
    api.store()
        .delete_filter(ws_id(A1), &rid("flt-steel-tags"))
        .await
        .unwrap();
    api.get(&path, &t)
        .await
        .assert_error(403, "insufficient_scope");
}

async fn projects_refuse_bad_input(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let path = format!("/v1/workspaces/{A1}/projects");
    let first = api.get(&format!("{path}?limit=1"), &t).await;
    let cursor = first.body["response"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut tampered = cursor.clone().into_bytes();
    tampered[2] = if tampered[2] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let t2 = api.token("full-a").await;
    let other = api.token("readonly-a").await;
    for (p, token, name) in [
        (format!("{path}?limit=0"), &t, "limit"),
        (format!("{path}?limit=101"), &t, "limit"),
        (format!("{path}?limit=ten"), &t, "limit"),
        (format!("{path}?q=alpha"), &t, "q"),
        (format!("{path}?project_id={PA}"), &t, "project_id"),
        (format!("{path}?cursor={tampered}"), &t, "cursor"),
        (format!("{path}?cursor=abc"), &t, "cursor"),
        (
            format!("{path}?cursor={cursor}&cursor={cursor}"),
            &t,
            "cursor",
        ),
        // Bound to the credential and the workspace it came from.
        (format!("{path}?cursor={cursor}"), &other, "cursor"),
        (
            format!("/v1/workspaces/{A2}/projects?cursor={cursor}"),
            &t,
            "cursor",
        ),
        (
            "/v1/workspaces/not-a-uuid/projects".into(),
            &t,
            "workspaceId",
        ),
    ] {
        let r = api.get(&p, token).await;
        r.assert_error(400, "invalid_request");
        assert_eq!(field(&r), name, "{p}");
    }
    // A second token of the same credential reads on with the cursor.
    let r = api.get(&format!("{path}?cursor={cursor}"), &t2).await;
    assert_eq!(ids(&r), [PB]);
    let r = api.call(reqwest::Method::POST, &path, &t).await;
    r.assert_error(405, "method_not_allowed");
    assert_eq!(r.header("allow"), Some("GET"));
}

fn stash_item(id: &str, minute: i64, project: &str, by: &str) -> Item {
    let at = Timestamp::from_millis(
        Timestamp::parse("2026-07-01T00:00:00Z").unwrap().millis() + minute * 60_000,
    );
    Item::Stash(StashRecord {
        stash: Stash {
            id: rid(id),
            workspace_id: ws_id(A1),
            name: format!("stash {id}"),
            description: None,
            project_id: rid(project),
            is_permanent: false,
            item_ids: ItemIds::default(),
            created_by: by.into(),
            created_at: at,
            updated_at: at,
        },
        version: 1,
    })
}

async fn list(api: &Api, query: &str, token: &str) -> Vec<String> {
    let r = api
        .get(&format!("/v1/workspaces/{A1}/stashes{query}"), token)
        .await;
    assert_eq!(r.status, 200, "{query}: {}", r.text);
    assert_eq!(r.body["response"]["expanded"], json!({}));
    ids(&r)
}

async fn stashes_list_newest_first_with_filters_and_grants(b: Backend) {
    let api = api(b).await;
    api.store()
        .put_items(&[
            stash_item("x-pb-mine", 3, PB, "stash-mine-a"),
            stash_item("x-pa-user", 2, PA, "user@example.com"),
            stash_item("x-pb-full", 1, PB, "full-a"),
        ])
        .await
        .unwrap();
    let full = api.token("full-a").await;
    let all = ["x-pb-mine", "x-pa-user", "x-pb-full", "s2", "s1"];
    assert_eq!(list(&api, "", &full).await, all);
    let r = api
        .get(&format!("/v1/workspaces/{A1}/stashes"), &full)
        .await;
    assert_eq!(r.body["response"]["data"][3]["name"], "Someone else's");
    assert_eq!(r.body["response"]["data"][3]["created_by"], "full-a");
    assert_eq!(
        list(&api, &format!("?project_id={PA}"), &full).await,
        ["x-pa-user", "s2", "s1"]
    );
    assert_eq!(
        list(&api, &format!("?project_id={PB}&created_by=full-a"), &full).await,
        ["x-pb-full"]
    );
    assert_eq!(
        list(&api, "?created_by=user%40example.com", &full).await,
        ["x-pa-user"]
    );
    assert_eq!(
        list(&api, "?created_by=nobody", &full).await,
        Vec::<String>::new()
    );
    assert_eq!(
        list(&api, "?project_id=p-none", &full).await,
        Vec::<String>::new()
    );
    // A custom filter (stashes one client created) applies to the list.
    let mine = api.token("stash-mine-a").await;
    assert_eq!(list(&api, "", &mine).await, ["x-pb-mine", "s1"]);
    assert_eq!(
        list(&api, &format!("?project_id={PA}"), &mine).await,
        ["s1"]
    );
    assert_eq!(
        list(&api, "?created_by=full-a", &mine).await,
        Vec::<String>::new()
    );
    // No read grant on stashes (a write grant is none): 403 naming what is held.
    let r = api
        .get(
            &format!("/v1/workspaces/{A1}/stashes"),
            &api.token("concrete-a").await,
        )
        .await;
    r.assert_error(403, "insufficient_scope");
    assert_eq!(r.body["error"]["details"]["entity_type"], "stash");
    put_credential(
        &api,
        "writer-a",
        "firm-a",
        &[(A1, "default:stashes", Action::Write)],
    )
    .await;
    api.get(
        &format!("/v1/workspaces/{A1}/stashes"),
        &api.token("writer-a").await,
    )
    .await
    .assert_error(403, "insufficient_scope");
    // Another firm's workspace.
    api.get(&format!("/v1/workspaces/{B1}/stashes"), &full)
        .await
        .assert_error(403, "insufficient_scope");
    let other = api.token("full-b").await;
    let r = api
        .get(&format!("/v1/workspaces/{B1}/stashes"), &other)
        .await;
    assert_eq!(ids(&r), ["sb1"]);
}

async fn stash_list_walk_sees_every_stash_once_and_updates(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let path = format!("/v1/workspaces/{A1}/stashes");
    let body = |name: &str| json!({"name": name, "project_id": PB, "item_ids": {"detail_ids": ["d1"], "family_ids": []}});
    let mut created = Vec::new();
    for i in 0..5 {
        let r = api
            .write(
                reqwest::Method::POST,
                &path,
                &t,
                &body(&format!("n{i}")),
                None,
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        let stash = &r.body["response"];
        created.push((
            stash["created_at"].as_str().unwrap().to_owned(),
            stash["id"].as_str().unwrap().to_owned(),
        ));
    }
    // Newest first; stashes made in the same millisecond (the embedded store is that
    // fast) follow their ids.
    let mut order = created.clone();
    order.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let created: Vec<String> = created.into_iter().map(|(_, id)| id).collect();
    // An update shows in the list at once, at the same place.
    let r = api
        .write(
            reqwest::Method::PATCH,
            &format!("{path}/{}", created[2]),
            &t,
            &json!({"name": "renamed"}),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // The stashes made during the walk must be newer than every one above, not tied
    // with the newest in its millisecond.
    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    let mut seen: Vec<Value> = Vec::new();
    let mut cursor: Option<String> = None;
    for round in 0..20 {
        let q = match &cursor {
            Some(c) => format!("?limit=2&cursor={c}"),
            None => "?limit=2".into(),
        };
        let r = api.get(&format!("{path}{q}"), &t).await;
        assert_eq!(r.status, 200, "{}", r.text);
        seen.extend(
            r.body["response"]["data"]
                .as_array()
                .unwrap()
                .iter()
                .cloned(),
        );
        // New stashes land before the walk's position: it does not see them.
        api.write(
            reqwest::Method::POST,
            &path,
            &t,
            &body(&format!("late{round}")),
            None,
        )
        .await;
        match r.body["response"]["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    let walked: Vec<&str> = seen.iter().map(|s| s["id"].as_str().unwrap()).collect();
    let mut want: Vec<&str> = order.iter().map(|(_, id)| id.as_str()).collect();
    want.extend(["s2", "s1"]);
    assert_eq!(walked, want);
    let renamed = seen
        .iter()
        .find(|s| s["id"] == created[2].as_str())
        .unwrap();
    assert_eq!(renamed["name"], "renamed");
    assert_eq!(renamed["created_by"], "full-a");
}

async fn sparse_stash_pages_do_bounded_work(b: Backend) {
    let api = api(b).await;
    // 1,050 stashes newer than s1 that `stash-mine-a`'s filter hides.
    let items: Vec<Item> = (0..1050)
        .map(|i| stash_item(&format!("other-{i:04}"), i, PB, "someone-else"))
        .collect();
    api.operator().put_items(&items).await.unwrap();
    let t = api.token("stash-mine-a").await;
    let path = format!("/v1/workspaces/{A1}/stashes");
    let first = api.get(&format!("{path}?limit=5"), &t).await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(ids(&first), Vec::<String>::new(), "the first 1,000 hide s1");
    let c = first.body["response"]["next_cursor"].as_str().unwrap();
    let second = api.get(&format!("{path}?limit=5&cursor={c}"), &t).await;
    assert_eq!(ids(&second), ["s1"]);
    assert_eq!(second.body["response"]["next_cursor"], Value::Null);
    // The creator's own list holds its stashes only: one page, whatever else exists.
    let r = api
        .get(&format!("{path}?created_by=stash-mine-a&limit=5"), &t)
        .await;
    assert_eq!(ids(&r), ["s1"]);
    assert_eq!(r.body["response"]["next_cursor"], Value::Null);
    if b == Backend::Dynamo {
        let read = api.store().items_read();
        let r = api.get(&format!("{path}?limit=5"), &t).await;
        assert_eq!(r.status, 200);
        let n = api.store().items_read() - read;
        // The credential, its custom filter, and the stashes examined: the budget.
        assert_eq!(n, 1 + 1 + 1000, "items read");
    }
}

async fn stashes_list_refuses_bad_input(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let path = format!("/v1/workspaces/{A1}/stashes");
    let first = api.get(&format!("{path}?limit=1"), &t).await;
    let cursor = first.body["response"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let long = "x".repeat(257);
    for (q, name) in [
        ("?project_id=a%23b".to_owned(), "project_id"),
        ("?project_id=".to_owned(), "project_id"),
        ("?created_by=".to_owned(), "created_by"),
        (format!("?created_by={long}"), "created_by"),
        ("?created_by=a&created_by=b".to_owned(), "created_by"),
        ("?limit=0".to_owned(), "limit"),
        ("?limit=101".to_owned(), "limit"),
        ("?include=tags".to_owned(), "include"),
        (
            "?updated_since=2026-01-01T00:00:00Z".to_owned(),
            "updated_since",
        ),
        ("?cursor=nope.nope".to_owned(), "cursor"),
        // A cursor belongs to its filters.
        (format!("?cursor={cursor}&project_id={PA}"), "cursor"),
    ] {
        let r = api.get(&format!("{path}{q}"), &t).await;
        r.assert_error(400, "invalid_request");
        assert_eq!(field(&r), name, "{q}");
    }
    let r = api.get(&format!("{path}?cursor={cursor}"), &t).await;
    assert_eq!(ids(&r), ["s1"]);
}

async fn conditional(api: &Api, path: &str, token: &str, tag: &str) -> Reply {
    get_with(api, path, token, &[("if-none-match", tag)]).await
}

async fn single_resource_gets_are_conditional(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let writer = api.token("famwriter-a").await;
    // A job: an upload's, waiting for its file.
    let started = api
        .start_upload(A1, &writer, &upload_body(b"a door", None))
        .await;
    let job = started.body["response"]["job"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("a job: {}", started.text))
        .to_owned();
    let job = format!("/v1/workspaces/{A1}/jobs/{job}");
    let r = api.get(&job, &writer).await;
    let tag = r.header("etag").expect("a job's ETag").to_owned();
    assert_eq!(conditional(&api, &job, &writer, &tag).await.status, 304);
    // The 202 that started it sent the same tag: a client may wait on it straight away.
    assert_eq!(started.header("etag"), Some(tag.as_str()));
    for path in [
        format!("/v1/workspaces/{A1}/details/d1"),
        format!("/v1/workspaces/{A1}/details/d1?include=tags,project"),
        format!("/v1/workspaces/{A1}/families/f1"),
        format!("/v1/workspaces/{A1}/families/f1/group"),
        format!("/v1/workspaces/{A1}/downloads/pdf/d1"),
        format!("/v1/workspaces/{A1}/stashes/s1"),
        "/v1/me".to_owned(),
    ] {
        let r = api.get(&path, &t).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        let tag = r.header("etag").expect("ETag").to_owned();
        assert!(tag.starts_with('"') && tag.ends_with('"'), "{tag}");
        let left: u64 = r.header("x-ratelimit-remaining").unwrap().parse().unwrap();
        let weak = format!("W/{tag}, \"zz\"");
        for sent in [tag.as_str(), weak.as_str()] {
            let c = conditional(&api, &path, &t, sent).await;
            assert_eq!(c.status, 304, "{path} {sent}: {}", c.text);
            assert!(c.text.is_empty(), "{path}: no body");
            assert!(c.header("content-type").is_none());
            assert_eq!(c.header("etag"), Some(tag.as_str()));
            assert!(c.header("x-request-id").is_some());
        }
        let c = conditional(&api, &path, &t, "\"other\", W/\"x\"").await;
        assert_eq!(c.status, 200, "{path}");
        assert_eq!(c.header("etag"), Some(tag.as_str()));
        assert!(c.body["response"].is_object());
        // Every conditional request counted against the limit.
        let c = conditional(&api, &path, &t, "*").await;
        assert_eq!(c.status, 304, "{path}");
        let after: u64 = c.header("x-ratelimit-remaining").unwrap().parse().unwrap();
        assert_eq!(after, left - 4, "{path}");
        assert!(c.header("x-ratelimit-limit").is_some() && c.header("x-ratelimit-reset").is_some());
    }
    // Stashes keep their version tags.
    let r = api
        .get(&format!("/v1/workspaces/{A1}/stashes/s1"), &t)
        .await;
    assert_eq!(r.header("etag"), Some("\"v1\""));
    // A signed link answers a tag too (the same within the second it was signed in).
    let rvt = format!("/v1/workspaces/{A1}/downloads/rvt/d1");
    assert!(api.get(&rvt, &t).await.header("etag").is_some());
    // The usage counts this request too: its tag never matches the next answer.
    let usage = "/v1/me/usage";
    let tag = api
        .get(usage, &t)
        .await
        .header("etag")
        .expect("ETag")
        .to_owned();
    let again = conditional(&api, usage, &t, &tag).await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_ne!(again.header("etag"), Some(tag.as_str()));
    // A malformed `If-None-Match` is refused on each of them.
    for path in [
        job.clone(),
        format!("/v1/workspaces/{A1}/families/f1/group"),
        format!("/v1/workspaces/{A1}/downloads/pdf/d1"),
        "/v1/me/usage".to_owned(),
    ] {
        let token = if path == job { &writer } else { &t };
        conditional(&api, &path, token, "garbage")
            .await
            .assert_error(400, "invalid_request");
    }
}

async fn etags_follow_the_answer(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let tag_of = async |path: &str| {
        let r = api.get(path, &t).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        r.header("etag").unwrap().to_owned()
    };
    let d1 = format!("/v1/workspaces/{A1}/details/d1");
    let d1_tags = format!("{d1}?include=tags");
    let plain = tag_of(&d1).await;
    let with_tags = tag_of(&d1_tags).await;
    assert_ne!(plain, with_tags, "each include is its own representation");
    assert_eq!(plain, tag_of(&d1).await, "stable while nothing changes");
    // Renaming a tag changes only the answers that expand it.
    api.store()
        .put_items(&[Item::Tag(Tag {
            id: rid("t-concrete"),
            name: "Concrete (cast)".into(),
            workspace_id: ws_id(A1),
            created_at: Timestamp::now(),
        })])
        .await
        .unwrap();
    assert_eq!(tag_of(&d1).await, plain);
    let renamed = tag_of(&d1_tags).await;
    assert_ne!(renamed, with_tags);
    let r = conditional(&api, &d1_tags, &t, &with_tags).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body["response"]["expanded"]["tags"]["t-concrete"]["name"],
        "Concrete (cast)"
    );
    // A grant that hides the tag changes the expanded answer for that caller only.
    let steel = api.token("concrete-typical-a").await;
    let hidden = get_with(&api, &d1_tags, &steel, &[]).await;
    assert_eq!(hidden.status, 200, "{}", hidden.text);
    assert_eq!(hidden.body["response"]["expanded"]["tags"], json!({}));
    assert_ne!(hidden.header("etag").unwrap(), renamed);
    // An updated detail has a new tag.
    let mut item = detail_item(
        A1,
        "d1",
        Timestamp::parse("2026-06-01T09:00:00.000Z").unwrap(),
        &["t-concrete"],
        None,
    );
    if let Item::Detail(d) = &mut item {
        d.detail.name = "Concrete slab edge (rev B)".into();
        d.detail.updated_at = Timestamp::now();
    }
    api.operator().put_items(&[item]).await.unwrap();
    let r = conditional(&api, &d1, &t, &plain).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["response"]["name"], "Concrete slab edge (rev B)");
    assert_ne!(r.header("etag").unwrap(), plain);
    // A stash's tag is its version: a PATCH moves it, the old tag no longer matches.
    let s1 = format!("/v1/workspaces/{A1}/stashes/s2");
    let v1 = tag_of(&s1).await;
    let r = api
        .write(reqwest::Method::PATCH, &s1, &t, &json!({"name": "n"}), None)
        .await;
    assert_eq!(r.header("etag"), Some("\"v2\""));
    let r = conditional(&api, &s1, &t, &v1).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("etag"), Some("\"v2\""));
    assert_eq!(conditional(&api, &s1, &t, "\"v2\"").await.status, 304);
    // /v1/me's tag follows the grants, not the rate limit.
    let me = tag_of("/v1/me").await;
    assert_eq!(tag_of("/v1/me").await, me);
    api.store()
        .put_items(&[Item::Workspace(pirros_shared::model::Workspace {
            id: ws_id(A2),
            firm_id: rid("firm-a"),
            name: "A two, renamed".into(),
            downloads_enabled: false,
        })])
        .await
        .unwrap();
    assert_ne!(tag_of("/v1/me").await, me);
}

async fn malformed_if_none_match_is_400_and_hidden_resources_stay_404(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let path = format!("/v1/workspaces/{A1}/details/d1");
    for bad in [
        "v1",
        "\"open",
        "W/W/\"x\"",
        "\"a\" \"b\"",
        "\"a\",",
        "**",
        "\"a b\"",
    ] {
        let r = conditional(&api, &path, &t, bad).await;
        r.assert_error(400, "invalid_request");
        assert_eq!(field(&r), "If-None-Match", "{bad}");
    }
    // `*` on what the caller may not see, or what does not exist, is still 404.
    let mine = api.token("stash-mine-a").await;
    conditional(&api, &format!("/v1/workspaces/{A1}/stashes/s2"), &mine, "*")
        .await
        .assert_error(404, "not_found");
    conditional(&api, &format!("/v1/workspaces/{A1}/details/nope"), &t, "*")
        .await
        .assert_error(404, "not_found");
    conditional(&api, &format!("/v1/workspaces/{B1}/families/fb1"), &t, "*")
        .await
        .assert_error(404, "not_found");
}

async fn storage_cost_of_the_discovery_routes(b: Backend) {
    let api = api(b).await;
    let store = api.store();
    let full = api.token("full-a").await;
    let custom = api.token("steeltags-a").await;
    let mine = api.token("stash-mine-a").await;
    // Warm the kill-switch cache and each credential's previous rate window.
    for t in [&full, &custom, &mine] {
        api.get("/v1/me", t).await;
    }
    let cases = [
        (&full, "/v1/me".to_owned(), budget::of("me").calls - 2),
        (&custom, "/v1/me".to_owned(), budget::of("me").calls - 2),
        (&full, format!("/v1/workspaces/{A1}/projects"), 1),
        // Only a custom filter: it is read first to know it grants something.
        (&custom, format!("/v1/workspaces/{A1}/projects"), 2),
        (&full, format!("/v1/workspaces/{A1}/stashes"), 1),
        (
            &full,
            format!("/v1/workspaces/{A1}/stashes?project_id={PA}"),
            1,
        ),
        (&mine, format!("/v1/workspaces/{A1}/stashes"), 2),
    ];
    for (t, p, data_calls) in cases {
        let (calls, read) = (store.calls(), store.items_read());
        let r = api.get(&p, t).await;
        assert_eq!(r.status, 200, "{p}: {}", r.text);
        assert_eq!(
            store.calls() - calls,
            2 + data_calls,
            "{p}: credential + rate limit + data"
        );
        if b == Backend::Dynamo {
            println!(
                "{p}: {} calls, {} items read",
                store.calls() - calls,
                store.items_read() - read
            );
        }
    }
    // A 304 costs what the 200 does.
    let path = format!("/v1/workspaces/{A1}/details/d1");
    let tag = api
        .get(&path, &full)
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    let calls = store.calls();
    assert_eq!(conditional(&api, &path, &full, &tag).await.status, 304);
    assert_eq!(store.calls() - calls, budget::of("details get").calls);
}
