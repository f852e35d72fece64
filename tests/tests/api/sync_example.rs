//! The sync guide's script (`infra/scripts/sync_example.py`) run against a real
//! `pirros-local`: a copy built from a snapshot and kept by the events feed stays equal to
//! what the API answers, and the script waits out 429 and 503 as `Retry-After` says.

use pirros_tests::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pirros_tests::on_both_stores!(
    a_copy_kept_by_the_feed_equals_the_api,
    rate_limits_are_waited_out,
    a_switched_off_api_is_waited_out,
);

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../infra/scripts/sync_example.py")
}

fn state_file() -> PathBuf {
    std::env::temp_dir().join(format!(
        "pirros-sync-{}.json",
        uuid::Uuid::new_v4().simple()
    ))
}

/// One run of the script as `client`: its summary line, or a panic with its stderr.
async fn sync(api: &Api, client: &str, state: &Path) -> Value {
    let out = tokio::process::Command::new("python3")
        .arg(script())
        .args(["--base-url", &api.base, "--client-id", client, "--state"])
        .arg(state)
        .env("PIRROS_CLIENT_SECRET", secret_of(client))
        .output()
        .await
        .expect("python3 runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "sync failed:\n{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(last).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"))
}

/// The first run of `full-a`: a snapshot of each workspace it reads (A1 and A2), and a
/// copy equal to what the API answers.
async fn assert_first_run(api: &Api, s: &Value, state: &Path) {
    assert_eq!(s["workspaces"], json!([A1, A2]), "{s}");
    assert_eq!(s["snapshots"], 2, "{s}");
    assert_eq!(
        s["held"][A1],
        json!({"tag": 3, "project": 2, "detail": 5, "family": 4, "stash": 2}),
        "{s}"
    );
    assert_replica(api, "full-a", state).await;
}

/// Every item of a list the API answers, by id (every page); empty when the caller may
/// not list it.
async fn listed(api: &Api, token: &str, path: &str, paged: bool) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    let mut cursor = String::new();
    loop {
        let q = if paged {
            format!("?limit=100{cursor}")
        } else {
            String::new()
        };
        let r = api.get(&format!("{path}{q}"), token).await;
        if r.status == 403 {
            return out;
        }
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        for x in r.body["response"]["data"].as_array().unwrap() {
            out.insert(x["id"].as_str().unwrap().to_owned(), x.clone());
        }
        match r.body["response"]["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => return out,
        }
    }
}

/// What the API answers `client` in `ws`, by type and id: each detail and family as its
/// GET answers it (without `expanded`), the lists' items for the rest.
async fn api_view(api: &Api, client: &str, ws: &str) -> BTreeMap<String, BTreeMap<String, Value>> {
    let t = api.token(client).await;
    let base = format!("/v1/workspaces/{ws}");
    let mut view = BTreeMap::new();
    view.insert(
        "tag".into(),
        listed(api, &t, &format!("{base}/tags"), false).await,
    );
    view.insert(
        "project".into(),
        listed(api, &t, &format!("{base}/projects"), true).await,
    );
    view.insert(
        "stash".into(),
        listed(api, &t, &format!("{base}/stashes"), true).await,
    );
    for (kind, plural) in [("detail", "details"), ("family", "families")] {
        let mut got = BTreeMap::new();
        for id in listed(api, &t, &format!("{base}/{plural}"), true)
            .await
            .keys()
        {
            let r = api.get(&format!("{base}/{plural}/{id}"), &t).await;
            assert_eq!(r.status, 200, "{}", r.text);
            let mut one = r.body["response"].clone();
            one.as_object_mut().unwrap().remove("expanded");
            got.insert(id.clone(), one);
        }
        view.insert(kind.into(), got);
    }
    view
}

/// The copy the script keeps for `client` equals what the API answers it, in every
/// workspace it reads.
async fn assert_replica(api: &Api, client: &str, state: &Path) {
    let copy: Value = serde_json::from_str(&std::fs::read_to_string(state).unwrap()).unwrap();
    for (ws, held) in copy.as_object().unwrap() {
        let held: BTreeMap<String, BTreeMap<String, Value>> =
            serde_json::from_value(held["objects"].clone()).unwrap();
        let view = api_view(api, client, ws).await;
        for (kind, want) in &view {
            assert_eq!(&held[kind], want, "{client}'s copy of {kind} in {ws}");
        }
    }
    // The secret never lands in the copy.
    assert!(
        !std::fs::read_to_string(state)
            .unwrap()
            .contains(&secret_of(client))
    );
}

/// A small deterministic generator (the test's choices are the same on every run).
struct Choices(u64);

impl Choices {
    fn pick(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// Re-imports detail `id` of A1 with `tags` (through the fixture importer, as
/// `pirros-admin import` does), which records its change in the feed.
async fn retag(api: &Api, id: &str, tags: &[&str]) {
    let world: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture_path("world.json")).unwrap())
            .unwrap();
    let mut d = world["details"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == id)
        .unwrap()
        .clone();
    d["tag_ids"] = json!(tags);
    d.as_object_mut().unwrap().remove("files");
    let text = json!({"details": [d]}).to_string();
    let fx = pirros_fixture::load(&text, Path::new("."), api.store())
        .await
        .unwrap_or_else(|p| panic!("{p:?}"));
    pirros_fixture::import(&fx, api.store(), None)
        .await
        .unwrap();
}

/// A copy built from a snapshot and kept by the feed equals the API's own answers after a
/// random mix of stash writes and deletes, flags, re-imports that move details in and out
/// of a custom filter, and (on DynamoDB, through `pirros-admin`) deletes and grant
/// changes, for a full-access credential and a custom-filter one.
async fn a_copy_kept_by_the_feed_equals_the_api(b: Backend) {
    let api = api(b).await;
    let (full_state, concrete_state) = (state_file(), state_file());
    let s = sync(&api, "full-a", &full_state).await;
    assert_first_run(&api, &s, &full_state).await;
    assert_eq!(s["waits"], json!({"429": 0, "503": 0, "5xx": 0}));
    sync(&api, "concrete-a", &concrete_state).await;
    assert_replica(&api, "concrete-a", &concrete_state).await;
    // Nothing changed: nothing read again.
    let s = sync(&api, "full-a", &full_state).await;
    assert_eq!(
        (&s["snapshots"], &s["fetched"], &s["removed"]),
        (&json!(0), &json!(0), &json!(0))
    );

    let full = api.token("full-a").await;
    let flagger = api.token("flagger-a").await;
    let stashes = format!("/v1/workspaces/{A1}/stashes");
    let table = api.running.app.state.config.table_name.clone();
    let details = ["d1", "d2", "d3", "d4", "d5"];
    let tags = ["t-concrete", "t-steel", "t-timber"];
    let mut made: Vec<String> = Vec::new();
    let mut deleted: Vec<&str> = Vec::new();
    let mut granted = false;
    let mut rng = Choices(7);
    let ops = if b == Backend::Dynamo { 7 } else { 5 };
    for round in 0..24 {
        match rng.pick(ops) {
            0 => {
                let d = details[rng.pick(5)];
                let r = api
                    .write(
                        reqwest::Method::POST,
                        &stashes,
                        &full,
                        &json!({
                        "name": format!("round {round}"), "project_id": PA, "is_permanent": false,
                        "item_ids": {"detail_ids": [d], "family_ids": ["f2"]}}),
                        None,
                    )
                    .await;
                assert_eq!(r.status, 201, "{}", r.text);
                made.push(r.body["response"]["id"].as_str().unwrap().to_owned());
            }
            1 if !made.is_empty() => {
                let id = &made[rng.pick(made.len())];
                let r = api
                    .write(
                        reqwest::Method::PATCH,
                        &format!("{stashes}/{id}"),
                        &full,
                        &json!({"name": format!("renamed {round}")}),
                        None,
                    )
                    .await;
                assert_eq!(r.status, 200, "{}", r.text);
            }
            2 if !made.is_empty() => {
                let id = made.remove(rng.pick(made.len()));
                let r = api
                    .call(reqwest::Method::DELETE, &format!("{stashes}/{id}"), &full)
                    .await;
                assert_eq!(r.status, 204, "{}", r.text);
            }
            3 => {
                let d = details[rng.pick(5)];
                let r = api
                    .write(
                        reqwest::Method::POST,
                        &format!("/v1/workspaces/{A1}/details/{d}/flags"),
                        &flagger,
                        &json!({"reason": "outdated"}),
                        None,
                    )
                    .await;
                assert!(r.status == 201 || r.status == 404, "{}", r.text);
            }
            4 => {
                let d = details[rng.pick(5)];
                if !deleted.contains(&d) {
                    let chosen: Vec<&str> =
                        tags.iter().copied().filter(|_| rng.pick(2) == 0).collect();
                    retag(&api, d, &chosen).await;
                }
            }
            5 if deleted.len() < 2 => {
                let d = details[rng.pick(5)];
                if !deleted.contains(&d) {
                    let (ok, _, err) = admin(&table, &["delete", "detail", d], &[]);
                    assert!(ok, "{err}");
                    deleted.push(d);
                }
            }
            6 => {
                let verb = if granted { "remove" } else { "add" };
                let (ok, _, err) = admin(
                    &table,
                    &[
                        "grants",
                        verb,
                        "concrete-a",
                        "--workspace",
                        A1,
                        "--filter",
                        "default:stashes",
                        "--action",
                        "read",
                    ],
                    &[],
                );
                assert!(ok, "{err}");
                granted = !granted;
            }
            _ => continue,
        }
        if round % 6 == 5 {
            sync(&api, "full-a", &full_state).await;
            sync(&api, "concrete-a", &concrete_state).await;
        }
    }
    sync(&api, "full-a", &full_state).await;
    let s = sync(&api, "concrete-a", &concrete_state).await;
    assert!(s["events"].as_u64().is_some(), "{s}");
    assert_replica(&api, "full-a", &full_state).await;
    assert_replica(&api, "concrete-a", &concrete_state).await;
    let _ = std::fs::remove_file(&full_state);
    let _ = std::fs::remove_file(&concrete_state);
}

async fn rate_limits_are_waited_out(b: Backend) {
    let api = Setup::new(b)
        .env("API_RATE_LIMIT_PER_HOUR", "4")
        .env("API_RATE_LIMIT_WINDOW_SECS", "2")
        .start()
        .await;
    let state = state_file();
    let started = Instant::now();
    let s = sync(&api, "full-a", &state).await;
    assert_eq!(s["snapshots"], 2, "{s}");
    assert!(s["waits"]["429"].as_u64().unwrap() >= 1, "{s}");
    assert!(started.elapsed() < Duration::from_secs(60));
    let _ = std::fs::remove_file(&state);
}

async fn a_switched_off_api_is_waited_out(b: Backend) {
    let api = api(b).await;
    // Switched off, and seen so by the server (which then trusts that for 10 s), then
    // switched back on: the run starts against a 503 and must wait it out.
    api.store().set_kill_switch(true).await.unwrap();
    let t = api.token("full-a").await;
    api.get("/v1/me", &t)
        .await
        .assert_error(503, "service_unavailable");
    api.store().set_kill_switch(false).await.unwrap();
    let state = state_file();
    let s = sync(&api, "full-a", &state).await;
    assert_first_run(&api, &s, &state).await;
    assert!(s["waits"]["503"].as_u64().unwrap() >= 1, "{s}");
    let _ = std::fs::remove_file(&state);
}
