//! `pirros-admin` against DynamoDB Local, and its effect on a running API.

use pirros_tests::*;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

fn table() -> String {
    dynamo_env()["TABLE_NAME"].clone()
}

/// A fresh table holding the test world (files uploaded to the emulator's bucket).
fn world_table() -> String {
    let t = table();
    let (ok, _, err) = admin(&t, &["table", "create"], &[]);
    assert!(ok, "{err}");
    import_world(&t);
    t
}

/// `pirros-admin import` of the test world into `table`: what it printed.
fn import_world(table: &str) -> Value {
    let bucket = std::env::var("FILES_BUCKET").unwrap_or_default();
    let (ok, out, err) = admin(
        table,
        &["import", fixture_path("world.json").to_str().unwrap()],
        &[("FILES_BUCKET", &bucket)],
    );
    assert!(ok, "{err}");
    out
}

async fn api_on(table: &str) -> Api {
    Setup::new(Backend::Dynamo)
        .env("TABLE_NAME", table)
        .fixture(None)
        .start()
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_lifecycle_through_the_cli() {
    let t = table();
    let (ok, out, err) = admin(&t, &["table", "create"], &[]);
    assert!(ok, "{err}");
    assert_eq!(out["created"], true);
    let (ok, out, _) = admin(&t, &["table", "create"], &[]);
    assert!(ok && out["created"] == false, "idempotent");
    let fixture = fixture_path("world.json");
    let (ok, out, err) = admin(
        &t,
        &["import", fixture.to_str().unwrap()],
        &[("FILES_BUCKET", "")],
    );
    assert!(!ok, "files need a bucket: {out}");
    assert!(err.contains("FILES_BUCKET"), "{err}");
    let bucket = std::env::var("FILES_BUCKET").expect("test.sh sets FILES_BUCKET");
    let (ok, out, err) = admin(
        &t,
        &["import", fixture.to_str().unwrap()],
        &[("FILES_BUCKET", &bucket)],
    );
    assert!(ok, "{err}");
    assert!(out["imported_items"].as_u64().unwrap() > 20);

    let (ok, cred, err) = admin(
        &t,
        &[
            "credentials",
            "create",
            "--firm",
            "firm-a",
            "--name",
            "CI bot",
        ],
        &[],
    );
    assert!(ok, "{err}");
    let id = cred["client_id"].as_str().unwrap().to_owned();
    let secret = cred["client_secret"].as_str().unwrap().to_owned();
    assert!(secret.len() >= 40);
    let (ok, _, err) = admin(
        &t,
        &[
            "credentials",
            "create",
            "--firm",
            "no-such-firm",
            "--name",
            "x",
        ],
        &[],
    );
    assert!(!ok && err.contains("no firm"), "{err}");

    let api = api_on(&t).await;
    let token = api.token_with(&id, &secret).await;
    let tags = format!("/v1/workspaces/{A1}/tags");
    api.get(&tags, &token)
        .await
        .assert_error(403, "insufficient_scope");
    let (ok, out, err) = admin(
        &t,
        &[
            "grants",
            "add",
            &id,
            "--workspace",
            A1,
            "--filter",
            "default:tags",
            "--action",
            "read",
        ],
        &[],
    );
    assert!(ok, "{err}");
    assert_eq!(out["grants"][0]["filter_id"], "default:tags");
    assert_eq!(api.get(&tags, &token).await.status, 200);
    // Grants never cross firms, name real filters and real actions.
    for bad in [
        vec![
            "grants",
            "add",
            &id,
            "--workspace",
            B1,
            "--filter",
            "default:tags",
            "--action",
            "read",
        ],
        vec![
            "grants",
            "add",
            &id,
            "--workspace",
            A1,
            "--filter",
            "no-such-filter",
            "--action",
            "read",
        ],
        vec![
            "grants",
            "add",
            &id,
            "--workspace",
            A1,
            "--filter",
            "default:tags",
            "--action",
            "delete",
        ],
        vec![
            "grants",
            "add",
            &id,
            "--workspace",
            "nope",
            "--filter",
            "default:tags",
            "--action",
            "read",
        ],
    ] {
        let (ok, _, err) = admin(&t, &bad, &[]);
        assert!(!ok, "{bad:?} must fail");
        assert!(!err.is_empty());
    }
    let (ok, _, err) = admin(
        &t,
        &[
            "grants",
            "remove",
            &id,
            "--workspace",
            A1,
            "--filter",
            "default:tags",
            "--action",
            "read",
        ],
        &[],
    );
    assert!(ok, "{err}");
    api.get(&tags, &token)
        .await
        .assert_error(403, "insufficient_scope");
    admin(
        &t,
        &[
            "grants",
            "add",
            &id,
            "--workspace",
            A1,
            "--filter",
            "default:tags",
            "--action",
            "read",
        ],
        &[],
    );

    // Regenerate: the old token dies at once, the new secret works.
    let (ok, fresh, err) = admin(&t, &["credentials", "regenerate", &id], &[]);
    assert!(ok, "{err}");
    assert_eq!(fresh["client_id"], id.as_str());
    api.get(&tags, &token)
        .await
        .assert_error(401, "invalid_token");
    let token2 = api
        .token_with(&id, fresh["client_secret"].as_str().unwrap())
        .await;
    assert_eq!(api.get(&tags, &token2).await.status, 200);

    // Revoke: the very next call fails.
    let (ok, _, err) = admin(&t, &["credentials", "revoke", &id], &[]);
    assert!(ok, "{err}");
    api.get(&tags, &token2)
        .await
        .assert_error(401, "invalid_token");
    let (ok, _, _) = admin(&t, &["credentials", "revoke", "ghost"], &[]);
    assert!(!ok);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_fixtures_are_refused_whole() {
    let t = table();
    admin(&t, &["table", "create"], &[]);
    let dir = std::env::temp_dir().join(format!("pirros-fx-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = json!({
        "firms": [{"id": "f1", "name": "Firm"}],
        "workspaces": [{"id": A1, "firm_id": "f1", "name": "W", "downloads_enabled": true}],
        "tags": [{"id": "t1", "name": "ok", "workspace_id": A1}],
        "details": [
            {"id": "d1", "workspace_id": A1, "name": "fine", "library": "typical", "tag_ids": ["t1"]},
            {"id": "d2", "workspace_id": A1, "name": "bad", "library": "typical", "tag_ids": ["t-missing"]},
            {"id": "d3", "workspace_id": A1, "name": "x".repeat(501), "library": "typical"}
        ]
    });
    let path = dir.join("bad.json");
    std::fs::write(&path, bad.to_string()).unwrap();
    let (ok, _, err) = admin(&t, &["import", path.to_str().unwrap()], &[]);
    assert!(!ok);
    assert!(err.contains("details[1].tag_ids[0]"), "{err}");
    assert!(err.contains("details[2].name"), "{err}");
    // Nothing was written: not even the valid firm, workspace or tag.
    let api = api_on(&t).await;
    let ws = pirros_shared::ids::WorkspaceId::parse(A1).unwrap();
    assert!(api.store().get_workspace(ws).await.unwrap().is_none());
    assert!(api.store().list_tags(ws).await.unwrap().is_empty());
    std::fs::write(&path, "{not json").unwrap();
    let (ok, _, err) = admin(&t, &["import", path.to_str().unwrap()], &[]);
    assert!(!ok && err.contains("not valid JSON"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_through_the_cli() {
    let t = world_table();
    let (ok, f, err) = admin(
        &t,
        &[
            "filters",
            "create",
            "--workspace",
            A1,
            "--name",
            "Steel only",
            "--entity-type",
            "detail",
            "--match",
            r#"{"tag_ids_any":["t-steel"]}"#,
            "--id",
            "flt-steel",
        ],
        &[],
    );
    assert!(ok, "{err}");
    assert_eq!(f["match"]["tag_ids_any"], json!(["t-steel"]));
    let (ok, _, err) = admin(
        &t,
        &[
            "filters",
            "create",
            "--workspace",
            A1,
            "--name",
            "x",
            "--entity-type",
            "tag",
            "--match",
            r#"{"library":"typical"}"#,
        ],
        &[],
    );
    assert!(!ok && err.contains("library"), "{err}");
    let (ok, _, err) = admin(
        &t,
        &[
            "filters",
            "create",
            "--workspace",
            A1,
            "--name",
            "x",
            "--entity-type",
            "detail",
            "--match",
            r#"{"colour":"red"}"#,
        ],
        &[],
    );
    assert!(!ok, "{err}");
    let (ok, list, _) = admin(&t, &["filters", "list", "--workspace", A1], &[]);
    assert!(ok);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == "flt-steel")
    );
    // A credential granted the new filter sees only steel details.
    let (_, cred, _) = admin(
        &t,
        &[
            "credentials",
            "create",
            "--firm",
            "firm-a",
            "--name",
            "steel",
        ],
        &[],
    );
    let id = cred["client_id"].as_str().unwrap();
    let (ok, _, err) = admin(
        &t,
        &[
            "grants",
            "add",
            id,
            "--workspace",
            A1,
            "--filter",
            "flt-steel",
            "--action",
            "read",
        ],
        &[],
    );
    assert!(ok, "{err}");
    let api = api_on(&t).await;
    let token = api
        .token_with(id, cred["client_secret"].as_str().unwrap())
        .await;
    let r = api
        .get(&format!("/v1/workspaces/{A1}/details"), &token)
        .await;
    assert_eq!(ids(&r), ["d5", "d2"]);
    let (ok, _, _) = admin(
        &t,
        &["filters", "delete", "flt-steel", "--workspace", A1],
        &[],
    );
    assert!(ok);
    api.get(&format!("/v1/workspaces/{A1}/details"), &token)
        .await
        .assert_error(403, "insufficient_scope");
    let (ok, _, _) = admin(
        &t,
        &["filters", "delete", "flt-steel", "--workspace", A1],
        &[],
    );
    assert!(!ok, "already gone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_switch_turns_v1_off_within_ten_seconds() {
    let t = world_table();
    let api = api_on(&t).await;
    let token = api.token("full-a").await;
    let tags = format!("/v1/workspaces/{A1}/tags");
    assert_eq!(api.get(&tags, &token).await.status, 200);
    let (ok, out, err) = admin(&t, &["killswitch", "on"], &[]);
    assert!(ok, "{err}");
    assert_eq!(out["killswitch"], "on");
    let switched = Instant::now();
    loop {
        let r = api.get(&tags, &token).await;
        if r.status == 503 {
            r.assert_error(503, "service_unavailable");
            break;
        }
        assert_eq!(r.status, 200);
        assert!(
            switched.elapsed() < Duration::from_secs(11),
            "still on after 10 s"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // The token endpoint keeps working; /v1 is off even without a token.
    api.token("full-a").await;
    api.send(api.http.get(api.url(&tags)))
        .await
        .assert_error(503, "service_unavailable");
    admin(&t, &["killswitch", "off"], &[]);
    let switched = Instant::now();
    while api.get(&tags, &token).await.status != 200 {
        assert!(
            switched.elapsed() < Duration::from_secs(11),
            "still off after 10 s"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // Switched on while nobody called: the switch is read again (beside the credential
    // when there is one), and the first request without a token, or with a bad one,
    // already finds the API off.
    admin(&t, &["killswitch", "on"], &[]);
    tokio::time::sleep(Duration::from_secs(9)).await;
    api.send(api.http.get(api.url(&tags)))
        .await
        .assert_error(503, "service_unavailable");
    admin(&t, &["killswitch", "off"], &[]);
    tokio::time::sleep(Duration::from_secs(9)).await;
    api.send(api.http.get(api.url(&tags)))
        .await
        .assert_error(401, "invalid_token");
    admin(&t, &["killswitch", "on"], &[]);
    tokio::time::sleep(Duration::from_secs(9)).await;
    api.get(&tags, "not-a-token")
        .await
        .assert_error(503, "service_unavailable");
    admin(&t, &["killswitch", "off"], &[]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_leaves_existing_credentials_as_they_are() {
    let t = table();
    admin(&t, &["table", "create"], &[]);
    let bucket = std::env::var("FILES_BUCKET").expect("test.sh sets FILES_BUCKET");
    let world = fixture_path("world.json");
    let import = || {
        admin(
            &t,
            &["import", world.to_str().unwrap()],
            &[("FILES_BUCKET", &bucket)],
        )
    };
    let (ok, out, err) = import();
    assert!(ok, "{err}");
    assert_eq!(
        out["kept_credentials"],
        json!([]),
        "a fresh table keeps none"
    );
    // An operator regenerates one secret and revokes another credential.
    let (ok, fresh, err) = admin(&t, &["credentials", "regenerate", "full-a"], &[]);
    assert!(ok, "{err}");
    let (ok, _, err) = admin(&t, &["credentials", "revoke", "readonly-a"], &[]);
    assert!(ok, "{err}");
    let (ok, out, err) = import();
    assert!(ok, "{err}");
    let kept = out["kept_credentials"].as_array().unwrap();
    assert!(
        kept.contains(&json!("full-a")) && kept.contains(&json!("readonly-a")),
        "{out}"
    );
    assert!(
        err.contains("full-a") && err.contains("left as it is"),
        "{err}"
    );
    let api = api_on(&t).await;
    // The regenerated secret still works, the fixture's does not come back.
    api.token_with("full-a", fresh["client_secret"].as_str().unwrap())
        .await;
    let old = json!({"grant_type": "client_credentials", "client_id": "full-a", "client_secret": secret_of("full-a")});
    api.token_request(old)
        .await
        .assert_oauth_error(401, "invalid_client");
    // The revoked credential stays revoked.
    let revoked = json!({"grant_type": "client_credentials", "client_id": "readonly-a", "client_secret": secret_of("readonly-a")});
    api.token_request(revoked)
        .await
        .assert_oauth_error(401, "invalid_client");
}

/// A folder for a fixture, with a file inside it and one beside it.
fn fixture_dir() -> (std::path::PathBuf, std::path::PathBuf) {
    let root = std::env::temp_dir().join(format!("pirros-fx-{}", uuid::Uuid::new_v4()));
    let dir = root.join("fixture");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("inside.pdf"), b"%PDF-1.4 inside").unwrap();
    std::fs::write(root.join("outside.pdf"), b"%PDF-1.4 outside").unwrap();
    (root, dir)
}

fn with_files(files: &[&str]) -> serde_json::Value {
    let entries: Vec<_> = files
        .iter()
        .enumerate()
        .map(|(i, path)| json!({"key": format!("pdf/{i}.pdf"), "content_type": "application/pdf", "path": path}))
        .collect();
    let details: Vec<_> = (0..files.len())
        .map(|i| json!({"id": format!("d{i}"), "workspace_id": A1, "name": "D", "library": "typical", "files": {"pdf": format!("pdf/{i}.pdf")}}))
        .collect();
    json!({
        "firms": [{"id": "f1", "name": "Firm"}],
        "workspaces": [{"id": A1, "firm_id": "f1", "name": "W", "downloads_enabled": true}],
        "files": entries,
        "details": details,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_refuses_files_outside_the_fixture_folder() {
    let t = table();
    admin(&t, &["table", "create"], &[]);
    let bucket = std::env::var("FILES_BUCKET").expect("test.sh sets FILES_BUCKET");
    let (root, dir) = fixture_dir();
    std::os::unix::fs::symlink(root.join("outside.pdf"), dir.join("escape.pdf")).unwrap();
    std::os::unix::fs::symlink(dir.join("inside.pdf"), dir.join("alias.pdf")).unwrap();
    let outside = root.join("outside.pdf");
    let bad = with_files(&[
        "inside.pdf",
        "../outside.pdf",
        outside.to_str().unwrap(),
        "escape.pdf",
        "sub/../../outside.pdf",
    ]);
    let path = dir.join("bad.json");
    std::fs::write(&path, bad.to_string()).unwrap();
    let (ok, _, err) = admin(
        &t,
        &["import", path.to_str().unwrap()],
        &[("FILES_BUCKET", &bucket)],
    );
    assert!(!ok, "{err}");
    for i in 1..=4 {
        assert!(
            err.contains(&format!("files[{i}].path")),
            "files[{i}] not named: {err}"
        );
    }
    assert!(!err.contains("files[0]"), "{err}");
    assert!(err.contains("leaves the fixture's folder"), "{err}");
    assert!(err.contains("must be relative"), "{err}");
    let api = api_on(&t).await;
    let ws = pirros_shared::ids::WorkspaceId::parse(A1).unwrap();
    assert!(
        api.store().get_workspace(ws).await.unwrap().is_none(),
        "nothing written"
    );
    // Inside the folder, however it is spelled or linked, is fine.
    let good = with_files(&["inside.pdf", "sub/../inside.pdf", "alias.pdf"]);
    std::fs::write(&path, good.to_string()).unwrap();
    let (ok, out, err) = admin(
        &t,
        &["import", path.to_str().unwrap()],
        &[("FILES_BUCKET", &bucket)],
    );
    assert!(ok, "{err}");
    assert_eq!(out["uploaded_files"], 3);
    std::fs::remove_dir_all(root).unwrap();
}

/// An item DynamoDB would refuse (over 400 KB: here a filter naming thousands of long tag
/// ids) is found before the import writes anything, not after the batches before it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_with_an_item_over_dynamodbs_limit_writes_nothing() {
    let t = table();
    admin(&t, &["table", "create"], &[]);
    let ids: Vec<String> = (0..4000).map(|i| format!("{i:0>120}")).collect();
    let fixture = json!({
        "firms": [{"id": "f1", "name": "Firm"}],
        "workspaces": [{"id": A1, "firm_id": "f1", "name": "W"}],
        "tags": [{"id": "t1", "workspace_id": A1, "name": "T"}],
        "filters": [{"id": "flt-wide", "workspace_id": A1, "name": "Wide", "entity_type": "detail",
            "match": {"tag_ids_any": ids}}],
    });
    let path = std::env::temp_dir().join(format!("wide-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&path, fixture.to_string()).unwrap();
    let (ok, _, err) = admin(&t, &["import", path.to_str().unwrap()], &[]);
    std::fs::remove_file(&path).unwrap();
    assert!(!ok, "refused");
    assert!(
        err.contains("nothing written") && err.contains("bytes"),
        "{err}"
    );
    let api = api_on(&t).await;
    let ws = pirros_shared::ids::WorkspaceId::parse(A1).unwrap();
    assert!(
        api.store().get_workspace(ws).await.unwrap().is_none(),
        "nothing written"
    );
    assert!(api.store().list_tags(ws).await.unwrap().is_empty());
}

/// `pirros-local --fixture` over a table that holds data already imports the fixture: what
/// it changes is in the events feed, as after `pirros-admin import`, so a copy kept from
/// the feed misses nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fixture_served_over_a_table_with_data_records_its_changes() {
    let t = world_table();
    let fixture =
        json!({"tags": [{"id": "t-steel", "workspace_id": A1, "name": "steel, renamed"}]});
    let path = std::env::temp_dir().join(format!("rename-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&path, fixture.to_string()).unwrap();
    let api = Setup::new(Backend::Dynamo)
        .env("TABLE_NAME", &t)
        .fixture(Some(path.clone()))
        .start()
        .await;
    std::fs::remove_file(&path).unwrap();
    let token = api.token("full-a").await;
    let r = api
        .get(
            &format!("/v1/workspaces/{A1}/events?types=tag.*&limit=100"),
            &token,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let updated: Vec<_> = r.body["response"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "tag.updated" && e["object"]["id"] == "t-steel")
        .collect();
    assert_eq!(updated.len(), 1, "{}", r.text);
    assert_eq!(updated[0]["changed"], json!(["name"]));
    assert_eq!(updated[0]["actor"]["type"], "admin");
}

#[test]
fn fixture_schema_command_prints_the_published_schema() {
    let (ok, out, err) = admin("unused", &["fixture", "schema"], &[]);
    assert!(ok, "{err}");
    let committed = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/fixture.schema.json"),
    )
    .unwrap();
    assert_eq!(
        out,
        serde_json::from_str::<serde_json::Value>(&committed).unwrap()
    );
    assert_eq!(out["properties"]["credentials"]["type"], "array");
}

/// A table that is not there: the table is named with what makes it, in a few lines, not
/// the SDK's whole answer.
#[test]
fn a_missing_table_is_named_with_what_makes_it() {
    let (ok, _, err) = admin("no-such-table-here", &["killswitch", "on"], &[]);
    assert!(!ok, "{err}");
    assert!(err.contains("\"no-such-table-here\""), "{err}");
    assert!(err.contains("pirros-admin table create"), "{err}");
    assert!(err.len() < 600, "{} bytes: {err}", err.len());
}

/// `pirros-admin ... | head`: the reader goes away before the output is written. The
/// command's work is done by then, so it ends as it would have, without a panic.
#[test]
fn output_to_a_reader_that_went_away_is_no_panic() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = std::process::Command::new(bin("pirros-admin"))
        .args(["fixture", "schema"])
        .stdout(writer)
        .output()
        .expect("pirros-admin runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

/// The objects of `bucket` (path-style listing of the S3 emulator), with their bytes.
async fn bucket_objects(bucket: &str) -> std::collections::BTreeMap<String, Vec<u8>> {
    let sdk = pirros_shared::config::aws::sdk_config().await;
    let s3 = pirros_shared::objects::s3::client(&sdk);
    let mut out = std::collections::BTreeMap::new();
    let listed = s3.list_objects_v2().bucket(bucket).send().await.unwrap();
    for o in listed.contents() {
        let key = o.key().unwrap().to_owned();
        // Tests running beside this one share the bucket: an upload another one finishes
        // is deleted between the listing and the read.
        let body = match s3.get_object().bucket(bucket).key(&key).send().await {
            Ok(body) => body,
            Err(e) if e.as_service_error().is_some_and(|e| e.is_no_such_key()) => continue,
            Err(e) => panic!("{key}: {e}"),
        };
        out.insert(key, body.body.collect().await.unwrap().to_vec());
    }
    out
}

/// Two firms' fixtures name the same file key: each workspace gets an object of its own,
/// under a key the server chose, and a re-import keeps each detail's key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imports_choose_object_keys_per_workspace_that_nobody_can_guess() {
    let t = table();
    admin(&t, &["table", "create"], &[]);
    let bucket = std::env::var("FILES_BUCKET").expect("test.sh sets FILES_BUCKET");
    let (root, dir) = fixture_dir();
    std::fs::write(dir.join("other.pdf"), b"%PDF-1.4 firm b").unwrap();
    let firm = |firm: &str, ws: &str, path: &str| {
        json!({
            "firms": [{"id": firm, "name": firm}],
            "workspaces": [{"id": ws, "firm_id": firm, "name": "W"}],
            "files": [{"key": "pdf/shared.pdf", "content_type": "application/pdf", "path": path}],
            "details": [{"id": "d1", "workspace_id": ws, "name": "Slab edge", "library": "typical",
                         "files": {"pdf": "pdf/shared.pdf", "rvt": "pdf/shared.pdf"}}],
        })
    };
    let import = |doc: serde_json::Value, name: &str| {
        let path = dir.join(name);
        std::fs::write(&path, doc.to_string()).unwrap();
        admin(
            &t,
            &["import", path.to_str().unwrap()],
            &[("FILES_BUCKET", &bucket)],
        )
    };
    let (ok, out, err) = import(firm("fa", A1, "inside.pdf"), "a.json");
    assert!(ok, "{err}");
    assert_eq!(out["uploaded_files"], 2);
    let (ok, _, err) = import(firm("fb", B1, "other.pdf"), "b.json");
    assert!(ok, "{err}");
    let api = api_on(&t).await;
    let record = |ws: &str| {
        let store = api.store();
        let ws = pirros_shared::ids::WorkspaceId::parse(ws).unwrap();
        async move {
            store
                .get_detail(ws, &pirros_shared::ids::ResourceId::parse("d1").unwrap())
                .await
                .unwrap()
                .unwrap()
                .files
        }
    };
    let (a, b) = (record(A1).await, record(B1).await);
    let (pa, pb) = (a.pdf.clone().unwrap(), b.pdf.clone().unwrap());
    assert!(
        pa.starts_with(&format!("pdf/{A1}/")) && pb.starts_with(&format!("pdf/{B1}/")),
        "{pa} {pb}"
    );
    assert!(
        a.rvt.as_ref().unwrap().starts_with(&format!("rvt/{A1}/")),
        "{a:?}"
    );
    assert_ne!(
        pa.split('/').nth(2),
        pb.split('/').nth(2),
        "independent random parts"
    );
    for k in [&pa, &pb] {
        assert!(!k.contains("shared.pdf"), "{k} names the fixture's key");
    }
    // Both objects exist with their own firm's bytes; the fixture's key names none.
    let after = bucket_objects(&bucket).await;
    assert_eq!(
        after.get(&pa).map(Vec::as_slice),
        Some(&b"%PDF-1.4 inside"[..])
    );
    assert_eq!(
        after.get(&pb).map(Vec::as_slice),
        Some(&b"%PDF-1.4 firm b"[..])
    );
    assert!(!after.contains_key("pdf/shared.pdf"));
    assert!(
        after.contains_key(a.rvt.as_ref().unwrap()) && after.contains_key(b.rvt.as_ref().unwrap())
    );
    // Re-importing keeps each detail's keys (its public URL); the bytes are replaced.
    std::fs::write(dir.join("inside.pdf"), b"%PDF-1.4 inside v2").unwrap();
    let (ok, _, err) = import(firm("fa", A1, "inside.pdf"), "a.json");
    assert!(ok, "{err}");
    assert_eq!(record(A1).await, a);
    let again = bucket_objects(&bucket).await;
    assert_eq!(
        again.get(&pa).map(Vec::as_slice),
        Some(&b"%PDF-1.4 inside v2"[..])
    );
    assert_eq!(
        again.get(&pb),
        after.get(&pb),
        "the other firm's object is untouched"
    );
    // An import that fails after its checks (an item over DynamoDB's limit, found before
    // any record is written) replaces no file that is served.
    std::fs::write(dir.join("inside.pdf"), b"%PDF-1.4 inside v3").unwrap();
    let mut failing = firm("fa", A1, "inside.pdf");
    let wide: Vec<String> = (0..4000).map(|i| format!("{i:0>120}")).collect();
    failing["filters"] = json!([{"id": "flt-wide", "workspace_id": A1, "name": "Wide",
        "entity_type": "detail", "match": {"tag_ids_any": wide}}]);
    let (ok, _, err) = import(failing, "c.json");
    assert!(!ok, "{err}");
    assert_eq!(
        bucket_objects(&bucket).await.get(&pa).map(Vec::as_slice),
        Some(&b"%PDF-1.4 inside v2"[..])
    );
    std::fs::remove_dir_all(root).unwrap();
}

/// Every item of partition `pk`.
async fn partition(
    ddb: &aws_sdk_dynamodb::Client,
    table: &str,
    pk: &str,
) -> Vec<std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>> {
    use aws_sdk_dynamodb::types::AttributeValue;
    ddb.query()
        .table_name(table)
        .key_condition_expression("pk = :pk")
        .expression_attribute_values(":pk", AttributeValue::S(pk.to_owned()))
        .consistent_read(true)
        .send()
        .await
        .unwrap()
        .items
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_migrate_moves_families_an_older_release_kept_in_the_workspace() {
    use aws_sdk_dynamodb::types::AttributeValue;
    let t = world_table();
    let ddb = aws_sdk_dynamodb::Client::new(&pirros_shared::config::aws::sdk_config().await);
    let (old_pk, new_pk) = (format!("WS#{A1}"), format!("FAM#{A1}"));
    // Lay A1's families out as the release before kept them: in the workspace's partition.
    // f2 is also at its new key already, as this release would have written it since: the
    // old copy, renamed, must not win.
    let families = partition(&ddb, &t, &new_pk).await;
    assert!(families.len() >= 2, "the world has families in A1");
    let mut superseded = 0;
    for mut item in families {
        let sk = item["sk"].as_s().unwrap().clone();
        let newer_exists = sk == "FAMILY#f2";
        if newer_exists {
            item.insert("name".into(), AttributeValue::S("Stale copy".into()));
            superseded += 1;
        } else {
            ddb.delete_item()
                .table_name(&t)
                .key("pk", AttributeValue::S(new_pk.clone()))
                .key("sk", AttributeValue::S(sk))
                .send()
                .await
                .unwrap();
        }
        item.insert("pk".into(), AttributeValue::S(old_pk.clone()));
        ddb.put_item()
            .table_name(&t)
            .set_item(Some(item))
            .send()
            .await
            .unwrap();
    }
    let legacy = |items: &[std::collections::HashMap<String, AttributeValue>]| {
        items
            .iter()
            .filter(|i| {
                let sk = i["sk"].as_s().unwrap();
                sk.starts_with("FAMILY#") || sk.starts_with("FAMVER#")
            })
            .count()
    };
    let before = legacy(&partition(&ddb, &t, &old_pk).await);
    let api = api_on(&t).await;
    let token = api.token("full-a").await;
    let f1 = format!("/v1/workspaces/{A1}/families/f1");
    api.get(&f1, &token).await.assert_error(404, "not_found");

    let (ok, out, err) = admin(&t, &["table", "migrate"], &[]);
    assert!(ok, "{err}");
    assert_eq!(out["families_and_versions_moved"], before - superseded);
    assert_eq!(out["superseded_by_newer"], superseded);
    let r = api.get(&f1, &token).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["response"]["name"], "Door Single Flush");
    let r = api
        .get(&format!("/v1/workspaces/{A1}/families/f2"), &token)
        .await;
    assert_eq!(
        r.body["response"]["name"], "Door Double Flush",
        "{}",
        r.text
    );
    assert_eq!(legacy(&partition(&ddb, &t, &old_pk).await), 0);
    // The workspace's own items stayed where they are.
    assert!(!partition(&ddb, &t, &old_pk).await.is_empty());

    // Again: nothing left to move.
    let (ok, out, err) = admin(&t, &["table", "migrate"], &[]);
    assert!(ok, "{err}");
    assert_eq!(out["families_and_versions_moved"], 0);
    assert_eq!(out["superseded_by_newer"], 0);
}

/// A detail's open-flag count as the release before kept it (in the detail's flags
/// partition) is added to what this release counted since, once, and read by both the
/// detail and a search page afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_migrate_moves_open_flag_counts_an_older_release_kept_beside_the_flags() {
    use aws_sdk_dynamodb::types::AttributeValue;
    let t = world_table();
    let ddb = aws_sdk_dynamodb::Client::new(&pirros_shared::config::aws::sdk_config().await);
    let api = api_on(&t).await;
    let token = api.token("flagger-a").await;
    let flags = format!("/v1/workspaces/{A1}/details/d1/flags");
    let flag = || async {
        let r = api
            .write(
                reqwest::Method::POST,
                &flags,
                &token,
                &serde_json::json!({"reason": "outdated"}),
                None,
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
    };
    let open = || async {
        let d = api
            .get(&format!("/v1/workspaces/{A1}/details/d1"), &token)
            .await;
        assert_eq!(d.status, 200, "{}", d.text);
        let s = api
            .get(&format!("/v1/workspaces/{A1}/details"), &token)
            .await;
        assert_eq!(s.status, 200, "{}", s.text);
        let listed = s.body["response"]["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == "d1")
            .map(|x| x["open_flags"].clone());
        (d.body["response"]["open_flags"].clone(), listed)
    };
    flag().await;
    flag().await;
    // Put the count of these two where the release before kept it: old key, new key gone.
    let (new_pk, new_sk) = (format!("DFLAG#{A1}"), "OPEN#d1".to_owned());
    let old_pk = format!("DFLAG#{A1}#d1");
    let key = |pk: &str, sk: &str| {
        std::collections::HashMap::from([
            ("pk".to_owned(), AttributeValue::S(pk.to_owned())),
            ("sk".to_owned(), AttributeValue::S(sk.to_owned())),
        ])
    };
    ddb.delete_item()
        .table_name(&t)
        .set_key(Some(key(&new_pk, &new_sk)))
        .send()
        .await
        .unwrap();
    let mut old = key(&old_pk, "OPEN");
    old.insert("detail_id".into(), AttributeValue::S("d1".into()));
    old.insert("open".into(), AttributeValue::N("2".into()));
    ddb.put_item()
        .table_name(&t)
        .set_item(Some(old))
        .send()
        .await
        .unwrap();
    assert_eq!(open().await, (0.into(), Some(0.into())), "before the move");
    // This release counts a third flag from nothing, at the new key.
    flag().await;
    assert_eq!(open().await, (1.into(), Some(1.into())));

    let (ok, out, err) = admin(&t, &["table", "migrate"], &[]);
    assert!(ok, "{err}");
    assert_eq!(out["open_flag_counts_moved"], 1, "{out}");
    assert_eq!(out["open_flag_counts_changed_meanwhile"], 0, "{out}");
    assert_eq!(open().await, (3.into(), Some(3.into())));
    assert!(
        partition(&ddb, &t, &old_pk)
            .await
            .iter()
            .all(|i| i["sk"].as_s().unwrap() != "OPEN"),
        "the old count is gone"
    );

    // Again: nothing left to move, nothing added twice.
    let (ok, out, err) = admin(&t, &["table", "migrate"], &[]);
    assert!(ok, "{err}");
    assert_eq!(out["open_flag_counts_moved"], 0, "{out}");
    assert_eq!(open().await, (3.into(), Some(3.into())));
}

/// Imports record what they change (and nothing when nothing did), a tag edit that takes a
/// detail out of a custom filter is a removal for `access` to that filter's holder, and a
/// grant change is an `access.changed` shown to its credential only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imports_and_grant_changes_are_in_the_feed() {
    let t = world_table();
    let api = api_on(&t).await;
    let events = format!("/v1/workspaces/{A1}/events?limit=100");
    let full = api.token("full-a").await;
    let concrete = api.token("concrete-a").await;
    // The first import recorded every resource as created: the test reads what follows.
    let end = |token: String| {
        let (api, events) = (&api, &events);
        async move {
            let mut after = String::new();
            loop {
                let r = api.get(&format!("{events}{after}"), &token).await;
                assert_eq!(r.status, 200, "{}", r.text);
                let cursor = r.body["response"]["next_cursor"].as_str().unwrap();
                after = format!("&after={cursor}");
                if r.body["response"]["has_more"] == false {
                    return after;
                }
            }
        }
    };
    let (full_mark, concrete_mark) = (end(full.clone()).await, end(concrete.clone()).await);
    let feed = |token: String, after: String| {
        let (api, events) = (&api, &events);
        async move {
            let r = api.get(&format!("{events}{after}"), &token).await;
            assert_eq!(r.status, 200, "{}", r.text);
            r.body["response"]["data"].as_array().unwrap().clone()
        }
    };
    // The same file again changes nothing.
    let out = import_world(&t);
    assert_eq!(out["events"], 0, "{out}");
    assert!(feed(full.clone(), full_mark.clone()).await.is_empty());
    // d1 loses its concrete tag.
    let dir = tempfile::tempdir().unwrap();
    let edit = dir.path().join("edit.json");
    let d1 = json!({"details": [{
        "id": "d1",
        "workspace_id": A1,
        "name": "Concrete slab edge",
        "description": "Typical slab edge",
        "library": "typical",
        "tag_ids": ["t-steel"],
        "project_id": null,
        "created_at": "2026-06-01T09:00:00.000Z",
    }]});
    std::fs::write(&edit, d1.to_string()).unwrap();
    let before = pirros_shared::timestamp::Timestamp::now();
    let (ok, out, err) = admin(&t, &["import", edit.to_str().unwrap()], &[]);
    assert!(ok, "{err}");
    assert_eq!(out["events"], 1, "{out}");
    // Changed by the import, so updated then (not at the fixture's old time), created when
    // it was: a sync by `updated_since` finds it.
    let since = api
        .get(
            &format!("/v1/workspaces/{A1}/details?updated_since={before}"),
            &full,
        )
        .await;
    assert_eq!(since.status, 200, "{}", since.text);
    let found = since.body["response"]["data"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{}", since.text);
    assert_eq!(found[0]["id"], "d1");
    assert_eq!(found[0]["created_at"], "2026-06-01T09:00:00.000Z");
    let seen = feed(full.clone(), full_mark.clone()).await;
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0]["type"], "detail.updated");
    assert_eq!(seen[0]["object"], json!({"type": "detail", "id": "d1"}));
    assert_eq!(seen[0]["actor"], json!({"type": "admin", "id": null}));
    let changed: Vec<&str> = seen[0]["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(changed.contains(&"tag_ids"), "{changed:?}");
    assert!(changed.contains(&"updated_at"), "{changed:?}");
    assert!(changed.windows(2).all(|w| w[0] < w[1]), "{changed:?}");
    // Concrete details only: d1 left its view.
    let gone = feed(concrete.clone(), concrete_mark.clone()).await;
    assert_eq!(gone.len(), 1, "{gone:?}");
    assert_eq!(gone[0]["type"], "detail.removed");
    assert_eq!(gone[0]["reason"], "access");
    assert_eq!(gone[0]["changed"], Value::Null);
    assert_eq!(gone[0]["id"], seen[0]["id"]);
    assert_eq!(gone[0]["sequence"], seen[0]["sequence"]);
    // A grant added: the credential's own access.changed, and no one else's.
    let (ok, _, err) = admin(
        &t,
        &[
            "grants",
            "add",
            "concrete-a",
            "--workspace",
            A1,
            "--filter",
            "default:details",
            "--action",
            "read",
        ],
        &[],
    );
    assert!(ok, "{err}");
    let concrete = api.token("concrete-a").await;
    let mine = feed(concrete, concrete_mark).await;
    assert_eq!(mine.len(), 2, "{mine:?}");
    assert_eq!(mine[1]["type"], "access.changed");
    assert_eq!(
        mine[1]["object"],
        json!({"type": "credential", "id": "concrete-a"})
    );
    assert_eq!(feed(full, full_mark).await.len(), 1);
}

/// `pirros-admin filters create` of a detail filter in A1.
fn create_detail_filter(table: &str, id: &str, name: &str, rule: &str) -> (bool, Value, String) {
    let args = [
        "filters",
        "create",
        "--workspace",
        A1,
        "--id",
        id,
        "--name",
        name,
        "--entity-type",
        "detail",
        "--match",
        rule,
    ];
    admin(table, &args, &[])
}

/// The world fixture, as JSON.
fn world_fixture() -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture_path("world.json")).unwrap()).unwrap()
}

/// A custom filter whose match changes (`filters create` over its id, an import) or that
/// goes (`filters delete`) changes what its grants show: each credential holding one gets
/// an `access.changed`, and no other credential; renaming it, or importing it unchanged,
/// tells no one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filter_change_tells_the_credentials_holding_it() {
    let t = world_table();
    let api = api_on(&t).await;
    let events = format!("/v1/workspaces/{A1}/events?limit=100");
    let tail = |client: &'static str| {
        let (api, events) = (&api, &events);
        async move {
            let token = api.token(client).await;
            let mut after = String::new();
            loop {
                let r = api.get(&format!("{events}{after}"), &token).await;
                assert_eq!(r.status, 200, "{}", r.text);
                after = format!(
                    "&after={}",
                    r.body["response"]["next_cursor"].as_str().unwrap()
                );
                if r.body["response"]["has_more"] == false {
                    return after;
                }
            }
        }
    };
    let since = |client: &'static str, after: String| {
        let (api, events) = (&api, &events);
        async move {
            let token = api.token(client).await;
            let r = api.get(&format!("{events}{after}"), &token).await;
            assert_eq!(r.status, 200, "{}", r.text);
            r.body["response"]["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| format!("{} {}", e["type"].as_str().unwrap(), e["object"]["id"]))
                .collect::<Vec<_>>()
        }
    };
    let holder_mark = tail("concrete-a").await;
    let other_mark = tail("typical-a").await;
    let create = |name: &str, rule: &str| create_detail_filter(&t, "flt-concrete", name, rule);
    // Renamed only: what it shows is the same.
    let (ok, _, err) = create("Concrete (renamed)", r#"{"tag_ids_any":["t-concrete"]}"#);
    assert!(ok, "{err}");
    assert!(since("concrete-a", holder_mark.clone()).await.is_empty());
    // Another match: its holder is told, no one else.
    let (ok, _, err) = create(
        "Concrete or steel",
        r#"{"tag_ids_any":["t-concrete","t-steel"]}"#,
    );
    assert!(ok, "{err}");
    let told = since("concrete-a", holder_mark.clone()).await;
    assert_eq!(told, ["access.changed \"concrete-a\""], "{told:?}");
    assert!(since("typical-a", other_mark.clone()).await.is_empty());
    // An import that changes it back tells again; the same import twice, once.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("filter.json");
    let fixture = json!({"filters": [{
        "id": "flt-concrete",
        "workspace_id": A1,
        "name": "Concrete details",
        "entity_type": "detail",
        "match": {"tag_ids_any": ["t-concrete"]},
    }]});
    std::fs::write(&file, fixture.to_string()).unwrap();
    // One event for each credential of the world holding a grant on it.
    let world = world_fixture();
    let holders = world["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            c["grants"]
                .as_array()
                .unwrap()
                .iter()
                .any(|g| g["filter_id"] == "flt-concrete" && g["workspace_id"] == A1)
        })
        .count();
    assert!(holders > 1, "{holders}");
    for events in [holders, 0] {
        let (ok, out, err) = admin(&t, &["import", file.to_str().unwrap()], &[]);
        assert!(ok, "{err}");
        assert_eq!(out["events"], events, "{out}");
    }
    assert_eq!(since("concrete-a", holder_mark.clone()).await.len(), 2);
    // Gone: told once more.
    let (ok, _, err) = admin(
        &t,
        &["filters", "delete", "flt-concrete", "--workspace", A1],
        &[],
    );
    assert!(ok, "{err}");
    let told = since("concrete-a", holder_mark).await;
    assert_eq!(told.len(), 3, "{told:?}");
    assert!(
        told.iter().all(|e| e == "access.changed \"concrete-a\""),
        "{told:?}"
    );
    assert!(since("typical-a", other_mark).await.is_empty());
}

/// `filters create|list` refuse what an import refuses (a name over 200 characters, a
/// `match` that is not an object, a `default:` id, an unknown workspace), and a stash an
/// import changes moves to its next version, so its old `ETag` no longer matches.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filter_arguments_are_checked_and_reimported_stashes_move_on() {
    let t = world_table();
    let api = api_on(&t).await;
    let long = "n".repeat(201);
    let create = |name: &str, rule: &str, id: &str| create_detail_filter(&t, id, name, rule);
    for (name, rule, id, says) in [
        (long.as_str(), "{}", "fl-x", "1 to 200 characters"),
        ("F", "[]", "fl-x", "an object (FilterMatch)"),
        ("F", r#"{"nope":1}"#, "fl-x", "nope"),
        ("F", "{}", "default:mine", "reserved"),
    ] {
        let (ok, _, err) = create(name, rule, id);
        assert!(!ok, "{rule} {id}");
        assert!(err.contains(says), "{says}: {err}");
    }
    let nowhere = "c9c9c9c9-0000-4000-8000-000000000009";
    let (ok, _, err) = admin(&t, &["filters", "list", "--workspace", nowhere], &[]);
    assert!(!ok);
    assert!(err.contains("no workspace"), "{err}");

    let full = api.token("full-a").await;
    let path = format!("/v1/workspaces/{A1}/stashes/s1");
    let before = api.get(&path, &full).await;
    let old_tag = before.header("etag").unwrap().to_owned();
    let world = world_fixture();
    let mut s1 = world["stashes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "s1")
        .unwrap()
        .clone();
    s1["name"] = json!("s1, renamed by an import");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("stash.json");
    std::fs::write(&file, json!({"stashes": [s1]}).to_string()).unwrap();
    for _ in 0..2 {
        let (ok, _, err) = admin(&t, &["import", file.to_str().unwrap()], &[]);
        assert!(ok, "{err}");
    }
    let after = api.get(&path, &full).await;
    assert_eq!(after.body["response"]["name"], "s1, renamed by an import");
    let new_tag = after.header("etag").unwrap().to_owned();
    assert_ne!(new_tag, old_tag, "changed once, so the next version");
    let version = |t: &str| t.trim_matches('"')[1..].parse::<u64>().unwrap();
    assert_eq!(
        version(&new_tag),
        version(&old_tag) + 1,
        "the second import changed nothing"
    );
    let stale = api
        .send(
            api.http
                .get(api.url(&path))
                .bearer_auth(&full)
                .header("If-None-Match", &old_tag),
        )
        .await;
    assert_eq!(stale.status, 200, "the old tag no longer matches");
}

/// A family uploads moved past version 1 keeps its version, file and history when the
/// fixture is imported again (the import changes nothing else of it here, so it records
/// nothing), and the next upload is the version after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reimport_keeps_a_familys_uploaded_versions() {
    use pirros_tests::uploads::{rfa, sha256_hex, upload_body};
    let t = world_table();
    let api = api_on(&t).await;
    let writer = api.token("famwriter-a").await;
    let data = rfa(9_000, None);
    let mut body = upload_body(&data, Some("f1"));
    body["note"] = json!("Frame depth fixed");
    let job = api.upload(A1, &writer, &body, data.clone()).await;
    assert_eq!(
        job["result"],
        json!({"family_id": "f1", "version": 2}),
        "{job}"
    );

    let out = import_world(&t);
    assert_eq!(out["events"], 0, "{out}");
    let full = api.token("full-a").await;
    let f = api
        .get(&format!("/v1/workspaces/{A1}/families/f1"), &full)
        .await;
    assert_eq!(f.body["response"]["version"], 2, "{}", f.text);
    assert_eq!(f.body["response"]["file"]["sha256"], sha256_hex(&data));

    let next = rfa(9_500, None);
    let job = api
        .upload(A1, &writer, &upload_body(&next, Some("f1")), next.clone())
        .await;
    assert_eq!(
        job["result"],
        json!({"family_id": "f1", "version": 3}),
        "{job}"
    );
    let versions = api
        .get(&format!("/v1/workspaces/{A1}/families/f1/versions"), &full)
        .await;
    let listed: Vec<(i64, Value)> = versions.body["response"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["version"].as_i64().unwrap(), v["note"].clone()))
        .collect();
    assert_eq!(
        listed,
        [
            (3, Value::Null),
            (2, json!("Frame depth fixed")),
            (1, Value::Null)
        ],
        "{}",
        versions.text
    );
}

/// `pirros-admin delete detail|family`: the resource answers 404 everywhere and leaves
/// every stash (at a new version), group, reference and search list that held it; what
/// changed is printed and recorded in the feed. Unknown ids exit non-zero.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_detail_or_family_takes_it_out_of_everything() {
    let t = world_table();
    let api = api_on(&t).await;
    let full = api.token("full-a").await;
    let ws = format!("/v1/workspaces/{A1}");
    let get = |path: String| {
        let (api, full) = (&api, &full);
        async move { api.get(&path, full).await }
    };
    let ids = |r: &Reply| -> Vec<String> {
        r.body["response"]["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let r = get(format!("{ws}/events?limit=100")).await;
    let mark = r.body["response"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(r.body["response"]["has_more"], false);
    let flagger = api.token("flagger-a").await;
    let r = api
        .write(
            reqwest::Method::POST,
            &format!("{ws}/details/d1/flags"),
            &flagger,
            &json!({"reason": "outdated"}),
            None,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);

    let (ok, out, err) = admin(&t, &["delete", "detail", "d1"], &[]);
    assert!(ok, "{err}");
    assert_eq!(
        out["deleted"],
        json!({"type": "detail", "id": "d1", "workspace_id": A1})
    );
    assert_eq!(
        out["changed"],
        json!([{"type": "stash", "id": "s1", "version": 2}])
    );
    assert_eq!(get(format!("{ws}/details/d1")).await.status, 404);
    assert_eq!(get(format!("{ws}/details/d1/flags")).await.status, 404);
    let s1 = get(format!("{ws}/stashes/s1")).await;
    assert_eq!(s1.body["response"]["item_ids"]["detail_ids"], json!([]));
    assert_eq!(s1.header("etag"), Some("\"v2\""));
    let all = get(format!("{ws}/details?limit=100")).await;
    assert!(!ids(&all).contains(&"d1".to_owned()));
    let named = get(format!("{ws}/details?q=slab")).await;
    assert!(!ids(&named).contains(&"d1".to_owned()), "{}", named.text);
    let refs = get(format!("{ws}/families/f2/references")).await;
    assert!(!refs.text.contains("\"d1\""), "{}", refs.text);

    let (ok, out, err) = admin(&t, &["delete", "family", "f1"], &[]);
    assert!(ok, "{err}");
    assert_eq!(out["deleted"]["type"], "family");
    let changed = out["changed"].as_array().unwrap();
    for holder in [
        json!({"type": "detail", "id": "d2"}),
        json!({"type": "detail", "id": "d3"}),
        json!({"type": "stash", "id": "s1", "version": 3}),
        json!({"type": "group", "id": "g-doors"}),
    ] {
        assert!(changed.contains(&holder), "{holder} in {changed:?}");
    }
    assert_eq!(get(format!("{ws}/families/f1")).await.status, 404);
    assert_eq!(get(format!("{ws}/families/f1/versions")).await.status, 404);
    let s1 = get(format!("{ws}/stashes/s1")).await;
    assert_eq!(s1.body["response"]["item_ids"]["family_ids"], json!([]));
    let group = get(format!("{ws}/families/f2/group")).await;
    assert_eq!(group.status, 200, "{}", group.text);
    assert!(!group.text.contains("\"f1\""), "{}", group.text);
    let families = get(format!("{ws}/families?limit=100")).await;
    assert!(!ids(&families).contains(&"f1".to_owned()));
    let d2 = get(format!("{ws}/details/d2")).await;
    assert_eq!(d2.status, 200, "a detail that placed it stays");

    // The feed says what went and what changed.
    let r = get(format!("{ws}/events?limit=100&after={mark}")).await;
    let seen: Vec<(String, String, Value)> = r.body["response"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap().to_owned(),
                e["object"]["id"].as_str().unwrap().to_owned(),
                e["reason"].clone(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("flag.created".into(), seen[0].1.clone(), Value::Null),
            ("stash.updated".into(), "s1".into(), Value::Null),
            ("detail.removed".into(), "d1".into(), json!("deleted")),
            ("stash.updated".into(), "s1".into(), Value::Null),
            ("family.removed".into(), "f1".into(), json!("deleted")),
        ]
    );

    // Unknown or already deleted: a message and a non-zero exit.
    for args in [
        ["delete", "detail", "d1"],
        ["delete", "family", "f1"],
        ["delete", "family", "nope"],
    ] {
        let (ok, _, err) = admin(&t, &args, &[]);
        assert!(!ok);
        assert!(err.contains(&format!("no {}", args[1])), "{err}");
    }
    let (ok, _, err) = admin(&t, &["delete", "detail", "d2", "--workspace", "x"], &[]);
    assert!(!ok);
    assert!(err.contains("--workspace"), "{err}");
}

/// A detail's or family's delete that dies after its copies, flags or versions and
/// references went, before its record (`STORE_STOP_AFTER=unlisted`, as a crash would),
/// leaves nothing that names it: no stash holds it, no list or reference shows it. Only
/// its record remains, and the next run of the same delete finishes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_delete_leaves_nothing_dangling_and_the_next_run_finishes_it() {
    let t = world_table();
    let api = api_on(&t).await;
    let full = api.token("full-a").await;
    let ws = format!("/v1/workspaces/{A1}");
    let ids = |r: &Reply| -> Vec<String> {
        r.body["response"]["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let stop = [("STORE_STOP_AFTER", "unlisted")];
    let (ok, _, err) = admin(&t, &["delete", "detail", "d1"], &stop);
    assert!(!ok);
    assert!(err.contains("stopped after the step \"unlisted\""), "{err}");
    let s1 = api.get(&format!("{ws}/stashes/s1"), &full).await;
    assert_eq!(s1.body["response"]["item_ids"]["detail_ids"], json!([]));
    for q in ["limit=100", "q=slab", "tag_id=t-concrete"] {
        let r = api.get(&format!("{ws}/details?{q}"), &full).await;
        assert!(!ids(&r).contains(&"d1".to_owned()), "{q}: {}", r.text);
    }
    for f in ["f1", "f2"] {
        let r = api
            .get(&format!("{ws}/families/{f}/references"), &full)
            .await;
        assert!(!r.text.contains("\"d1\""), "{}", r.text);
    }
    let (ok, out, err) = admin(&t, &["delete", "detail", "d1"], &[]);
    assert!(ok, "{err}");
    assert_eq!(out["changed"], json!([]));
    assert_eq!(
        api.get(&format!("{ws}/details/d1"), &full).await.status,
        404
    );

    let (ok, _, err) = admin(&t, &["delete", "family", "f3"], &stop);
    assert!(!ok, "{err}");
    let families = api.get(&format!("{ws}/families?limit=100"), &full).await;
    assert!(!ids(&families).contains(&"f3".to_owned()));
    let d4 = api
        .get(&format!("{ws}/families/f3/references"), &full)
        .await;
    assert!(!d4.text.contains("\"d4\""), "{}", d4.text);
    let (ok, _, err) = admin(&t, &["delete", "family", "f3"], &[]);
    assert!(ok, "{err}");
    assert_eq!(
        api.get(&format!("{ws}/families/f3"), &full).await.status,
        404
    );
    let (ok, _, err) = admin(
        &t,
        &["delete", "family", "f3"],
        &[("STORE_STOP_AFTER", "later")],
    );
    assert!(!ok);
    assert!(err.contains("STORE_STOP_AFTER must be one of"), "{err}");
}

/// A table `pirros-admin` imported with its files into the bucket, served by `pirros-local`
/// with that bucket and no fixture of its own: a PDF's public link serves the PDF from the
/// bucket (it was 404: the server looked only at files of its own fixture), and nothing but
/// PDFs is public.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_pdf_links_serve_what_an_import_put_in_the_bucket() {
    let t = world_table();
    let bucket = std::env::var("FILES_BUCKET").expect("test.sh sets FILES_BUCKET");
    let api = Setup::new(Backend::Dynamo)
        .env("TABLE_NAME", &t)
        .env("FILES_BUCKET", &bucket)
        .fixture(None)
        .start()
        .await;
    let token = api.token("full-a").await;
    let r = api
        .get(&format!("/v1/workspaces/{A1}/downloads/pdf/d1"), &token)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let url = r.body["response"]["download_url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{}/public/pdf/", api.base)),
        "{url}"
    );
    let (status, bytes) = pirros_tests::uploads::fetch(url).await;
    assert_eq!(status, 200);
    let pdf = std::fs::read(fixture_path("files/detail-slab-edge.pdf")).unwrap();
    assert!(bytes == pdf, "{} bytes, not the fixture's PDF", bytes.len());
    // The same object under another slot's name, or a key of no file: nothing.
    let rvt = url.replacen("/public/pdf/", "/public/rvt/", 1);
    assert_eq!(pirros_tests::uploads::fetch(&rvt).await.0, 404);
    let missing = format!("{}x.pdf", &url[..url.rfind('/').unwrap() + 1]);
    assert_eq!(pirros_tests::uploads::fetch(&missing).await.0, 404);
}
