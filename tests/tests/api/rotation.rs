//! Secret rotation and concurrent operator writes: `pirros-admin credentials roll` (both
//! secrets and their tokens work until the old one expires), `regenerate` (the old secret
//! fails at once), and grant changes racing a revoke. On DynamoDB the real `pirros-admin`
//! binary does the writes; on the embedded store the same code through the store API.

use pirros_shared::grants::{Action, FilterId};
use pirros_shared::ids::{ClientId, WorkspaceId};
use pirros_shared::model::{CredentialStatus, Grant};
use pirros_shared::store::credential_update::{self, UpdateError};
use pirros_shared::timestamp::Timestamp;
use pirros_tests::*;
use serde_json::json;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

pirros_tests::on_both_stores!(
    a_rolled_secret_keeps_working_until_it_expires,
    regenerate_after_roll_ends_both_secrets_at_once,
    grant_changes_racing_a_revoke_all_land,
);

fn table_of(api: &Api) -> String {
    api.running.app.state.config.table_name.clone()
}

/// `pirros-admin credentials roll|regenerate ID [...]` on DynamoDB; the same change through
/// the store API on the embedded store. Returns the new secret.
async fn rotate(api: &Api, args: &[&str]) -> String {
    match api.backend {
        Backend::Dynamo | Backend::Lambda => {
            let mut all = vec!["credentials"];
            all.extend_from_slice(args);
            let (ok, out, err) = admin(&table_of(api), &all, &[]);
            assert!(ok, "{args:?}: {err}");
            out["client_secret"].as_str().expect("a secret").to_owned()
        }
        Backend::Memory => {
            let plain = pirros_shared::auth::secret::generate();
            let id = ClientId::parse(args[1]).unwrap();
            let valid_for: i64 = match args {
                [_, _, "--old-secret-valid-for", s] => s.parse().unwrap(),
                _ => 86_400,
            };
            credential_update::update(api.store(), &id, |c| {
                match args[0] {
                    "roll" => c.roll(
                        &plain,
                        Timestamp::from_millis(Timestamp::now().millis() + valid_for * 1000),
                    ),
                    _ => c.regenerate(&plain),
                }
                Ok::<_, String>(())
            })
            .await
            .unwrap();
            plain
        }
    }
}

fn token_body(client: &str, secret: &str) -> serde_json::Value {
    json!({"grant_type": "client_credentials", "client_id": client, "client_secret": secret})
}

async fn a_rolled_secret_keeps_working_until_it_expires(b: Backend) {
    let api = api(b).await;
    let tags = format!("/v1/workspaces/{A1}/tags");
    let old_secret = secret_of("full-a");
    let old_token = api.token("full-a").await;
    let new_secret = rotate(&api, &["roll", "full-a", "--old-secret-valid-for", "4"]).await;
    let rolled = Instant::now();
    assert_ne!(new_secret, old_secret);
    // Both secrets give tokens, and tokens of both work, the one issued before the roll too.
    let new_token = api.token_with("full-a", &new_secret).await;
    let late_old_token = api.token_with("full-a", &old_secret).await;
    for t in [&old_token, &late_old_token, &new_token] {
        assert_eq!(api.get(&tags, t).await.status, 200);
    }
    // Once the old secret expires, it and its tokens stop; the new ones go on.
    tokio::time::sleep(
        Duration::from_secs(4).saturating_sub(rolled.elapsed()) + Duration::from_millis(300),
    )
    .await;
    for t in [&old_token, &late_old_token] {
        api.get(&tags, t).await.assert_error(401, "invalid_token");
    }
    api.token_request(token_body("full-a", &old_secret))
        .await
        .assert_oauth_error(401, "invalid_client");
    assert_eq!(api.get(&tags, &new_token).await.status, 200);
    api.token_with("full-a", &new_secret).await;
}

async fn regenerate_after_roll_ends_both_secrets_at_once(b: Backend) {
    let api = api(b).await;
    let tags = format!("/v1/workspaces/{A1}/tags");
    let first = secret_of("full-a");
    let first_token = api.token("full-a").await;
    // Default validity: a day.
    let second = rotate(&api, &["roll", "full-a"]).await;
    let c = api
        .store()
        .get_credential(&ClientId::parse("full-a").unwrap())
        .await
        .unwrap()
        .unwrap();
    let until = c.previous_secret.as_ref().expect("rolled").valid_until;
    let left = until.millis() - Timestamp::now().millis();
    assert!(
        (86_390_000..=86_400_000).contains(&left),
        "valid for a day, {left} ms left"
    );
    let second_token = api.token_with("full-a", &second).await;
    assert_eq!(api.get(&tags, &first_token).await.status, 200);
    // Rolling again keeps only the secret it replaces: the first one ends now.
    let third = rotate(&api, &["roll", "full-a"]).await;
    api.get(&tags, &first_token)
        .await
        .assert_error(401, "invalid_token");
    api.token_request(token_body("full-a", &first))
        .await
        .assert_oauth_error(401, "invalid_client");
    assert_eq!(api.get(&tags, &second_token).await.status, 200);
    // Regenerate: every earlier secret and token fails at once.
    let fourth = rotate(&api, &["regenerate", "full-a"]).await;
    for t in [&second_token] {
        api.get(&tags, t).await.assert_error(401, "invalid_token");
    }
    for s in [&second, &third] {
        api.token_request(token_body("full-a", s))
            .await
            .assert_oauth_error(401, "invalid_client");
    }
    let fresh = api.token_with("full-a", &fourth).await;
    assert_eq!(api.get(&tags, &fresh).await.status, 200);
}

/// 20 distinct grants on workspace A1 (its filters × actions).
fn twenty_grants() -> Vec<(String, &'static str)> {
    let filters = [
        "default:details",
        "default:families",
        "default:stashes",
        "default:tags",
        "flt-concrete",
        "flt-typical",
        "flt-concrete-typical",
    ];
    filters
        .iter()
        .flat_map(|f| ["read", "write", "download"].map(|a| (f.to_string(), a)))
        .take(20)
        .collect()
}

/// 20 concurrent `grants add` and one `revoke` on one credential: every write lands.
async fn grant_changes_racing_a_revoke_all_land(b: Backend) {
    let api = api(b).await;
    let id = "nogrants-a";
    let grants = twenty_grants();
    match b {
        Backend::Dynamo | Backend::Lambda => {
            // The real binary, 21 processes at once.
            let table = table_of(&api);
            let mut children = Vec::new();
            for (filter, action) in &grants {
                children.push(
                    std::process::Command::new(bin("pirros-admin"))
                        .args(["grants", "add", id, "--workspace", A1, "--filter", filter])
                        .args(["--action", action])
                        .env("TABLE_NAME", &table)
                        .stdout(std::process::Stdio::piped())
                        .stderr(std::process::Stdio::piped())
                        .spawn()
                        .expect("pirros-admin starts"),
                );
            }
            children.insert(
                10,
                std::process::Command::new(bin("pirros-admin"))
                    .args(["credentials", "revoke", id])
                    .env("TABLE_NAME", &table)
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .expect("pirros-admin starts"),
            );
            for child in children {
                let out = tokio::task::spawn_blocking(move || child.wait_with_output())
                    .await
                    .unwrap()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
        Backend::Memory => {
            let client = ClientId::parse(id).unwrap();
            let ws = WorkspaceId::parse(A1).unwrap();
            let mut tasks = tokio::task::JoinSet::new();
            for (i, (filter, action)) in grants.iter().enumerate() {
                let grant = Grant {
                    workspace_id: ws,
                    filter_id: FilterId::parse(filter).unwrap(),
                    action: Action::parse(action).unwrap(),
                };
                let (store, who) = (api.running.admin.clone(), client.clone());
                tasks.spawn(async move {
                    credential_update::update(store.as_ref(), &who, |c| {
                        c.grants.push(grant.clone());
                        Ok::<_, String>(())
                    })
                    .await
                    .map(drop)
                });
                if i == 10 {
                    let (store, who) = (api.running.admin.clone(), client.clone());
                    tasks.spawn(async move {
                        credential_update::update(store.as_ref(), &who, |c| {
                            c.status = CredentialStatus::Revoked;
                            Ok::<_, String>(())
                        })
                        .await
                        .map(drop)
                    });
                }
            }
            while let Some(r) = tasks.join_next().await {
                r.unwrap().unwrap();
            }
        }
    }
    let c = api
        .store()
        .get_credential(&ClientId::parse(id).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.status, CredentialStatus::Revoked, "the revoke landed");
    let held: BTreeSet<(String, &str)> = c
        .grants
        .iter()
        .map(|g| (g.filter_id.to_string(), g.action.as_str()))
        .collect();
    let wanted: BTreeSet<(String, &str)> = grants.iter().map(|(f, a)| (f.clone(), *a)).collect();
    assert_eq!(held, wanted, "every grant landed");
    assert_eq!(
        c.version,
        1 + 21,
        "21 writes, each on the version before it"
    );
}

/// A write based on a stale read is refused, on both stores, and nothing changes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_credential_writes_are_refused_on_both_stores() {
    for b in [Backend::Memory, Backend::Dynamo] {
        let api = api(b).await;
        let store = api.store();
        let id = ClientId::parse("full-a").unwrap();
        let read = store.get_credential(&id).await.unwrap().unwrap();
        let mut first = read.clone();
        first.status = CredentialStatus::Revoked;
        first.version = read.version + 1;
        assert!(
            store
                .replace_credential(&first, read.version, &[])
                .await
                .unwrap()
        );
        let mut stale = read.clone();
        stale.grants.clear();
        stale.version = read.version + 1;
        assert!(
            !store
                .replace_credential(&stale, read.version, &[])
                .await
                .unwrap(),
            "{b:?}: written over a newer version"
        );
        assert_eq!(store.get_credential(&id).await.unwrap().unwrap(), first);
        let ghost = ClientId::parse("ghost").unwrap();
        let mut g = read.clone();
        g.client_id = ghost.clone();
        assert!(
            !store
                .replace_credential(&g, read.version, &[])
                .await
                .unwrap()
        );
        assert!(store.get_credential(&ghost).await.unwrap().is_none());
        // The update helper says what went wrong.
        let e = credential_update::update(store, &ghost, |_| Ok::<_, String>(()))
            .await
            .unwrap_err();
        assert!(matches!(e, UpdateError::NotFound(_)), "{e}");
        let e = credential_update::update(store, &id, |_| Err::<(), _>("no such grant"))
            .await
            .unwrap_err();
        assert_eq!(e.to_string(), "no such grant");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roll_refuses_bad_validity_and_unknown_credentials() {
    let api = api(Backend::Dynamo).await;
    let t = table_of(&api);
    for bad in ["-5", "abc", "31708801", ""] {
        let (ok, _, err) = admin(
            &t,
            &[
                "credentials",
                "roll",
                "full-a",
                "--old-secret-valid-for",
                bad,
            ],
            &[],
        );
        assert!(!ok && !err.is_empty(), "{bad:?} accepted");
    }
    let (ok, _, err) = admin(&t, &["credentials", "roll", "ghost"], &[]);
    assert!(!ok && err.contains("no credential"), "{err}");
    // Nothing changed: the fixture's secret still works.
    api.token("full-a").await;
    // Zero: the old secret stops at once, like regenerate.
    let (ok, out, err) = admin(
        &t,
        &[
            "credentials",
            "roll",
            "full-a",
            "--old-secret-valid-for",
            "0",
        ],
        &[],
    );
    assert!(ok, "{err}");
    api.token_request(token_body("full-a", &secret_of("full-a")))
        .await
        .assert_oauth_error(401, "invalid_client");
    api.token_with("full-a", out["client_secret"].as_str().unwrap())
        .await;
}

/// A revoked credential stays revoked: a new secret of it is stored and printed, as asked,
/// but gets no token, and the command says so instead of promising the old one a grace.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_secrets_of_a_revoked_credential_are_said_to_get_no_token() {
    let api = api(Backend::Dynamo).await;
    let t = table_of(&api);
    let (ok, _, err) = admin(&t, &["credentials", "revoke", "full-a"], &[]);
    assert!(ok, "{err}");
    for command in ["regenerate", "roll"] {
        let (ok, out, err) = admin(&t, &["credentials", command, "full-a"], &[]);
        assert!(ok, "{command}: {err}");
        assert!(err.contains("is revoked"), "{command}: {err}");
        assert!(!err.contains("keeps working"), "{command}: {err}");
        let secret = out["client_secret"].as_str().expect("a new secret");
        api.token_request(token_body("full-a", secret))
            .await
            .assert_oauth_error(401, "invalid_client");
    }
}
