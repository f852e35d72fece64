//! Issue 15: the sync guide's script (`infra/scripts/sync_example.py`) run against a real
//! `pirros-local`: night after night it fetches only what changed, and it waits out 429
//! and 503 as `Retry-After` says.

use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::model::{Family, FamilyRecord};
use pirros_shared::store::Item;
use pirros_shared::timestamp::Timestamp;
use pirros_tests::*;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pirros_tests::on_both_stores!(
    each_night_fetches_only_what_changed,
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

fn counts(summary: &Value, what: &str, keys: &[&str]) -> Vec<u64> {
    keys.iter()
        .map(|k| {
            summary[what][k]
                .as_u64()
                .unwrap_or_else(|| panic!("{what}.{k}"))
        })
        .collect()
}

/// The first night of `full-a`: everything it may read in A1 and A2.
fn assert_first_night(s: &Value) {
    assert_eq!(s["workspaces"], json!([A1, A2]), "{s}");
    assert_eq!(s["projects"], 2, "{s}");
    assert_eq!(
        counts(s, "details", &["new", "changed", "removed"]),
        [6, 0, 0]
    );
    assert_eq!(
        counts(s, "stashes", &["new", "changed", "removed"]),
        [2, 0, 0]
    );
    // s1 holds f1, s2 nothing.
    assert_eq!(
        counts(s, "families", &["fetched", "not_modified", "gone"]),
        [1, 0, 0]
    );
}

async fn each_night_fetches_only_what_changed(b: Backend) {
    let api = api(b).await;
    let state = state_file();
    let s = sync(&api, "full-a", &state).await;
    assert_first_night(&s);
    assert_eq!(s["waits"], json!({"429": 0, "503": 0, "5xx": 0}));

    // Nothing changed: nothing new, and the family is not sent again.
    let s = sync(&api, "full-a", &state).await;
    assert_eq!(
        counts(&s, "details", &["new", "changed", "removed"]),
        [0, 0, 0]
    );
    assert_eq!(
        counts(&s, "stashes", &["new", "changed", "unchanged"]),
        [0, 0, 2]
    );
    assert_eq!(
        counts(&s, "families", &["fetched", "not_modified", "gone"]),
        [0, 1, 0]
    );

    // During the day: a detail is revised, a stash gains a family, a family is renamed.
    let mut d2 = detail_item(
        A1,
        "d2",
        Timestamp::parse("2026-06-02T09:00:00.000Z").unwrap(),
        &["t-steel"],
        None,
    );
    if let Item::Detail(d) = &mut d2 {
        d.detail.name = "Steel connection (rev C)".into();
        d.detail.updated_at = Timestamp::now();
    }
    let f1 = api
        .store()
        .get_family(
            WorkspaceId::parse(A1).unwrap(),
            &ResourceId::parse("f1").unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    let renamed = FamilyRecord {
        family: Family {
            name: "Door Single Flush (2027)".into(),
            updated_at: Timestamp::now(),
            ..f1.family
        },
        files: f1.files,
    };
    api.store()
        .put_items(&[d2, Item::Family(renamed)])
        .await
        .unwrap();
    let t = api.token("full-a").await;
    let r = api
        .write(
            reqwest::Method::PATCH,
            &format!("/v1/workspaces/{A1}/stashes/s2"),
            &t,
            &json!({"item_ids": {"detail_ids": [], "family_ids": ["f3"]}}),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);

    let s = sync(&api, "full-a", &state).await;
    assert_eq!(
        counts(&s, "details", &["new", "changed", "removed"]),
        [0, 1, 0]
    );
    assert_eq!(
        counts(&s, "stashes", &["new", "changed", "unchanged"]),
        [0, 1, 1]
    );
    // f3 is new to the copy, f1 changed: both fetched.
    assert_eq!(
        counts(&s, "families", &["fetched", "not_modified", "gone"]),
        [2, 0, 0]
    );
    let copy: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert_eq!(
        copy["details"][A1]["d2"]["name"],
        "Steel connection (rev C)"
    );
    assert_eq!(
        copy["families"][A1]["f1"]["family"]["name"],
        "Door Single Flush (2027)"
    );
    assert!(copy["families"][A1]["f1"]["etag"].is_string());
    // The secret never lands in the copy.
    assert!(
        !std::fs::read_to_string(&state)
            .unwrap()
            .contains(&secret_of("full-a"))
    );

    let s = sync(&api, "full-a", &state).await;
    assert_eq!(
        counts(&s, "families", &["fetched", "not_modified", "gone"]),
        [0, 2, 0]
    );
    let _ = std::fs::remove_file(&state);
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
    assert_first_night(&s);
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
    assert_first_night(&s);
    assert!(s["waits"]["503"].as_u64().unwrap() >= 1, "{s}");
    let _ = std::fs::remove_file(&state);
}
