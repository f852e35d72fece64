//! Issue 16: family uploads end to end over HTTP (request, PUT, job, family, versions,
//! downloads by version), and every bad input's documented answer, on both stores.

use pirros_tests::uploads::{fetch, rfa, sha256_hex, upload_body};
use pirros_tests::*;
use reqwest::Method;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

pirros_tests::on_both_stores!(
    an_upload_creates_a_family_at_version_one,
    an_upload_adds_the_next_version_and_history_keeps_the_old_ones,
    refused_files_fail_the_job_with_their_code_and_leave_the_family_alone,
    crafted_files_fail_as_invalid_rfa_naming_what_is_broken,
    a_file_over_the_limit_is_file_too_large,
    bad_upload_requests_are_refused_before_any_job,
    grants_decide_which_families_may_be_written,
    a_project_the_uploader_cannot_read_is_an_invalid_reference,
    upload_requests_are_idempotent,
    a_put_after_expiry_is_refused_and_the_job_expires,
    jobs_are_their_creators_alone,
    racing_uploads_keep_versions_consecutive,
    waiting_gives_up_after_the_wait_limit,
    version_history_pages,
    uploaded_versions_move_in_every_search_list,
);

async fn famwriter(api: &Api) -> String {
    api.token("famwriter-a").await
}

async fn an_upload_creates_a_family_at_version_one(b: Backend) {
    let api = api(b).await;
    let t = famwriter(&api).await;
    let data = rfa(40_000, Some(2024));
    let mut body = upload_body(&data, None);
    body["tag_ids"] = json!(["t-timber"]);
    body["project_id"] = json!(PA);
    body["description"] = json!("Flush door");
    let r = api.start_upload(A1, &t, &body).await;
    assert_eq!(r.status, 202, "{}", r.text);
    r.request_id();
    let job = &r.body["response"]["job"];
    assert_eq!(
        keys(job),
        [
            "id",
            "type",
            "status",
            "created_at",
            "updated_at",
            "result",
            "error"
        ]
    );
    assert_eq!(job["type"], "family_upload");
    assert_eq!(job["status"], "awaiting_upload");
    // The tag a read of the job answers: a digest of it (the read test holds the two equal).
    let tag = r.header("etag").expect("an ETag");
    assert!(
        tag.len() > 4 && tag.starts_with('"') && tag != "\"v1\"",
        "{tag}"
    );
    let upload = &r.body["response"]["upload"];
    assert_eq!(keys(upload), ["url", "method", "headers", "expires_at"]);
    let expires =
        pirros_shared::timestamp::Timestamp::parse(upload["expires_at"].as_str().unwrap()).unwrap();
    let left = expires.secs() - pirros_shared::timestamp::Timestamp::now().secs();
    assert!((895..=900).contains(&left), "{left}");
    assert_eq!(
        upload["headers"]["content-length"],
        json!(data.len().to_string())
    );

    assert_eq!(api.put_upload(&r, data.clone(), true).await, 200);
    let id = job["id"].as_str().unwrap();
    let done = api.wait_job(A1, &t, id).await;
    assert_eq!(done.status, 200, "{}", done.text);
    let job = &done.body["response"];
    assert_eq!(job["status"], "succeeded", "{}", done.text);
    assert_eq!(job["error"], Value::Null);
    assert_eq!(job["result"]["version"], 1);
    assert_eq!(job["expanded"], json!({}));
    let family_id = job["result"]["family_id"].as_str().unwrap();

    let f = api
        .get(&format!("/v1/workspaces/{A1}/families/{family_id}"), &t)
        .await;
    assert_eq!(f.status, 200, "{}", f.text);
    let f = &f.body["response"];
    assert_eq!(f["name"], "Uploaded door");
    assert_eq!(f["category"], "Doors");
    assert_eq!(f["description"], "Flush door");
    assert_eq!(f["tag_ids"], json!(["t-timber"]));
    assert_eq!(f["project_id"], PA);
    assert_eq!(f["has_rfa"], true);
    assert_eq!(f["version"], 1);
    assert_eq!(f["group_id"], Value::Null);
    assert_eq!(
        f["file"],
        json!({"file_name": "Door Single Flush.rfa", "size_bytes": data.len(),
               "sha256": sha256_hex(&data), "revit_version": 2024})
    );
    let v = api
        .get(
            &format!("/v1/workspaces/{A1}/families/{family_id}/versions"),
            &t,
        )
        .await;
    assert_eq!(v.status, 200, "{}", v.text);
    assert_eq!(v.body["response"]["data"].as_array().unwrap().len(), 1);
    let v1 = &v.body["response"]["data"][0];
    assert_eq!(
        keys(v1),
        ["version", "file", "note", "created_by", "created_at"]
    );
    assert_eq!(v1["created_by"], "famwriter-a");
    assert_eq!(v1["file"], f["file"]);
    // The file downloads as it was sent; its upload object is gone.
    let d = api
        .get(&format!("/v1/workspaces/{A1}/families/{family_id}/rfa"), &t)
        .await;
    assert_eq!(d.status, 200, "{}", d.text);
    let (status, bytes) = fetch(d.body["response"]["download_url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert!(bytes == data, "the downloaded file differs");
    upload_object_goes(&api, A1, id).await;
}

/// The worker deletes the upload object right after the write that ends the job (after
/// relisting the family, or after failing the job), so a reader may see the job ended a
/// moment before the object goes.
async fn upload_object_goes(api: &Api, ws: &str, job: &str) {
    let gone = async {
        while upload_object(api, ws, job).await.is_some() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), gone)
        .await
        .expect("the upload object is deleted");
}

fn keys(v: &Value) -> Vec<String> {
    v.as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .cloned()
        .collect()
}

async fn upload_object(api: &Api, ws: &str, job: &str) -> Option<u64> {
    let key = pirros_shared::jobs::upload_key(
        pirros_shared::ids::WorkspaceId::parse(ws).unwrap(),
        &pirros_shared::ids::ResourceId::parse(job).unwrap(),
    );
    api.running
        .app
        .state
        .objects
        .head(&key)
        .await
        .unwrap()
        .map(|i| i.size)
}

async fn an_upload_adds_the_next_version_and_history_keeps_the_old_ones(b: Backend) {
    let api = api(b).await;
    let t = famwriter(&api).await;
    let before = api
        .get(&format!("/v1/workspaces/{A1}/families/f1"), &t)
        .await;
    let imported = before.body["response"].clone();
    assert_eq!(imported["version"], 1);
    // The importer described the fixture's file (not an OLE container: no release).
    let original = std::fs::read(fixture_path("files/family-door-single.rfa")).unwrap();
    assert_eq!(imported["file"]["sha256"], sha256_hex(&original));
    assert_eq!(imported["file"]["revit_version"], Value::Null);

    let data = rfa(9_000, None);
    let mut body = upload_body(&data, Some("f1"));
    body["note"] = json!("Frame depth fixed");
    let job = api.upload(A1, &t, &body, data.clone()).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["result"], json!({"family_id": "f1", "version": 2}));

    let f = api
        .get(&format!("/v1/workspaces/{A1}/families/f1"), &t)
        .await;
    let f = &f.body["response"];
    assert_eq!(f["version"], 2);
    assert_eq!(f["name"], imported["name"], "left out: kept");
    assert_eq!(f["tag_ids"], imported["tag_ids"]);
    assert_eq!(f["created_at"], imported["created_at"]);
    assert_eq!(f["file"]["sha256"], sha256_hex(&data));
    assert_eq!(f["file"]["revit_version"], Value::Null);

    let v = api
        .get(&format!("/v1/workspaces/{A1}/families/f1/versions"), &t)
        .await;
    let data_v = v.body["response"]["data"].as_array().unwrap();
    let numbers: Vec<u64> = data_v
        .iter()
        .map(|x| x["version"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [2, 1]);
    assert_eq!(data_v[0]["note"], "Frame depth fixed");
    assert_eq!(data_v[0]["created_by"], "famwriter-a");
    assert_eq!(data_v[1]["note"], Value::Null);
    assert_eq!(data_v[1]["created_by"], Value::Null);
    assert_eq!(data_v[1]["file"], imported["file"]);
    assert_eq!(v.body["response"]["next_cursor"], Value::Null);

    // Each version downloads its own file; the latest by default.
    for (q, want) in [
        ("", &data),
        ("?version=2", &data),
        ("?version=1", &original),
    ] {
        let d = api
            .get(&format!("/v1/workspaces/{A1}/families/f1/rfa{q}"), &t)
            .await;
        assert_eq!(d.status, 200, "{q}: {}", d.text);
        let (_, bytes) = fetch(d.body["response"]["download_url"].as_str().unwrap()).await;
        assert!(bytes == *want, "{q}: another file");
    }
    let d = api
        .get(
            &format!("/v1/workspaces/{A1}/families/f1/rfa?version=3"),
            &t,
        )
        .await;
    d.assert_error(404, "not_found");
    for bad in ["0", "-1", "x", "1.5", "%2B1"] {
        let d = api
            .get(
                &format!("/v1/workspaces/{A1}/families/f1/rfa?version={bad}"),
                &t,
            )
            .await;
        d.assert_error(400, "invalid_request");
        assert_eq!(d.body["error"]["details"]["field"], "version", "{bad}");
    }
    // A new version may rename the family and move it.
    let data = rfa(5_000, Some(2019));
    let mut body = upload_body(&data, Some("f1"));
    body["name"] = json!("Door Single Flush v3");
    body["tag_ids"] = json!(["t-steel", "t-steel"]);
    let job = api.upload(A1, &t, &body, data).await;
    assert_eq!(job["result"]["version"], 3, "{job}");
    let f = api
        .get(&format!("/v1/workspaces/{A1}/families/f1"), &t)
        .await;
    assert_eq!(f.body["response"]["name"], "Door Single Flush v3");
    assert_eq!(f.body["response"]["tag_ids"], json!(["t-steel"]));
    assert_eq!(f.body["response"]["file"]["revit_version"], 2019);
}

/// Starts an upload declaring `declared`, PUTs `sent`, and answers the finished job.
async fn refused(api: &Api, t: &str, declared: &[u8], sent: Vec<u8>, honest: bool) -> Value {
    let r = api
        .start_upload(A1, t, &upload_body(declared, Some("f1")))
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(api.put_upload(&r, sent, honest).await, 200);
    let id = r.body["response"]["job"]["id"].as_str().unwrap();
    let job = api.wait_job(A1, t, id).await.body["response"].clone();
    assert_eq!(job["status"], "failed", "{job}");
    assert_eq!(job["result"], Value::Null);
    assert!(job["error"]["message"].is_string(), "{job}");
    // A refused file is deleted.
    upload_object_goes(api, A1, id).await;
    job
}

async fn refused_files_fail_the_job_with_their_code_and_leave_the_family_alone(b: Backend) {
    let api = api(b).await;
    let t = famwriter(&api).await;
    let good = rfa(6_000, Some(2024));
    // Other bytes of the same size.
    let mut other = good.clone();
    *other.last_mut().unwrap() ^= 1;
    let job = refused(&api, &t, &good, other, true).await;
    assert_eq!(job["error"]["code"], "checksum_mismatch");
    // Fewer bytes than declared, and more.
    let job = refused(&api, &t, &good, good[..good.len() - 10].to_vec(), false).await;
    assert_eq!(job["error"]["code"], "checksum_mismatch");
    let job = refused(&api, &t, &good, [&good[..], b"tail"].concat(), false).await;
    assert_eq!(job["error"]["code"], "checksum_mismatch");
    // An empty file.
    let job = refused(&api, &t, &good, Vec::new(), false).await;
    assert_eq!(job["error"]["code"], "checksum_mismatch");
    // The declared bytes, but not a Revit family: a PDF, and a truncated compound file.
    let pdf = std::fs::read(fixture_path("files/detail-slab-edge.pdf")).unwrap();
    let job = refused(&api, &t, &pdf, pdf.clone(), true).await;
    assert_eq!(job["error"]["code"], "invalid_rfa");
    let cut = good[..2048].to_vec();
    let job = refused(&api, &t, &cut, cut.clone(), true).await;
    assert_eq!(job["error"]["code"], "invalid_rfa");

    let f = api
        .get(&format!("/v1/workspaces/{A1}/families/f1"), &t)
        .await;
    assert_eq!(f.body["response"]["version"], 1, "the family is untouched");
    let v = api
        .get(&format!("/v1/workspaces/{A1}/families/f1/versions"), &t)
        .await;
    assert_eq!(v.body["response"]["data"].as_array().unwrap().len(), 1);
}

/// Files shaped to make a general-purpose reader expand them: each is judged from its header,
/// FAT and directory and refused with a message naming the limit or the broken part.
async fn crafted_files_fail_as_invalid_rfa_naming_what_is_broken(b: Backend) {
    use pirros_rfa::craft::{Dir, Layout, long_directory};
    let api = api(b).await;
    let t = famwriter(&api).await;
    let layout = || {
        Layout::new(
            vec![Dir::root(), Dir::new("A", 2), Dir::new("B", 2)],
            vec![(1, vec![1u8; 8192]), (2, vec![2u8; 4608])],
        )
    };
    let mut looping = layout();
    let (_, ids, _) = looping.streams[0].clone();
    looping.fat[*ids.last().unwrap() as usize] = ids[0];
    let mut past_end = layout();
    past_end.dirs[2].start = 900_000;
    let mut oversized = layout();
    oversized.dirs[1].size = 50_000_000;
    let whole = layout().bytes();
    let truncated = whole[..whole.len() - 2048].to_vec();
    for (bytes, names) in [
        (long_directory(20_000).bytes(), "more than 4096 entries"),
        (looping.bytes(), "loops back to sector"),
        (past_end.bytes(), "runs past the end of the file"),
        (oversized.bytes(), "is larger than the file"),
        (truncated, "runs past the end of the file"),
    ] {
        let job = refused(&api, &t, &bytes, bytes.clone(), true).await;
        assert_eq!(job["error"]["code"], "invalid_rfa", "{job}");
        let message = job["error"]["message"].as_str().unwrap();
        assert!(message.contains(names), "{names}: {message}");
    }
    // The same layout unbroken is a family.
    let r = api
        .start_upload(A1, &t, &upload_body(&whole, Some("f1")))
        .await;
    assert_eq!(api.put_upload(&r, whole, true).await, 200);
    let id = r.body["response"]["job"]["id"].as_str().unwrap();
    let job = api.wait_job(A1, &t, id).await.body["response"].clone();
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["result"]["version"], 2, "{job}");
}

async fn a_file_over_the_limit_is_file_too_large(b: Backend) {
    let api = Setup::new(b).env("MAX_UPLOAD_BYTES", "20000").start().await;
    let t = famwriter(&api).await;
    let at_limit = rfa(20_000, None);
    assert!(at_limit.len() <= 20_000, "{}", at_limit.len());
    let big = rfa(60_000, None);
    let job = refused(&api, &t, &at_limit, big, false).await;
    assert_eq!(job["error"]["code"], "file_too_large");
    // Declaring more than the limit is refused at once.
    let r = api
        .start_upload(A1, &t, &upload_body(&rfa(60_000, None), None))
        .await;
    r.assert_error(400, "invalid_request");
    assert_eq!(r.body["error"]["details"]["field"], "size_bytes");
}

async fn bad_upload_requests_are_refused_before_any_job(b: Backend) {
    let api = api(b).await;
    let t = famwriter(&api).await;
    let data = rfa(5_000, None);
    let base = upload_body(&data, None);
    for (field, value) in [
        ("size_bytes", json!(0)),
        ("size_bytes", json!(-1)),
        ("size_bytes", json!(1.5)),
        ("size_bytes", json!("10")),
        ("sha256", json!("abc")),
        ("sha256", json!("g".repeat(64))),
        ("file_name", json!("door.rvt")),
        ("file_name", json!("door.rfa/x.rfa")),
        ("file_name", json!("")),
        ("name", json!("")),
        ("category", json!("   ")),
        ("note", json!("n".repeat(2001))),
        ("surprise", json!(1)),
    ] {
        let mut body = base.clone();
        body[field] = value.clone();
        let r = api.start_upload(A1, &t, &body).await;
        r.assert_error(400, "invalid_request");
        assert_eq!(
            r.body["error"]["details"]["field"], field,
            "{field}={value}"
        );
    }
    for missing in ["name", "category", "file_name", "size_bytes", "sha256"] {
        let mut body = base.clone();
        body.as_object_mut().unwrap().remove(missing);
        let r = api.start_upload(A1, &t, &body).await;
        r.assert_error(400, "invalid_request");
        assert_eq!(r.body["error"]["details"]["field"], missing);
    }
    // Families that do not exist here: another workspace's, a missing one, a malformed id.
    for id in ["fb1", "nope", "a#b"] {
        let r = api
            .start_upload(A1, &t, &upload_body(&data, Some(id)))
            .await;
        r.assert_error(404, "not_found");
    }
    // Tags and projects are checked like a stash's items.
    let mut body = base.clone();
    body["tag_ids"] = json!(["t-timber", "t-b", "t-missing"]);
    body["project_id"] = json!("11111111-0000-4000-8000-0000000000b1");
    let r = api.start_upload(A1, &t, &body).await;
    r.assert_error(400, "INVALID_ITEM_REFERENCE");
    assert_eq!(
        r.body["error"]["details"],
        json!({"detail_ids": [], "family_ids": [], "tag_ids": ["t-b", "t-missing"],
               "project_ids": ["11111111-0000-4000-8000-0000000000b1"]})
    );
    // A body that is not JSON.
    let r = api
        .send(
            api.http
                .post(api.url(&format!("/v1/workspaces/{A1}/families/uploads")))
                .bearer_auth(&t)
                .header("content-type", "text/plain")
                .body("x"),
        )
        .await;
    r.assert_error(400, "invalid_request");
}

/// Projects are readable with any read grant in the workspace; a credential that may only
/// write families there cannot name one, any more than a project that does not exist.
async fn a_project_the_uploader_cannot_read_is_an_invalid_reference(b: Backend) {
    let api = api(b).await;
    let data = rfa(5_000, None);
    let store = api.store();
    let client = pirros_shared::ids::ClientId::parse("famwriter-a").unwrap();
    let mut c = store.get_credential(&client).await.unwrap().unwrap();
    let v = c.version;
    c.grants
        .retain(|g| g.action == pirros_shared::grants::Action::Write);
    c.version += 1;
    assert!(store.replace_credential(&c, v, &[]).await.unwrap());
    let t = famwriter(&api).await;
    assert_eq!(
        api.get(&format!("/v1/workspaces/{A1}/projects"), &t)
            .await
            .status,
        403
    );
    let mut body = upload_body(&data, None);
    body["project_id"] = json!(PA);
    let r = api.start_upload(A1, &t, &body).await;
    r.assert_error(400, "INVALID_ITEM_REFERENCE");
    assert_eq!(r.body["error"]["details"]["project_ids"], json!([PA]));
    let r = api.start_upload(A1, &t, &upload_body(&data, None)).await;
    assert_eq!(r.status, 202, "{}", r.text);
}

async fn grants_decide_which_families_may_be_written(b: Backend) {
    let api = api(b).await;
    let data = rfa(5_000, None);
    // No write grant on families at all.
    let t = api.token("full-a").await;
    let r = api.start_upload(A1, &t, &upload_body(&data, None)).await;
    r.assert_error(403, "insufficient_scope");
    assert_eq!(r.body["error"]["details"]["required_action"], "write");
    assert_eq!(r.body["error"]["details"]["entity_type"], "family");
    // Write limited to project A's families.
    let t = api.token("famwriter-proj-a").await;
    let r = api
        .start_upload(A1, &t, &upload_body(&data, Some("f2")))
        .await;
    r.assert_error(403, "insufficient_scope");
    assert_eq!(r.body["error"]["details"]["entity_id"], "f2");
    let r = api.start_upload(A1, &t, &upload_body(&data, None)).await;
    r.assert_error(403, "insufficient_scope");
    // Moving a family out of what the grant covers is refused too.
    let mut body = upload_body(&data, Some("f1"));
    body["project_id"] = json!(PB);
    let r = api.start_upload(A1, &t, &body).await;
    r.assert_error(403, "insufficient_scope");
    let mut body = upload_body(&data, None);
    body["project_id"] = json!(PA);
    let r = api.start_upload(A1, &t, &body).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let r = api
        .start_upload(A1, &t, &upload_body(&data, Some("f1")))
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    // Another firm's workspace.
    let r = api.start_upload(B1, &t, &upload_body(&data, None)).await;
    r.assert_error(403, "insufficient_scope");
}

async fn upload_requests_are_idempotent(b: Backend) {
    let api = api(b).await;
    let t = famwriter(&api).await;
    let data = rfa(5_000, None);
    let body = upload_body(&data, Some("f1"));
    let path = format!("/v1/workspaces/{A1}/families/uploads");
    let first = api
        .write(Method::POST, &path, &t, &body, Some("upload-key-1"))
        .await;
    assert_eq!(first.status, 202, "{}", first.text);
    let again = api
        .write(Method::POST, &path, &t, &body, Some("upload-key-1"))
        .await;
    assert_eq!(again.status, 202, "{}", again.text);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.header("etag"), first.header("etag"));
    assert_eq!(again.body["response"], first.body["response"]);
    let mut other = body.clone();
    other["note"] = json!("another");
    let conflict = api
        .write(Method::POST, &path, &t, &other, Some("upload-key-1"))
        .await;
    conflict.assert_error(409, "IDEMPOTENCY_CONFLICT");
    // The one job completes once.
    assert_eq!(api.put_upload(&first, data, true).await, 200);
    let id = first.body["response"]["job"]["id"].as_str().unwrap();
    let job = api.wait_job(A1, &t, id).await;
    assert_eq!(job.body["response"]["result"]["version"], 2);
}

async fn a_put_after_expiry_is_refused_and_the_job_expires(b: Backend) {
    let api = Setup::new(b).env("UPLOAD_URL_TTL_SECS", "1").start().await;
    let t = famwriter(&api).await;
    let data = rfa(5_000, None);
    let r = api.start_upload(A1, &t, &upload_body(&data, None)).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let id = r.body["response"]["job"]["id"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(api.put_upload(&r, data, true).await, 403);
    assert_eq!(upload_object(&api, A1, &id).await, None);
    // The URL's end plus its own lifetime (a PUT started in time may still finish).
    let job = api.wait_job(A1, &t, &id).await;
    assert_eq!(job.body["response"]["status"], "expired", "{}", job.text);
    assert_eq!(job.body["response"]["error"], Value::Null);
    // A tampered URL is refused like an expired one.
    let r = api
        .start_upload(A1, &t, &upload_body(&rfa(5_000, None), None))
        .await;
    let url = r.body["response"]["upload"]["url"].as_str().unwrap();
    let forged = url.replacen("size=", "size=1", 1);
    let status = api
        .http
        .put(forged)
        .body(vec![1u8; 10])
        .send()
        .await
        .unwrap();
    assert_eq!(status.status(), 403);
}

async fn jobs_are_their_creators_alone(b: Backend) {
    let api = api(b).await;
    let t = famwriter(&api).await;
    let r = api
        .start_upload(A1, &t, &upload_body(&rfa(5_000, None), None))
        .await;
    let id = r.body["response"]["job"]["id"].as_str().unwrap();
    let mine = api.get(&format!("/v1/workspaces/{A1}/jobs/{id}"), &t).await;
    assert_eq!(mine.status, 200, "{}", mine.text);
    assert_eq!(mine.body["response"]["status"], "awaiting_upload");
    // A digest of the answer (an export's link changes on each read), not the revision.
    let tag = mine.header("etag").expect("ETag");
    assert!(tag.starts_with('"') && tag.len() > 10, "{tag}");
    // Another credential of the same firm, with every read grant: as if it did not exist.
    let other = api.token("full-a").await;
    let r = api
        .get(&format!("/v1/workspaces/{A1}/jobs/{id}"), &other)
        .await;
    r.assert_error(404, "not_found");
    // In another workspace's path, or never made.
    for path in [
        format!("/v1/workspaces/{A2}/jobs/{id}"),
        format!("/v1/workspaces/{A1}/jobs/no-such-job"),
        format!("/v1/workspaces/{A1}/jobs/a%23b"),
    ] {
        api.get(&path, &t).await.assert_error(404, "not_found");
    }
    for q in [
        "wait_for_completion=yes",
        "wait_for_completion=1",
        "wait=true",
    ] {
        let r = api
            .get(&format!("/v1/workspaces/{A1}/jobs/{id}?{q}"), &t)
            .await;
        r.assert_error(400, "invalid_request");
    }
    let r = api
        .get(
            &format!("/v1/workspaces/{A1}/jobs/{id}?wait_for_completion=false"),
            &t,
        )
        .await;
    assert_eq!(r.status, 200);
}

async fn racing_uploads_keep_versions_consecutive(b: Backend) {
    let api = api(b).await;
    let t = famwriter(&api).await;
    let files: Vec<Vec<u8>> = (0..3)
        .map(|i| rfa(5_000 + i * 700, Some(2020 + i as u16)))
        .collect();
    let mut started = Vec::new();
    for f in &files {
        let r = api.start_upload(A1, &t, &upload_body(f, Some("f3"))).await;
        assert_eq!(r.status, 202, "{}", r.text);
        started.push(r);
    }
    // The three files land at once, each processed by its own worker.
    let puts = started
        .iter()
        .zip(&files)
        .map(|(r, f)| api.put_upload(r, f.clone(), true));
    for status in futures::future::join_all(puts).await {
        assert_eq!(status, 200);
    }
    let mut versions = Vec::new();
    for r in &started {
        let id = r.body["response"]["job"]["id"].as_str().unwrap();
        let job = api.wait_job(A1, &t, id).await;
        assert_eq!(job.body["response"]["status"], "succeeded", "{}", job.text);
        versions.push(job.body["response"]["result"]["version"].as_u64().unwrap());
    }
    versions.sort();
    assert_eq!(versions, [2, 3, 4]);
    let v = api
        .get(&format!("/v1/workspaces/{A1}/families/f3/versions"), &t)
        .await;
    let numbers: Vec<u64> = v.body["response"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["version"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [4, 3, 2, 1]);
    let f = api
        .get(&format!("/v1/workspaces/{A1}/families/f3"), &t)
        .await;
    assert_eq!(f.body["response"]["version"], 4);
}

async fn waiting_gives_up_after_the_wait_limit(b: Backend) {
    let api = Setup::new(b).env("JOB_WAIT_SECS", "1").start().await;
    let t = famwriter(&api).await;
    let r = api
        .start_upload(A1, &t, &upload_body(&rfa(5_000, None), None))
        .await;
    let id = r.body["response"]["job"]["id"].as_str().unwrap();
    let started = Instant::now();
    let job = api.wait_job(A1, &t, id).await;
    let took = started.elapsed();
    assert_eq!(job.status, 200);
    assert_eq!(job.body["response"]["status"], "awaiting_upload");
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(5),
        "{took:?}"
    );
}

async fn version_history_pages(b: Backend) {
    let api = api(b).await;
    let t = famwriter(&api).await;
    for i in 0..3 {
        let data = rfa(4_500 + i * 100, None);
        let job = api
            .upload(A1, &t, &upload_body(&data, Some("f4")), data)
            .await;
        assert_eq!(job["status"], "succeeded", "{job}");
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = match &cursor {
            Some(c) => format!("?limit=3&cursor={c}"),
            None => "?limit=3".into(),
        };
        let r = api
            .get(&format!("/v1/workspaces/{A1}/families/f4/versions{q}"), &t)
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        seen.extend(
            r.body["response"]["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["version"].as_u64().unwrap()),
        );
        match r.body["response"]["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, [4, 3, 2, 1]);
    // A cursor of another family, a bad limit, an unreadable family.
    let r = api
        .get(
            &format!("/v1/workspaces/{A1}/families/f4/versions?limit=1"),
            &t,
        )
        .await;
    let c = r.body["response"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = api
        .get(
            &format!("/v1/workspaces/{A1}/families/f1/versions?cursor={c}"),
            &t,
        )
        .await;
    r.assert_error(400, "invalid_request");
    let r = api
        .get(
            &format!("/v1/workspaces/{A1}/families/f4/versions?limit=0"),
            &t,
        )
        .await;
    r.assert_error(400, "invalid_request");
    let proj = api.token("projfam-a").await;
    let r = api
        .get(&format!("/v1/workspaces/{A1}/families/f4/versions"), &proj)
        .await;
    r.assert_error(404, "not_found");
    let r = api
        .get(&format!("/v1/workspaces/{A1}/families/fb1/versions"), &t)
        .await;
    r.assert_error(404, "not_found");
}

/// An upload's family (new, or its next version) is what every search list answers: by a
/// word of its new name (and no longer by the old one), by tag, and in the update order of
/// `updated_since`.
async fn uploaded_versions_move_in_every_search_list(b: Backend) {
    let api = api(b).await;
    let t = famwriter(&api).await;
    let search = |q: String| {
        let api = &api;
        let t = &t;
        async move {
            let r = api
                .get(&format!("/v1/workspaces/{A1}/families?{q}"), t)
                .await;
            assert_eq!(r.status, 200, "{q}: {}", r.text);
            r.body["response"]["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    (
                        f["id"].as_str().unwrap().to_owned(),
                        f["version"].as_u64().unwrap(),
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    let since = pirros_shared::timestamp::Timestamp::now();
    let data = rfa(6_000, None);
    let mut body = upload_body(&data, None);
    body["name"] = json!("Zebrawood pivot door");
    body["tag_ids"] = json!(["t-timber"]);
    let job = api.upload(A1, &t, &body, data).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    let new_id = job["result"]["family_id"].as_str().unwrap().to_owned();
    assert_eq!(search("q=zebrawood".into()).await, [(new_id.clone(), 1)]);
    assert!(
        search("tag_id=t-timber&limit=100".into())
            .await
            .contains(&(new_id.clone(), 1))
    );

    for (name, version) in [("Quokka hatch", 2), ("Wombat hatch", 3)] {
        let data = rfa(5_000, None);
        let mut body = upload_body(&data, Some("f1"));
        body["name"] = json!(name);
        let job = api.upload(A1, &t, &body, data).await;
        assert_eq!(job["result"]["version"], version, "{job}");
    }
    assert_eq!(search("q=quokka".into()).await, []);
    assert_eq!(search("q=wombat".into()).await, [("f1".to_owned(), 3)]);
    // Changed since `since`, oldest change first: the new family, then f1 at its latest.
    assert_eq!(
        search(format!("updated_since={since}")).await,
        [(new_id, 1), ("f1".to_owned(), 3)]
    );
}
