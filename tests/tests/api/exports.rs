//! Issue 16: stash exports over HTTP on both stores: one zip of every file the caller may
//! download, read back with the `zip` crate, and every item left out listed with why.

use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::model::{ItemIds, Stash, StashRecord};
use pirros_shared::store::Item;
use pirros_shared::timestamp::Timestamp;
use pirros_tests::uploads::fetch;
use pirros_tests::*;
use reqwest::Method;
use serde_json::{Value, json};
use std::io::{Cursor, Read};

pirros_tests::on_both_stores!(
    an_export_zips_every_file_the_caller_may_download,
    items_left_out_are_listed_with_why,
    exports_of_stashes_the_caller_cannot_read_are_refused,
);

fn export_path(ws: &str, stash: &str) -> String {
    format!("/v1/workspaces/{ws}/stashes/{stash}/exports")
}

/// Starts an export and waits for its job.
async fn export(api: &Api, token: &str, ws: &str, stash: &str) -> Value {
    let r = api
        .send(
            api.http
                .post(api.url(&export_path(ws, stash)))
                .bearer_auth(token),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    let job = &r.body["response"]["job"];
    assert_eq!(job["type"], "stash_export");
    assert_eq!(job["status"], "queued");
    let id = job["id"].as_str().unwrap();
    let done = api.wait_job(ws, token, id).await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(
        done.body["response"]["status"], "succeeded",
        "{}",
        done.text
    );
    done.body["response"].clone()
}

/// The zip a succeeded export points at: each entry's name and bytes, in order.
async fn entries(job: &Value) -> Vec<(String, Vec<u8>)> {
    let (status, bytes) = fetch(job["result"]["download_url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            (entry.name().to_owned(), data)
        })
        .collect()
}

fn fixture_file(name: &str) -> Vec<u8> {
    std::fs::read(fixture_path(&format!("files/{name}"))).unwrap()
}

async fn an_export_zips_every_file_the_caller_may_download(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let job = export(&api, &t, A1, "s1").await;
    let result = &job["result"];
    assert_eq!(
        result.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["download_url", "expires_at", "files", "bytes", "skipped"]
    );
    let pdf = fixture_file("detail-slab-edge.pdf");
    let rvt = fixture_file("detail-slab-edge.rvt");
    let rfa = fixture_file("family-door-single.rfa");
    assert_eq!(result["files"], 3);
    assert_eq!(result["bytes"], pdf.len() + rvt.len() + rfa.len());
    assert_eq!(result["skipped"], json!([]));
    let zip = entries(&job).await;
    let names: Vec<&str> = zip.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "manifest.json",
            "details/Concrete slab edge.pdf",
            "details/Concrete slab edge.rvt",
            "families/Door Single Flush.rfa",
        ]
    );
    assert!(zip[1].1 == pdf && zip[2].1 == rvt && zip[3].1 == rfa);
    let manifest: Value = serde_json::from_slice(&zip[0].1).unwrap();
    assert_eq!(manifest["stash"]["id"], "s1");
    assert_eq!(manifest["files"].as_array().unwrap().len(), 3);
    assert_eq!(
        manifest["files"][2],
        json!({"path": "families/Door Single Flush.rfa", "type": "family", "id": "f1",
               "format": "rfa"})
    );
    assert_eq!(manifest["skipped"], json!([]));
    // The URL is signed afresh on each read, and expires.
    let again = api
        .get(
            &format!("/v1/workspaces/{A1}/jobs/{}", job["id"].as_str().unwrap()),
            &t,
        )
        .await;
    assert_eq!(again.body["response"]["result"]["files"], 3);
    assert!(again.body["response"]["result"]["expires_at"].is_string());
}

/// A stash as an operator's import would write it: its items need not exist any more.
async fn put_stash(
    api: &Api,
    ws: &str,
    id: &str,
    creator: &str,
    details: &[&str],
    families: &[&str],
) {
    let ids = |v: &[&str]| v.iter().map(|s| ResourceId::parse(s).unwrap()).collect();
    let now = Timestamp::now();
    api.store()
        .put_items(&[Item::Stash(StashRecord {
            stash: Stash {
                id: ResourceId::parse(id).unwrap(),
                workspace_id: WorkspaceId::parse(ws).unwrap(),
                name: format!("stash {id}"),
                description: None,
                project_id: ResourceId::parse(PA).unwrap(),
                is_permanent: false,
                item_ids: ItemIds {
                    detail_ids: ids(details),
                    family_ids: ids(families),
                },
                created_by: creator.into(),
                created_at: now,
                updated_at: now,
            },
            version: 1,
        })])
        .await
        .unwrap();
}

fn skipped(job: &Value) -> Vec<(String, String, String)> {
    job["result"]["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["type"].as_str().unwrap().to_owned(),
                s["id"].as_str().unwrap().to_owned(),
                s["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn triple(t: &str, id: &str, reason: &str) -> (String, String, String) {
    (t.into(), id.into(), reason.into())
}

async fn items_left_out_are_listed_with_why(b: Backend) {
    let api = api(b).await;
    // Gone, without files, and another workspace's family, beside what is there.
    put_stash(
        &api,
        A1,
        "s-mixed",
        "full-a",
        &["d1", "d2", "ghost"],
        &["f1", "f2", "fb1"],
    )
    .await;
    let t = api.token("full-a").await;
    let job = export(&api, &t, A1, "s-mixed").await;
    assert_eq!(job["result"]["files"], 3);
    assert_eq!(
        skipped(&job),
        [
            triple("detail", "d2", "no_file"),
            triple("detail", "ghost", "not_found"),
            triple("family", "f2", "no_file"),
            triple("family", "fb1", "not_found"),
        ]
    );
    let zip = entries(&job).await;
    let manifest: Value = serde_json::from_slice(&zip[0].1).unwrap();
    assert_eq!(manifest["skipped"], job["result"]["skipped"]);
    assert_eq!(zip.len(), 4);

    // Readable but not downloadable: a credential with read grants only.
    put_stash(&api, A1, "s-mine", "stash-mine-a", &["d1"], &["f1"]).await;
    let mine = api.token("stash-mine-a").await;
    let job = export(&api, &mine, A1, "s-mine").await;
    assert_eq!(job["result"]["files"], 0);
    assert_eq!(job["result"]["bytes"], 0);
    assert_eq!(
        skipped(&job),
        [
            triple("detail", "d1", "not_downloadable"),
            triple("family", "f1", "not_downloadable"),
        ]
    );
    assert_eq!(
        entries(&job)
            .await
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>(),
        ["manifest.json"]
    );

    // A workspace with downloads turned off.
    put_stash(&api, A2, "s-a2", "full-a", &["da2"], &[]).await;
    let job = export(&api, &t, A2, "s-a2").await;
    assert_eq!(
        skipped(&job),
        [triple("detail", "da2", "downloads_disabled")]
    );
}

async fn exports_of_stashes_the_caller_cannot_read_are_refused(b: Backend) {
    let api = api(b).await;
    let mine = api.token("stash-mine-a").await;
    // Someone else's stash (the filter covers only the caller's own), another workspace's,
    // one that never existed, a malformed id: 404 alike.
    for (ws, stash) in [(A1, "s2"), (A1, "sb1"), (A1, "nope"), (A1, "a%23b")] {
        let r = api
            .write(
                Method::POST,
                &export_path(ws, stash),
                &mine,
                &json!({}),
                None,
            )
            .await;
        r.assert_error(404, "not_found");
    }
    // No read grant on stashes at all.
    let none = api.token("typical-a").await;
    let r = api
        .write(
            Method::POST,
            &export_path(A1, "s1"),
            &none,
            &json!({}),
            None,
        )
        .await;
    r.assert_error(403, "insufficient_scope");
    // The body is nothing or `{}`.
    let full = api.token("full-a").await;
    let r = api
        .write(
            Method::POST,
            &export_path(A1, "s1"),
            &full,
            &json!({"format": "zip"}),
            None,
        )
        .await;
    r.assert_error(400, "invalid_request");
    assert_eq!(r.body["error"]["details"]["field"], "format");
    // The same key answers the same job.
    let first = api
        .write(
            Method::POST,
            &export_path(A1, "s1"),
            &full,
            &json!({}),
            Some("exp-1"),
        )
        .await;
    assert_eq!(first.status, 202, "{}", first.text);
    let again = api
        .write(
            Method::POST,
            &export_path(A1, "s1"),
            &full,
            &json!({}),
            Some("exp-1"),
        )
        .await;
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(
        again.body["response"]["job"]["id"],
        first.body["response"]["job"]["id"]
    );
    // The export's job is its creator's alone.
    let id = first.body["response"]["job"]["id"].as_str().unwrap();
    let r = api
        .get(&format!("/v1/workspaces/{A1}/jobs/{id}"), &mine)
        .await;
    r.assert_error(404, "not_found");
}
