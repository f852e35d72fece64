//! Snapshots: everything a credential may read, in one gzip JSON-lines file whose objects
//! are exactly what the API's GETs answer, and the feed cursor that keeps a copy of it
//! exact.

use flate2::read::GzDecoder;
use pirros_tests::uploads::fetch;
use pirros_tests::*;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Read;

pirros_tests::on_both_stores!(
    a_snapshot_holds_what_the_api_answers_and_its_cursor_follows_on,
    a_filtered_credential_snapshots_only_what_it_reads,
    snapshot_requests_are_checked,
);

fn snapshots(ws: &str) -> String {
    format!("/v1/workspaces/{ws}/snapshots")
}

/// Starts a snapshot and waits for its job to succeed.
async fn snapshot(api: &Api, token: &str) -> Value {
    let r = api
        .send(api.http.post(api.url(&snapshots(A1))).bearer_auth(token))
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    let job = &r.body["response"]["job"];
    assert_eq!(job["type"], "snapshot");
    assert_eq!(job["status"], "queued");
    let done = api.wait_job(A1, token, job["id"].as_str().unwrap()).await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(
        done.body["response"]["status"], "succeeded",
        "{}",
        done.text
    );
    // Read again: the cursor is the same (aged from the job's end, not the read), and so is
    // the `ETag` unless the link was signed in another second.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let id = job["id"].as_str().unwrap();
    let tag = done.header("etag").expect("a job's ETag").to_owned();
    let again = api
        .send(
            api.http
                .get(api.url(&format!("/v1/workspaces/{A1}/jobs/{id}")))
                .bearer_auth(token)
                .header("If-None-Match", &tag),
        )
        .await;
    if again.status == 200 {
        let (first, second) = (&done.body["response"], &again.body["response"]);
        assert_eq!(
            first["result"]["events_cursor"], second["result"]["events_cursor"],
            "the cursor is the same at every read"
        );
        assert_ne!(
            first["result"]["download_url"], second["result"]["download_url"],
            "an unchanged answer is 304: {}",
            again.text
        );
    } else {
        assert_eq!(again.status, 304, "{}", again.text);
    }
    done.body["response"].clone()
}

/// The snapshot's lines, by type, each type's objects by id.
async fn lines(job: &Value) -> BTreeMap<String, BTreeMap<String, Value>> {
    let (status, bytes) = fetch(job["result"]["download_url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(job["result"]["bytes"], bytes.len());
    let mut text = String::new();
    GzDecoder::new(&bytes[..])
        .read_to_string(&mut text)
        .expect("gzip");
    let mut out: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).expect("one JSON object per line");
        assert_eq!(v.as_object().unwrap().len(), 2, "{line}");
        let id = v["object"]["id"].as_str().unwrap().to_owned();
        let kind = v["type"].as_str().unwrap().to_owned();
        let dup = out.entry(kind).or_default().insert(id, v["object"].clone());
        assert!(dup.is_none(), "a resource twice: {line}");
    }
    out
}

/// What a list of the API answers, by id (every page).
async fn listed(api: &Api, token: &str, path: &str) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    let mut cursor = String::new();
    loop {
        // The tags list is one page and takes no `limit`.
        let page = match path.ends_with("/tags") {
            true => String::new(),
            false => format!("?limit=100{cursor}"),
        };
        let r = api.get(&format!("{path}{page}"), token).await;
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

async fn a_snapshot_holds_what_the_api_answers_and_its_cursor_follows_on(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let flagger = api.token("flagger-a").await;
    let r = api
        .write(
            Method::POST,
            &format!("/v1/workspaces/{A1}/details/d1/flags"),
            &flagger,
            &json!({"reason": "outdated"}),
            None,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let job = snapshot(&api, &t).await;
    let result = &job["result"];
    let mut keys: Vec<&String> = result.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "bytes",
            "counts",
            "download_url",
            "events_cursor",
            "expires_at"
        ]
    );
    let got = lines(&job).await;
    let ws = format!("/v1/workspaces/{A1}");
    // Each object is the GET's answer without `expanded`.
    let detail_ids: Vec<String> = got["detail"].keys().cloned().collect();
    for id in &detail_ids {
        let mut one = api.get(&format!("{ws}/details/{id}"), &t).await.body["response"].clone();
        one.as_object_mut().unwrap().remove("expanded");
        assert_eq!(got["detail"][id], one, "detail {id}");
    }
    assert_eq!(got["detail"]["d1"]["open_flags"], 1);
    for id in got["family"].keys() {
        let mut one = api.get(&format!("{ws}/families/{id}"), &t).await.body["response"].clone();
        one.as_object_mut().unwrap().remove("expanded");
        assert_eq!(got["family"][id], one, "family {id}");
    }
    assert_eq!(
        got["stash"],
        listed(&api, &t, &format!("{ws}/stashes")).await
    );
    assert_eq!(got["tag"], listed(&api, &t, &format!("{ws}/tags")).await);
    assert_eq!(
        got["project"],
        listed(&api, &t, &format!("{ws}/projects")).await
    );
    assert_eq!(
        detail_ids.iter().collect::<Vec<_>>(),
        listed(&api, &t, &format!("{ws}/details"))
            .await
            .keys()
            .collect::<Vec<_>>()
    );
    let counts = &result["counts"];
    for (kind, n) in [
        ("tag", "tags"),
        ("project", "projects"),
        ("detail", "details"),
        ("family", "families"),
        ("stash", "stashes"),
    ] {
        assert_eq!(counts[n], got[kind].len(), "{n}");
    }
    // What happens after it is in the feed after its cursor, and nothing before.
    let cursor = result["events_cursor"].as_str().unwrap();
    let r = api
        .write(
            Method::POST,
            &format!("{ws}/stashes"),
            &t,
            &json!({"name": "after", "project_id": PA, "is_permanent": false,
                    "item_ids": {"detail_ids": [], "family_ids": []}}),
            None,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let made = r.body["response"]["id"].clone();
    let feed = api.get(&format!("{ws}/events?after={cursor}"), &t).await;
    assert_eq!(feed.status, 200, "{}", feed.text);
    let types: Vec<(&Value, &Value)> = feed.body["response"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (&e["type"], &e["object"]["id"]))
        .collect();
    assert_eq!(
        types,
        [
            (&json!("job.succeeded"), &job["id"]),
            (&json!("stash.created"), &made)
        ]
    );
}

async fn a_filtered_credential_snapshots_only_what_it_reads(b: Backend) {
    let api = api(b).await;
    let t = api.token("concrete-a").await;
    let job = snapshot(&api, &t).await;
    let got = lines(&job).await;
    let details: Vec<&String> = got["detail"].keys().collect();
    assert_eq!(details, ["d1", "d3", "d4", "d5"]);
    assert!(!got.contains_key("family"));
    assert!(!got.contains_key("stash"));
    assert_eq!(
        got["tag"].len(),
        3,
        "every tag of the workspace: {:?}",
        got["tag"]
    );
    assert_eq!(job["result"]["counts"]["families"], 0);
}

async fn snapshot_requests_are_checked(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let r = api
        .write(
            Method::POST,
            &snapshots(A1),
            &t,
            &json!({"tags": true}),
            None,
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(r.body["error"]["code"], "invalid_request");
    let r = api
        .write(Method::POST, &snapshots(A1), &t, &json!({}), Some("snap-1"))
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    let again = api
        .write(Method::POST, &snapshots(A1), &t, &json!({}), Some("snap-1"))
        .await;
    assert_eq!(again.status, 202);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(
        again.body["response"]["job"]["id"],
        r.body["response"]["job"]["id"]
    );
    // No body is the same request as `{}`: its retry with the key is a replay, not a 409.
    let bare = api
        .send(
            api.http
                .post(api.url(&snapshots(A1)))
                .bearer_auth(&t)
                .header("idempotency-key", "snap-1"),
        )
        .await;
    assert_eq!(bare.status, 202, "{}", bare.text);
    assert_eq!(bare.header("idempotent-replayed"), Some("true"));
    assert_eq!(
        bare.body["response"]["job"]["id"],
        r.body["response"]["job"]["id"]
    );
    let none = api.token("nogrants-a").await;
    let r = api
        .send(api.http.post(api.url(&snapshots(A1))).bearer_auth(&none))
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(r.body["error"]["code"], "insufficient_scope");
    assert_eq!(r.body["error"]["details"]["entity_type"], "snapshot");
    let r = api.get(&snapshots(A1), &t).await;
    assert_eq!(r.status, 405, "{}", r.text);
}
