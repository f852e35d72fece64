//! Access is checked when the work is done, not only when it is asked for, over HTTP on
//! both stores: an upload whose creator lost write on families before its file arrived
//! fails with `access_revoked` and writes nothing; a succeeded export's `download_url` is
//! signed only while its creator may still download there; an `Idempotency-Key` replay
//! comes only after the caller's grant is checked again. On DynamoDB the real
//! `pirros-admin` changes credentials; on the embedded store the same code through the
//! store API. (The worker's SQS path: `worker_queue.rs`.)

use pirros_shared::grants::{Action, FilterId};
use pirros_shared::ids::{ClientId, ResourceId, WorkspaceId};
use pirros_shared::jobs::{JobRecord, JobSpec, JobStatus, family_file_key, upload_key};
use pirros_shared::model::{CredentialStatus, Grant};
use pirros_shared::store::Item;
use pirros_shared::store::credential_update;
use pirros_tests::uploads::{fetch, rfa, upload_body};
use pirros_tests::*;
use reqwest::Method;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

pirros_tests::on_both_stores!(
    an_upload_whose_credential_is_revoked_before_its_file_arrives_writes_nothing,
    an_upload_whose_write_grant_is_removed_fails_when_a_read_notices_its_file,
    an_upload_fails_when_its_family_left_the_creators_write_filter,
    an_exports_url_is_signed_only_while_its_creator_may_download_there,
    idempotent_replays_come_only_after_the_grant_is_checked_again,
);

/// An operator's change to a credential: `pirros-admin credentials revoke ID` or
/// `pirros-admin grants add|remove ID --workspace WS --filter F --action A` on DynamoDB;
/// the same change through the store API on the embedded store.
pub(crate) async fn operator(api: &Api, args: &[&str]) {
    match api.backend {
        Backend::Dynamo | Backend::Lambda => {
            let table = api.running.app.state.config.table_name.clone();
            let (ok, _, err) = admin(&table, args, &[]);
            assert!(ok, "pirros-admin {args:?}: {err}");
        }
        Backend::Memory => {
            let id = ClientId::parse(args[2]).unwrap();
            credential_update::update(api.store(), &id, |c| {
                match args {
                    ["credentials", "revoke", _] => c.status = CredentialStatus::Revoked,
                    [
                        "grants",
                        change,
                        _,
                        "--workspace",
                        ws,
                        "--filter",
                        f,
                        "--action",
                        a,
                    ] => {
                        let grant = Grant {
                            workspace_id: WorkspaceId::parse(ws).unwrap(),
                            filter_id: FilterId::parse(f).unwrap(),
                            action: Action::parse(a).unwrap(),
                        };
                        c.grants.retain(|g| g != &grant);
                        if *change == "add" {
                            c.grants.push(grant);
                        }
                    }
                    _ => panic!("no such change: {args:?}"),
                }
                Ok::<_, String>(())
            })
            .await
            .unwrap();
        }
    }
}

/// `operator`'s grant change in workspace A1.
pub(crate) async fn grants(api: &Api, change: &str, client: &str, filter: &str, action: &str) {
    operator(
        api,
        &[
            "grants",
            change,
            client,
            "--workspace",
            A1,
            "--filter",
            filter,
            "--action",
            action,
        ],
    )
    .await;
}

/// Turns the workspace's downloads on or off (the workspace record, as an import writes
/// it: no operator command does this).
async fn set_downloads(api: &Api, ws: &str, on: bool) {
    let mut w = api
        .store()
        .get_workspace(WorkspaceId::parse(ws).unwrap())
        .await
        .unwrap()
        .expect("workspace");
    w.downloads_enabled = on;
    api.operator()
        .put_items(&[Item::Workspace(w)])
        .await
        .unwrap();
}

fn job_id(started: &Reply) -> String {
    started.body["response"]["job"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no job: {}", started.text))
        .to_owned()
}

async fn stored_job(api: &Api, ws: &str, id: &str) -> JobRecord {
    api.running
        .app
        .state
        .store
        .get_job(
            WorkspaceId::parse(ws).unwrap(),
            &ResourceId::parse(id).unwrap(),
        )
        .await
        .unwrap()
        .expect("job")
}

/// The job once it ended, read from storage (its creator's token may be dead).
async fn ended(api: &Api, ws: &str, id: &str) -> JobRecord {
    let started = Instant::now();
    loop {
        let job = stored_job(api, ws, id).await;
        if job.status.is_terminal() {
            return job;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "job {id} never ended: {job:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn family_of(job: &JobRecord) -> String {
    match &job.spec {
        JobSpec::Upload(spec) => spec.family_id.to_string(),
        JobSpec::Export(_) | JobSpec::Snapshot(_) => panic!("not an upload"),
    }
}

/// The uploaded file is deleted and no copy of it is kept under the family (the worker
/// deletes them right after failing the job).
async fn files_gone(api: &Api, job: &JobRecord) {
    let objects = &api.running.app.state.objects;
    let keys = [
        upload_key(job.workspace_id, &job.id),
        family_file_key(
            job.workspace_id,
            &ResourceId::parse(&family_of(job)).unwrap(),
            &job.id,
        ),
    ];
    let started = Instant::now();
    for key in keys {
        while objects.head(&key).await.unwrap().is_some() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{key} is still there"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

#[track_caller]
fn assert_revoked(job: &Value) {
    assert_eq!(job["status"], "failed", "{job}");
    assert_eq!(job["error"]["code"], "access_revoked", "{job}");
    assert!(
        job["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("no longer holds write")),
        "{job}"
    );
    assert_eq!(job["result"], Value::Null, "{job}");
}

/// What every search list answers for a query.
async fn search(api: &Api, token: &str, q: &str) -> Vec<String> {
    let r = api
        .get(&format!("/v1/workspaces/{A1}/families?{q}"), token)
        .await;
    assert_eq!(r.status, 200, "{q}: {}", r.text);
    ids(&r)
}

/// f1 as its reader sees it: its version and how many versions its history holds.
async fn f1(api: &Api, token: &str) -> (Value, usize) {
    let f = api
        .get(&format!("/v1/workspaces/{A1}/families/f1"), token)
        .await;
    assert_eq!(f.status, 200, "{}", f.text);
    let v = api
        .get(&format!("/v1/workspaces/{A1}/families/f1/versions"), token)
        .await;
    assert_eq!(v.status, 200, "{}", v.text);
    (
        f.body["response"].clone(),
        v.body["response"]["data"].as_array().unwrap().len(),
    )
}

async fn an_upload_whose_credential_is_revoked_before_its_file_arrives_writes_nothing(b: Backend) {
    let api = api(b).await;
    let t = api.token("famwriter-a").await;
    let reader = api.token("full-a").await;
    // A new family and f1's next version, both asked for while the credential was live.
    let new_data = rfa(6_000, Some(2024));
    let mut body = upload_body(&new_data, None);
    body["name"] = json!("Xylophone pivot door");
    let new = api.start_upload(A1, &t, &body).await;
    assert_eq!(new.status, 202, "{}", new.text);
    let next_data = rfa(7_000, Some(2023));
    let next = api
        .start_upload(A1, &t, &upload_body(&next_data, Some("f1")))
        .await;
    assert_eq!(next.status, 202, "{}", next.text);

    operator(&api, &["credentials", "revoke", "famwriter-a"]).await;
    let r = api
        .get(&format!("/v1/workspaces/{A1}/jobs/{}", job_id(&new)), &t)
        .await;
    r.assert_error(401, "invalid_token");
    // The files arrive (the local file server hands each job to the worker at once).
    assert_eq!(api.put_upload(&new, new_data, true).await, 200);
    assert_eq!(api.put_upload(&next, next_data, true).await, 200);
    let mut jobs = Vec::new();
    for started in [&new, &next] {
        let job = ended(&api, A1, &job_id(started)).await;
        assert_revoked(&serde_json::to_value(job.answer(None, None)).unwrap());
        assert_eq!(job.status, JobStatus::Failed);
        files_gone(&api, &job).await;
        jobs.push(job);
    }
    let new_family = family_of(&jobs[0]);
    // Nothing was written: no new family (by id, or in any search list), f1 at version 1.
    let r = api
        .get(
            &format!("/v1/workspaces/{A1}/families/{new_family}"),
            &reader,
        )
        .await;
    r.assert_error(404, "not_found");
    assert_eq!(
        search(&api, &reader, "q=xylophone").await,
        Vec::<String>::new()
    );
    assert!(
        !search(&api, &reader, "category=Doors&limit=100")
            .await
            .contains(&new_family)
    );
    let (family, versions) = f1(&api, &reader).await;
    assert_eq!(family["version"], 1);
    assert_eq!(versions, 1);
}

async fn an_upload_whose_write_grant_is_removed_fails_when_a_read_notices_its_file(b: Backend) {
    // On DynamoDB the files go to the S3 emulator, which tells nobody of a PUT: only a read
    // of the job finds the file. On the embedded store the file is stored behind the file
    // server's back, as if its event were lost.
    let api = match b {
        Backend::Memory => api(b).await,
        _ => {
            let bucket = std::env::var("FILES_BUCKET")
                .expect("run with infra/scripts/test.sh (FILES_BUCKET)");
            Setup::new(b).env("FILES_BUCKET", &bucket).start().await
        }
    };
    let t = api.token("famwriter-a").await;
    let land = async |started: &Reply, data: Vec<u8>| match b {
        Backend::Memory => {
            let key = upload_key(
                WorkspaceId::parse(A1).unwrap(),
                &ResourceId::parse(&job_id(started)).unwrap(),
            );
            api.running
                .app
                .state
                .objects
                .put_stream(
                    &key,
                    "application/octet-stream",
                    Box::new(std::io::Cursor::new(data)),
                )
                .await
                .unwrap();
        }
        _ => assert_eq!(api.put_upload(started, data, true).await, 200),
    };
    let data = rfa(8_000, Some(2024));
    let mut body = upload_body(&data, Some("f1"));
    body["name"] = json!("Quetzal door");
    let started = api.start_upload(A1, &t, &body).await;
    assert_eq!(started.status, 202, "{}", started.text);
    grants(&api, "remove", "famwriter-a", "default:families", "write").await;
    land(&started, data.clone()).await;
    let id = job_id(&started);
    assert_eq!(
        stored_job(&api, A1, &id).await.status,
        JobStatus::AwaitingUpload,
        "nobody was told of the file"
    );
    let job = api.wait_job(A1, &t, &id).await;
    assert_eq!(job.status, 200, "{}", job.text);
    assert_revoked(&job.body["response"]);
    files_gone(&api, &stored_job(&api, A1, &id).await).await;
    let (family, versions) = f1(&api, &t).await;
    assert_eq!(family["version"], 1);
    assert_ne!(family["name"], "Quetzal door");
    assert_eq!(versions, 1);
    assert_eq!(search(&api, &t, "q=quetzal").await, Vec::<String>::new());

    // With the grant back, the same upload goes through: it was the grant.
    grants(&api, "add", "famwriter-a", "default:families", "write").await;
    let started = api.start_upload(A1, &t, &body).await;
    assert_eq!(started.status, 202, "{}", started.text);
    land(&started, data).await;
    let job = api.wait_job(A1, &t, &job_id(&started)).await;
    assert_eq!(job.body["response"]["status"], "succeeded", "{}", job.text);
    assert_eq!(search(&api, &t, "q=quetzal").await, ["f1"]);
}

async fn an_upload_fails_when_its_family_left_the_creators_write_filter(b: Backend) {
    let api = api(b).await;
    // Write on project A's families only; f1 is one of them when the upload is asked for.
    let proj = api.token("famwriter-proj-a").await;
    let data = rfa(5_000, None);
    let started = api
        .start_upload(A1, &proj, &upload_body(&data, Some("f1")))
        .await;
    assert_eq!(started.status, 202, "{}", started.text);
    // Before its file arrives, another writer moves f1 to project B.
    let t = api.token("famwriter-a").await;
    let moved = rfa(5_500, None);
    let mut body = upload_body(&moved, Some("f1"));
    body["project_id"] = json!(PB);
    let job = api.upload(A1, &t, &body, moved).await;
    assert_eq!(job["result"]["version"], 2, "{job}");

    assert_eq!(api.put_upload(&started, data, true).await, 200);
    let job = api.wait_job(A1, &proj, &job_id(&started)).await;
    assert_revoked(&job.body["response"]);
    let (family, versions) = f1(&api, &t).await;
    assert_eq!(family["version"], 2);
    assert_eq!(family["project_id"], PB);
    assert_eq!(versions, 2);
}

/// `GET .../jobs/{id}`'s `result`.
async fn result_of(api: &Api, token: &str, id: &str) -> Value {
    let r = api
        .get(&format!("/v1/workspaces/{A1}/jobs/{id}"), token)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["response"]["status"], "succeeded", "{}", r.text);
    r.body["response"]["result"].clone()
}

/// The URL is signed, and fetches the zip.
async fn signed(api: &Api, token: &str, id: &str, files: u64) {
    let result = result_of(api, token, id).await;
    assert_eq!(result["files"], files, "{result}");
    assert!(result["expires_at"].is_string(), "{result}");
    let url = result["download_url"].as_str().expect("a download_url");
    let (status, bytes) = fetch(url).await;
    assert_eq!(status, 200);
    assert!(bytes.starts_with(b"PK"), "not a zip");
}

/// No URL, and no end of one; the rest of the result stays.
async fn unsigned(api: &Api, token: &str, id: &str, files: u64, why: &str) {
    let result = result_of(api, token, id).await;
    assert_eq!(
        result.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["download_url", "expires_at", "files", "bytes", "skipped"],
        "{why}"
    );
    assert_eq!(result["download_url"], Value::Null, "{why}: {result}");
    assert_eq!(result["expires_at"], Value::Null, "{why}: {result}");
    assert_eq!(result["files"], files, "{why}");
    assert!(result["bytes"].as_u64().unwrap() > 0, "{why}");
    assert_eq!(result["skipped"], json!([]), "{why}");
}

/// Starts an export of `stash` and waits for it to succeed: its job id.
async fn exported(api: &Api, token: &str, stash: &str) -> String {
    let r = api
        .write(
            Method::POST,
            &format!("/v1/workspaces/{A1}/stashes/{stash}/exports"),
            token,
            &json!({}),
            None,
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    let id = job_id(&r);
    let done = api.wait_job(A1, token, &id).await;
    assert_eq!(
        done.body["response"]["status"], "succeeded",
        "{}",
        done.text
    );
    id
}

async fn an_exports_url_is_signed_only_while_its_creator_may_download_there(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    // s1 holds a detail (PDF and RVT) and a family (RFA).
    let both = exported(&api, &t, "s1").await;
    signed(&api, &t, &both, 3).await;

    set_downloads(&api, A1, false).await;
    unsigned(&api, &t, &both, 3, "downloads off").await;
    set_downloads(&api, A1, true).await;
    signed(&api, &t, &both, 3).await;

    // Each kind of file the zip holds needs its download grant.
    for filter in ["default:details", "default:families"] {
        grants(&api, "remove", "full-a", filter, "download").await;
        unsigned(&api, &t, &both, 3, filter).await;
        grants(&api, "add", "full-a", filter, "download").await;
        signed(&api, &t, &both, 3).await;
    }

    // A zip of a detail's files only does not need a download grant on families.
    let r = api
        .write(
            Method::POST,
            &format!("/v1/workspaces/{A1}/stashes"),
            &t,
            &json!({"name": "Details only", "project_id": PA,
                    "item_ids": {"detail_ids": ["d1"], "family_ids": []}}),
            None,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let stash = r.body["response"]["id"].as_str().unwrap().to_owned();
    let details = exported(&api, &t, &stash).await;
    signed(&api, &t, &details, 2).await;
    grants(&api, "remove", "full-a", "default:families", "download").await;
    signed(&api, &t, &details, 2).await;
    unsigned(&api, &t, &both, 3, "families download removed").await;
    grants(&api, "remove", "full-a", "default:details", "download").await;
    unsigned(&api, &t, &details, 2, "details download removed").await;
    grants(&api, "add", "full-a", "default:details", "download").await;
    signed(&api, &t, &details, 2).await;
}

/// A write with an `Idempotency-Key`, and the grant it needs in the first place.
struct Keyed {
    name: &'static str,
    client: &'static str,
    method: Method,
    path: String,
    body: Value,
    filter: &'static str,
    action: &'static str,
    entity: &'static str,
}

impl Keyed {
    /// Sends it with a key of its own.
    async fn send(&self, api: &Api, token: &str) -> Reply {
        let key = format!("access-at-work-{}", self.name.replace(' ', "-"));
        api.write(
            self.method.clone(),
            &self.path,
            token,
            &self.body,
            Some(&key),
        )
        .await
    }
}

async fn idempotent_replays_come_only_after_the_grant_is_checked_again(b: Backend) {
    let api = api(b).await;
    let data = rfa(5_000, None);
    let case = |name, client, method, path: String, body, filter, action, entity| Keyed {
        name,
        client,
        method,
        path: format!("/v1/workspaces/{A1}/{path}"),
        body,
        filter,
        action,
        entity,
    };
    let cases = [
        case(
            "stash create",
            "full-a",
            Method::POST,
            "stashes".into(),
            json!({"name": "Replayed", "project_id": PA,
                   "item_ids": {"detail_ids": ["d1"], "family_ids": []}}),
            "default:stashes",
            "write",
            "stash",
        ),
        case(
            "stash update",
            "full-a",
            Method::PATCH,
            "stashes/s2".into(),
            json!({"name": "Renamed, once"}),
            "default:stashes",
            "write",
            "stash",
        ),
        case(
            "flag create",
            "flagger-a",
            Method::POST,
            "details/d1/flags".into(),
            json!({"reason": "outdated"}),
            "default:details",
            "write",
            "detail",
        ),
        case(
            "upload",
            "famwriter-a",
            Method::POST,
            "families/uploads".into(),
            upload_body(&data, Some("f1")),
            "default:families",
            "write",
            "family",
        ),
        case(
            "export",
            "full-a",
            Method::POST,
            "stashes/s1/exports".into(),
            json!({}),
            "default:stashes",
            "read",
            "stash",
        ),
    ];
    for c in &cases {
        let (name, action) = (c.name, c.action);
        let token = api.token(c.client).await;
        let first = c.send(&api, &token).await;
        assert!(first.status.is_success(), "{name}: {}", first.text);
        let again = c.send(&api, &token).await;
        assert_eq!(again.header("idempotent-replayed"), Some("true"), "{name}");
        assert_eq!(again.body["response"], first.body["response"], "{name}");

        grants(&api, "remove", c.client, c.filter, action).await;
        let refused = c.send(&api, &token).await;
        refused.assert_error(403, "insufficient_scope");
        assert_eq!(refused.header("idempotent-replayed"), None, "{name}");
        assert_eq!(
            refused.body["error"]["details"]["required_action"], action,
            "{name}"
        );
        assert_eq!(
            refused.body["error"]["details"]["entity_type"], c.entity,
            "{name}"
        );

        // The remembered answer is still there for whoever holds the grant again.
        grants(&api, "add", c.client, c.filter, action).await;
        let back = c.send(&api, &token).await;
        assert_eq!(back.status, first.status, "{name}: {}", back.text);
        assert_eq!(back.header("idempotent-replayed"), Some("true"), "{name}");
        assert_eq!(back.body["response"], first.body["response"], "{name}");
    }
}
