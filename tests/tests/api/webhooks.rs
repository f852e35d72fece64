//! Webhook endpoints over HTTP, and their deliveries to a real receiver on this machine,
//! each verified with the reference Standard Webhooks library (Python `standardwebhooks`).

use pirros_shared::model::CredentialStatus;
use pirros_tests::receiver::Receiver;
use pirros_tests::*;
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;

pirros_tests::on_both_stores!(
    endpoints_belong_to_their_credential,
    bad_endpoints_are_refused_with_their_fields,
    private_addresses_are_refused_unless_allowed,
    changes_are_delivered_signed_as_the_feed_shows_them,
    failures_are_retried_with_one_id_then_given_up,
    an_endpoint_that_answers_410_is_disabled,
    an_endpoint_failing_for_five_days_is_disabled,
    a_test_event_reaches_the_endpoint,
    a_rolled_secret_signs_beside_the_new_one_until_it_ends,
    replays_send_the_events_again_with_their_ids,
    access_is_checked_when_each_delivery_is_sent,
    a_create_retried_with_its_key_makes_one_endpoint,
    a_roll_retried_with_its_key_rolls_once,
    a_test_or_replay_retried_with_its_key_sends_once,
    a_burst_of_creates_stops_at_the_cap,
);

fn endpoints() -> String {
    format!("/v1/workspaces/{A1}/webhook-endpoints")
}

/// A server that may deliver to this machine, retrying after `schedule`.
async fn local_api(b: Backend, schedule: &str) -> Api {
    Setup::new(b)
        .env("WEBHOOK_ALLOW_PRIVATE_URLS", "true")
        .env("WEBHOOK_RETRY_SCHEDULE", schedule)
        .start()
        .await
}

/// Creates an endpoint; its answer.
async fn create(api: &Api, token: &str, url: &str, types: Value) -> Value {
    let r = api
        .write(
            Method::POST,
            &endpoints(),
            token,
            &json!({"url": url, "event_types": types, "description": "test"}),
            None,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["response"].clone()
}

async fn stash(api: &Api, token: &str, name: &str) -> String {
    let r = api
        .write(
            Method::POST,
            &format!("/v1/workspaces/{A1}/stashes"),
            token,
            &json!({
                "name": name,
                "project_id": PA,
                "is_permanent": false,
                "item_ids": {"detail_ids": ["d1"], "family_ids": []},
            }),
            None,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["response"]["id"].as_str().unwrap().to_owned()
}

async fn deliveries(api: &Api, token: &str, endpoint: &str, query: &str) -> Vec<Value> {
    let r = api
        .get(
            &format!("{}/{endpoint}/deliveries{query}", endpoints()),
            token,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["response"]["data"].as_array().unwrap().clone()
}

/// Waits until the endpoint's deliveries satisfy `done`.
async fn settled(
    api: &Api,
    token: &str,
    endpoint: &str,
    done: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    for _ in 0..200 {
        let d = deliveries(api, token, endpoint, "").await;
        if done(&d) {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "deliveries never settled: {:?}",
        deliveries(api, token, endpoint, "").await
    );
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

async fn endpoints_belong_to_their_credential(b: Backend) {
    let api = api(b).await;
    let a = api.token("full-a").await;
    let other = api.token("readonly-a").await;
    let first = create(&api, &a, "https://1.1.1.1/one", json!(["stash.*"])).await;
    let secret = first["secret"].as_str().unwrap();
    let key = secret.strip_prefix("whsec_").expect("whsec_ prefix");
    let bytes = base64_decode(key);
    assert!((24..=64).contains(&bytes.len()), "{} bytes", bytes.len());
    assert_eq!(first["status"], "enabled");
    assert_eq!(first["disabled_reason"], Value::Null);
    assert_eq!(first["event_types"], json!(["stash.*"]));
    assert_eq!(first["description"], "test");
    assert_eq!(first["expanded"], json!({}));
    let second = create(&api, &a, "https://1.1.1.1/two", json!(["*"])).await;
    assert_ne!(first["secret"], second["secret"]);

    let one = format!("{}/{}", endpoints(), id_of(&first));
    let r = api.get(&one, &a).await;
    assert_eq!(r.status, 200);
    assert!(r.body["response"].get("secret").is_none(), "shown once");
    assert_eq!(r.body["response"]["url"], "https://1.1.1.1/one");
    let etag = r.headers["etag"].to_str().unwrap().to_owned();

    let list = api.get(&endpoints(), &a).await;
    let ids: Vec<String> = list.body["response"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(id_of)
        .collect();
    assert_eq!(ids, [id_of(&second), id_of(&first)], "newest first");
    assert_eq!(list.body["response"]["next_cursor"], Value::Null);
    assert!(
        list.body["response"]["data"][0].get("secret").is_none(),
        "lists never show secrets"
    );

    // Another credential neither sees nor touches it.
    let theirs = api.get(&endpoints(), &other).await;
    assert_eq!(theirs.body["response"]["data"], json!([]));
    assert_eq!(api.get(&one, &other).await.status, 404);
    let patch = json!({"description": "mine now"});
    let r = api.write(Method::PATCH, &one, &other, &patch, None).await;
    assert_eq!(r.status, 404);
    assert_eq!(api.call(Method::DELETE, &one, &other).await.status, 404);

    // Changed, with and without a precondition.
    let r = patch_if_match(
        &api,
        &one,
        &a,
        &etag,
        json!({"description": null, "event_types": ["detail.updated"], "status": "disabled"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["response"]["description"], Value::Null);
    assert_eq!(r.body["response"]["event_types"], json!(["detail.updated"]));
    assert_eq!(r.body["response"]["status"], "disabled");
    assert_eq!(r.body["response"]["disabled_reason"], Value::Null);
    let stale = patch_if_match(&api, &one, &a, &etag, json!({"status": "enabled"})).await;
    assert_eq!(stale.status, 409);
    assert_eq!(stale.body["error"]["code"], "stale_precondition");

    assert_eq!(api.call(Method::DELETE, &one, &a).await.status, 204);
    assert_eq!(api.get(&one, &a).await.status, 404);
    assert_eq!(api.call(Method::DELETE, &one, &a).await.status, 404);

    // A credential holds at most 16 here.
    for i in 0..15 {
        create(&api, &a, &format!("https://1.1.1.1/{i}"), json!(["*"])).await;
    }
    let r = api
        .write(
            Method::POST,
            &endpoints(),
            &a,
            &json!({"url": "https://1.1.1.1/x", "event_types": ["*"]}),
            None,
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert_eq!(r.body["error"]["code"], "limit_exceeded");
}

/// 24 creates side by side: exactly 16 endpoints are made, whichever requests make them.
/// Each of the others is told the limit (or, having lost every try to other creates, 503
/// with `Retry-After: 1`); none makes a 17th.
async fn a_burst_of_creates_stops_at_the_cap(b: Backend) {
    let api = api(b).await;
    let t = api.token("typical-a").await;
    let answers = futures::future::join_all((0..24).map(|i| {
        let body = json!({"url": format!("https://1.1.1.1/burst/{i}"), "event_types": ["*"]});
        let (api, t) = (&api, &t);
        async move { api.write(Method::POST, &endpoints(), t, &body, None).await }
    }))
    .await;
    let mut made = 0;
    for r in &answers {
        match r.status.as_u16() {
            201 => made += 1,
            409 => assert_eq!(r.body["error"]["code"], "limit_exceeded", "{}", r.text),
            503 => assert_eq!(r.header("retry-after"), Some("1"), "{}", r.text),
            other => panic!("{other}: {}", r.text),
        }
    }
    assert!(made <= 16, "{made} endpoints made past the cap of 16");
    let listed = api.get(&endpoints(), &t).await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    let listed = listed.body["response"]["data"].as_array().unwrap().len();
    assert_eq!(listed, made, "what was answered 201 is what is there");
    assert_eq!(listed, 16, "the cap is reached, not passed");
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .expect("standard base64")
}

async fn bad_endpoints_are_refused_with_their_fields(b: Backend) {
    let api = api(b).await;
    let a = api.token("full-a").await;
    let bad = [
        (
            json!({"url": "https://1.1.1.1/h", "event_types": ["stash.nope"]}),
            "event_types",
        ),
        (
            json!({"url": "https://1.1.1.1/h", "event_types": []}),
            "event_types",
        ),
        (
            json!({"url": "https://1.1.1.1/h", "event_types": ["*"], "description": "x".repeat(1025)}),
            "description",
        ),
        (json!({"url": "", "event_types": ["*"]}), "url"),
        (json!({"url": "not a url", "event_types": ["*"]}), "url"),
        (
            json!({"url": "ftp://example.com/h", "event_types": ["*"]}),
            "url",
        ),
        (
            json!({"url": "https://user:pw@example.com/h", "event_types": ["*"]}),
            "url",
        ),
        // Port 0: nothing listens there.
        (
            json!({"url": "https://1.1.1.1:0/h", "event_types": ["*"]}),
            "url",
        ),
        // Hosts the URL standard takes and DNS does not (the schema's pattern refuses them).
        (json!({"url": "https://A*", "event_types": ["*"]}), "url"),
        (
            json!({"url": "https://a_b.example.com/h", "event_types": ["*"]}),
            "url",
        ),
        // Characters a URL reader would drop or encode: the endpoint would show one URL and
        // be sent to another.
        (
            json!({"url": "https://1.1.1.1/a\r\nX-Injected: 1", "event_types": ["*"]}),
            "url",
        ),
        (
            json!({"url": "https://1.1.1.1/a b", "event_types": ["*"]}),
            "url",
        ),
        (
            json!({"url": "https://1.1.1.1/a\u{0}b", "event_types": ["*"]}),
            "url",
        ),
        (
            json!({"url": "https://1.1.1.1/caf\u{e9}", "event_types": ["*"]}),
            "url",
        ),
    ];
    for (body, field) in bad {
        let r = api.write(Method::POST, &endpoints(), &a, &body, None).await;
        assert_eq!(r.status, 400, "{body}: {}", r.text);
        assert_eq!(r.body["error"]["code"], "invalid_request", "{body}");
        assert_eq!(
            r.body["error"]["details"]["field"], field,
            "{body}: {}",
            r.text
        );
    }
    for body in [
        json!({"event_types": ["*"]}),
        json!({"url": "https://1.1.1.1/h", "event_types": ["*"], "extra": 1}),
        json!([1]),
    ] {
        let r = api.write(Method::POST, &endpoints(), &a, &body, None).await;
        assert_eq!(r.status, 400, "{body}: {}", r.text);
        assert_eq!(r.body["error"]["code"], "invalid_request");
    }
    let made = create(&api, &a, "https://1.1.1.1/h", json!(["*"])).await;
    let one = format!("{}/{}", endpoints(), id_of(&made));
    let r = api
        .write(
            Method::POST,
            &format!("{one}/secret/roll"),
            &a,
            &json!({"old_secret_valid_for": 86401}),
            None,
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["error"]["details"]["field"], "old_secret_valid_for");
    for body in [
        json!({}),
        json!({"after": "x", "event_ids": ["e"]}),
        json!({"event_ids": []}),
    ] {
        let r = api
            .write(Method::POST, &format!("{one}/replay"), &a, &body, None)
            .await;
        assert_eq!(r.status, 400, "{body}: {}", r.text);
    }
    let r = api
        .write(
            Method::POST,
            &format!("{one}/replay"),
            &a,
            &json!({"after": "forged.cursor"}),
            None,
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["error"]["details"]["field"], "after");
    let r = api.get(&format!("{one}/deliveries?status=lost"), &a).await;
    assert_eq!(r.status, 400);
    let r = api.get(&format!("{one}/deliveries?limit=0"), &a).await;
    assert_eq!(r.status, 400);
    let r = api
        .write(Method::PATCH, &one, &a, &json!({"status": "paused"}), None)
        .await;
    assert_eq!(r.status, 400);
    // A credential without a read grant here may hold no endpoint here.
    let none = api.token("nogrants-a").await;
    let body = json!({"url": "https://1.1.1.1/h", "event_types": ["*"]});
    let r = api
        .write(Method::POST, &endpoints(), &none, &body, None)
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(r.body["error"]["code"], "insufficient_scope");
    // Unknown endpoints.
    let missing = format!("{}/00000000-0000-7000-8000-000000000000", endpoints());
    assert_eq!(api.get(&missing, &a).await.status, 404);
    let r = api
        .write(
            Method::POST,
            &format!("{missing}/test"),
            &a,
            &json!({}),
            None,
        )
        .await;
    assert_eq!(r.status, 404);
}

async fn private_addresses_are_refused_unless_allowed(b: Backend) {
    let api = api(b).await;
    let a = api.token("full-a").await;
    for url in [
        "http://example.com/h",
        "https://127.0.0.1/h",
        "https://localhost/h",
        "https://10.1.2.3/h",
        "https://192.168.0.1/h",
        "https://172.16.5.5/h",
        "https://100.64.0.1/h",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/h",
        "https://[fd00::1]/h",
        "https://[fe80::1]/h",
        "https://[::ffff:127.0.0.1]/h",
        "https://0.0.0.0/h",
        "https://224.0.0.1/h",
        "https://[::]/h",
    ] {
        let body = json!({"url": url, "event_types": ["*"]});
        let r = api.write(Method::POST, &endpoints(), &a, &body, None).await;
        assert_eq!(r.status, 400, "{url}: {}", r.text);
        assert_eq!(r.body["error"]["details"]["field"], "url", "{url}");
    }
    // A name that resolves to nothing now is taken: it leads nowhere inside, and each send
    // resolves it again.
    let later = json!({"url": "https://no-such-host.invalid/h", "event_types": ["*"]});
    let r = api
        .write(Method::POST, &endpoints(), &a, &later, None)
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    // Also when an endpoint is changed to one.
    let made = create(&api, &a, "https://1.1.1.1/h", json!(["*"])).await;
    let one = format!("{}/{}", endpoints(), id_of(&made));
    let r = api
        .write(
            Method::PATCH,
            &one,
            &a,
            &json!({"url": "https://127.0.0.1:8443/x"}),
            None,
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["error"]["details"]["field"], "url");
    // With private URLs allowed (local runs), the same is taken.
    let local = local_api(b, "1").await;
    let a = local.token("full-a").await;
    create(&local, &a, "http://127.0.0.1:9/h", json!(["*"])).await;
}

async fn changes_are_delivered_signed_as_the_feed_shows_them(b: Backend) {
    let api = local_api(b, "1").await;
    let rx = Receiver::start().await;
    let a = api.token("full-a").await;
    let made = create(&api, &a, &rx.url, json!(["stash.*"])).await;
    let secret = made["secret"].as_str().unwrap().to_owned();
    let id = stash(&api, &a, "delivered").await;
    let path = format!("/v1/workspaces/{A1}/stashes/{id}");
    let r = api
        .write(Method::PATCH, &path, &a, &json!({"name": "renamed"}), None)
        .await;
    assert_eq!(r.status, 200);
    let got = rx.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 2, "both changes delivered within 10 s");
    // As the feed shows them: the same ids, types and bodies.
    let feed = api
        .get(&format!("/v1/workspaces/{A1}/events?types=stash.*"), &a)
        .await;
    let events = feed.body["response"]["data"].as_array().unwrap().clone();
    // Deliveries run side by side: they come in any order (each carries its `sequence`).
    let mut got = got;
    got.sort_by_key(|r| r.json()["sequence"].as_u64());
    let bodies: Vec<Value> = got.iter().map(|r| r.json()).collect();
    assert_eq!(bodies, events);
    for (r, e) in got.iter().zip(&events) {
        assert_eq!(r.header("webhook-id"), e["id"].as_str());
        assert_eq!(r.header("content-type"), Some("application/json"));
        let ts: i64 = r.header("webhook-timestamp").unwrap().parse().unwrap();
        assert!((ts - time::OffsetDateTime::now_utc().unix_timestamp()).abs() < 60);
        assert!(r.header("webhook-signature").unwrap().starts_with("v1,"));
    }
    let verified = rx.verify(&[&secret]);
    assert!(verified.iter().all(|v| v["ok"] == true), "{verified:?}");
    let mut types: Vec<&str> = verified
        .iter()
        .map(|v| v["type"].as_str().unwrap())
        .collect();
    types.sort();
    assert_eq!(types, ["stash.created", "stash.updated"]);
    // Another secret verifies none.
    let other = create(&api, &a, "https://1.1.1.1/o", json!(["*"])).await;
    let wrong = rx.verify(&[other["secret"].as_str().unwrap()]);
    assert!(wrong.iter().all(|v| v["ok"] == false), "{wrong:?}");
    // The log: newest first, succeeded at the first attempt.
    let log = settled(&api, &a, made["id"].as_str().unwrap(), |d| {
        d.len() == 2 && d.iter().all(|x| x["status"] == "succeeded")
    })
    .await;
    // Newest first: made in the order of the events.
    assert_eq!(log[0]["event_type"], "stash.updated");
    assert_eq!(log[1]["event_type"], "stash.created");
    for d in &log {
        assert_eq!(d["attempts"], 1);
        assert_eq!(d["response_status"], 200);
        assert_eq!(d["error"], Value::Null);
        assert_eq!(d["next_attempt_at"], Value::Null);
        assert!(d["last_attempt_at"].is_string());
    }
    let succeeded = deliveries(&api, &a, made["id"].as_str().unwrap(), "?status=succeeded").await;
    assert_eq!(succeeded.len(), 2);
    let failed = deliveries(&api, &a, made["id"].as_str().unwrap(), "?status=failed").await;
    assert!(failed.is_empty());
    // Paged by cursor.
    let one = api
        .get(
            &format!(
                "{}/{}/deliveries?limit=1",
                endpoints(),
                made["id"].as_str().unwrap()
            ),
            &a,
        )
        .await;
    let next = one.body["response"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let two = api
        .get(
            &format!(
                "{}/{}/deliveries?limit=1&cursor={next}",
                endpoints(),
                made["id"].as_str().unwrap()
            ),
            &a,
        )
        .await;
    assert_eq!(two.body["response"]["data"][0]["id"], log[1]["id"]);
    // A type it does not take makes no delivery.
    assert_eq!(rx.received().len(), 2);
}

async fn failures_are_retried_with_one_id_then_given_up(b: Backend) {
    let api = local_api(b, "1,1").await;
    let rx = Receiver::start().await;
    rx.answer(&[500, 503]);
    let a = api.token("full-a").await;
    let made = create(&api, &a, &rx.url, json!(["stash.created"])).await;
    let endpoint = made["id"].as_str().unwrap().to_owned();
    stash(&api, &a, "retried").await;
    let log = settled(&api, &a, &endpoint, |d| {
        d.first().is_some_and(|x| x["status"] == "succeeded")
    })
    .await;
    assert_eq!(log[0]["attempts"], 3);
    let got = rx.received();
    assert_eq!(got.len(), 3);
    let ids: Vec<_> = got
        .iter()
        .map(|r| r.header("webhook-id").unwrap())
        .collect();
    assert!(
        ids.iter().all(|i| *i == ids[0]),
        "one id on every attempt: {ids:?}"
    );
    assert!(
        rx.verify(&[made["secret"].as_str().unwrap()])
            .iter()
            .all(|v| v["ok"] == true)
    );

    // Failing on every attempt: after the schedule, failed, with what went wrong.
    rx.then_answer(500);
    stash(&api, &a, "lost").await;
    let log = settled(&api, &a, &endpoint, |d| {
        d.first().is_some_and(|x| x["status"] == "failed")
    })
    .await;
    assert_eq!(log[0]["attempts"], 3);
    assert_eq!(log[0]["response_status"], 500);
    assert!(log[0]["error"].is_string());
    assert_eq!(log[0]["next_attempt_at"], Value::Null);
    // Still enabled: one failed delivery is not 5 days of them.
    let r = api.get(&format!("{}/{endpoint}", endpoints()), &a).await;
    assert_eq!(r.body["response"]["status"], "enabled");
}

async fn an_endpoint_that_answers_410_is_disabled(b: Backend) {
    let api = local_api(b, "1").await;
    let rx = Receiver::start().await;
    rx.then_answer(410);
    let a = api.token("full-a").await;
    let made = create(&api, &a, &rx.url, json!(["stash.*"])).await;
    let endpoint = made["id"].as_str().unwrap().to_owned();
    stash(&api, &a, "gone").await;
    let log = settled(&api, &a, &endpoint, |d| {
        d.first().is_some_and(|x| x["status"] == "failed")
    })
    .await;
    assert_eq!(log[0]["attempts"], 1, "410 is not retried");
    assert_eq!(log[0]["response_status"], 410);
    let r = api.get(&format!("{}/{endpoint}", endpoints()), &a).await;
    assert_eq!(r.body["response"]["status"], "disabled");
    assert_eq!(r.body["response"]["disabled_reason"], "gone");
    // A disabled endpoint receives nothing more, until its owner enables it again.
    stash(&api, &a, "after").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(rx.received().len(), 1);
    rx.then_answer(200);
    let one = format!("{}/{endpoint}", endpoints());
    let r = api
        .write(Method::PATCH, &one, &a, &json!({"status": "enabled"}), None)
        .await;
    assert_eq!(r.body["response"]["status"], "enabled");
    assert_eq!(r.body["response"]["disabled_reason"], Value::Null);
    stash(&api, &a, "back").await;
    let got = rx.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 2);
}

async fn a_test_event_reaches_the_endpoint(b: Backend) {
    let api = local_api(b, "1").await;
    let rx = Receiver::start().await;
    let a = api.token("full-a").await;
    let made = create(&api, &a, &rx.url, json!(["stash.created"])).await;
    let endpoint = made["id"].as_str().unwrap().to_owned();
    let r = api
        .send(
            api.http
                .post(api.url(&format!("{}/{endpoint}/test", endpoints())))
                .bearer_auth(&a),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    let delivery = r.body["response"]["delivery_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let got = rx.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 1);
    let body = got[0].json();
    assert_eq!(body["type"], "webhook.test");
    assert_eq!(
        body["object"],
        json!({"type": "webhook_endpoint", "id": endpoint})
    );
    assert_eq!(body["workspace_id"], A1);
    assert_eq!(got[0].header("webhook-id"), body["id"].as_str());
    assert!(rx.verify(&[made["secret"].as_str().unwrap()])[0]["ok"] == true);
    let log = settled(&api, &a, &endpoint, |d| {
        d.first().is_some_and(|x| x["status"] == "succeeded")
    })
    .await;
    assert_eq!(log[0]["id"], delivery);
    assert_eq!(log[0]["event_type"], "webhook.test");
    // The test event is not in the feed.
    let feed = api.get(&format!("/v1/workspaces/{A1}/events"), &a).await;
    assert!(
        feed.body["response"]["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["type"] != "webhook.test")
    );
}

async fn a_rolled_secret_signs_beside_the_new_one_until_it_ends(b: Backend) {
    let api = local_api(b, "1").await;
    let rx = Receiver::start().await;
    let a = api.token("full-a").await;
    let made = create(&api, &a, &rx.url, json!(["stash.created"])).await;
    let endpoint = made["id"].as_str().unwrap().to_owned();
    let old = made["secret"].as_str().unwrap().to_owned();
    let roll = format!("{}/{endpoint}/secret/roll", endpoints());
    let new = rolled(&api, &roll, &a, json!({})).await;
    assert_ne!(new, old);
    stash(&api, &a, "overlap").await;
    let got = rx.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(signatures(&got[0]), 2);
    assert_eq!(
        rx.verify(&[&old])[0]["ok"],
        true,
        "the old secret still verifies"
    );
    assert_eq!(rx.verify(&[&new])[0]["ok"], true, "the new one too");
    // Rolled again: the first secret keeps the day its roll gave it, beside both new ones.
    let second = rolled(&api, &roll, &a, json!({})).await;
    stash(&api, &a, "two overlaps").await;
    let got = rx.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(signatures(&got[1]), 3);
    for (what, secret) in [("first", &old), ("second", &new), ("third", &second)] {
        assert_eq!(rx.verify(&[secret])[1]["ok"], true, "the {what} secret");
    }
    // Rolled again with no overlap: only the newest signs.
    let newest = rolled(&api, &roll, &a, json!({"old_secret_valid_for": 0})).await;
    stash(&api, &a, "after").await;
    let got = rx.wait_for(3, Duration::from_secs(10)).await;
    assert_eq!(signatures(&got[2]), 1);
    let v = rx.verify(&[&newest]);
    assert_eq!(v[2]["ok"], true);
    for earlier in [&old, &new, &second] {
        assert_eq!(rx.verify(&[earlier])[2]["ok"], false);
    }
    // A roll with no body at all takes the default overlap.
    let r = api
        .send(api.http.post(api.url(&roll)).bearer_auth(&a))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

/// `PATCH path` with `body` under `If-Match: etag`.
async fn patch_if_match(api: &Api, path: &str, token: &str, etag: &str, body: Value) -> Reply {
    api.send(
        api.http
            .patch(api.url(path))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .header("if-match", etag)
            .body(body.to_string()),
    )
    .await
}

/// How many signatures a delivery carries (one per secret that signs).
fn signatures(r: &pirros_tests::receiver::Received) -> usize {
    r.header("webhook-signature").unwrap().split(' ').count()
}

/// Rolls the secret at `roll` with `body`: the new secret.
async fn rolled(api: &Api, roll: &str, token: &str, body: Value) -> String {
    let r = api.write(Method::POST, roll, token, &body, None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["response"]["secret"].as_str().unwrap().to_owned()
}

async fn replays_send_the_events_again_with_their_ids(b: Backend) {
    let api = local_api(b, "1").await;
    let rx = Receiver::start().await;
    let a = api.token("full-a").await;
    let start = api
        .get(&format!("/v1/workspaces/{A1}/events?limit=100"), &a)
        .await;
    let mut cursor = start.body["response"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    while api
        .get(
            &format!("/v1/workspaces/{A1}/events?after={cursor}&limit=100"),
            &a,
        )
        .await
        .body["response"]["has_more"]
        == true
    {
        let r = api
            .get(
                &format!("/v1/workspaces/{A1}/events?after={cursor}&limit=100"),
                &a,
            )
            .await;
        cursor = r.body["response"]["next_cursor"]
            .as_str()
            .unwrap()
            .to_owned();
    }
    let made = create(&api, &a, &rx.url, json!(["stash.created"])).await;
    let endpoint = made["id"].as_str().unwrap().to_owned();
    stash(&api, &a, "one").await;
    stash(&api, &a, "two").await;
    let first = rx.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(first.len(), 2);
    let replay = format!("{}/{endpoint}/replay", endpoints());
    let r = api
        .write(Method::POST, &replay, &a, &json!({"after": cursor}), None)
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(r.body["response"]["deliveries"], 2);
    let all = rx.wait_for(4, Duration::from_secs(10)).await;
    assert_eq!(all.len(), 4);
    let ids = |rs: &[pirros_tests::receiver::Received]| {
        let mut v: Vec<String> = rs
            .iter()
            .map(|r| r.header("webhook-id").unwrap().to_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(ids(&all[..2]), ids(&all[2..]), "the same ids again");
    let one_id = all[0].header("webhook-id").unwrap().to_owned();
    let r = api
        .write(
            Method::POST,
            &replay,
            &a,
            &json!({"event_ids": [one_id, "not-an-event"]}),
            None,
        )
        .await;
    assert_eq!(r.status, 202);
    assert_eq!(r.body["response"]["deliveries"], 1);
    let again = rx.wait_for(5, Duration::from_secs(10)).await;
    assert_eq!(again[4].header("webhook-id"), Some(one_id.as_str()));
    assert!(
        rx.verify(&[made["secret"].as_str().unwrap()])
            .iter()
            .all(|v| v["ok"] == true)
    );
}

/// `test` and `replay` retried with their `Idempotency-Key` answer the first answer
/// (`Idempotent-Replayed`) and send nothing more; the key with another body is 409.
async fn a_test_or_replay_retried_with_its_key_sends_once(b: Backend) {
    let api = local_api(b, "1").await;
    let rx = Receiver::start().await;
    let a = api.token("full-a").await;
    let made = create(&api, &a, &rx.url, json!(["stash.created"])).await;
    let endpoint = made["id"].as_str().unwrap().to_owned();
    let test = format!("{}/{endpoint}/test", endpoints());
    let first = api
        .write(Method::POST, &test, &a, &json!({}), Some("test-once"))
        .await;
    assert_eq!(first.status, 202, "{}", first.text);
    assert_eq!(first.header("idempotent-replayed"), None);
    let again = api
        .write(Method::POST, &test, &a, &json!({}), Some("test-once"))
        .await;
    assert_eq!(again.status, 202, "{}", again.text);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.text, first.text, "the first answer, byte for byte");
    api.write(
        Method::POST,
        &test,
        &a,
        &json!({"unexpected": 1}),
        Some("test-once"),
    )
    .await
    .assert_error(400, "invalid_request");
    let replay = format!("{}/{endpoint}/replay", endpoints());
    api.write(
        Method::POST,
        &replay,
        &a,
        &json!({"event_ids": ["e"]}),
        Some("test-once"),
    )
    .await
    .assert_error(409, "IDEMPOTENCY_CONFLICT");
    let got = rx.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 1);
    let test_id = got[0].header("webhook-id").unwrap().to_owned();

    stash(&api, &a, "replayed once").await;
    let got = rx.wait_for(2, Duration::from_secs(10)).await;
    let event_id = got[1].header("webhook-id").unwrap().to_owned();
    let body = json!({"event_ids": [event_id]});
    for n in 0..2 {
        let r = api
            .write(Method::POST, &replay, &a, &body, Some("replay-once"))
            .await;
        assert_eq!(r.status, 202, "{}", r.text);
        assert_eq!(r.body["response"]["deliveries"], 1);
        assert_eq!(
            r.header("idempotent-replayed"),
            (n == 1).then_some("true"),
            "{n}"
        );
    }
    // Given time for any second copy to arrive: one test, one event, one replay of it.
    let all = rx.wait_for(4, Duration::from_secs(3)).await;
    let ids: Vec<&str> = all
        .iter()
        .map(|r| r.header("webhook-id").unwrap())
        .collect();
    assert_eq!(ids, [test_id.as_str(), &event_id, &event_id], "{ids:?}");
}

async fn access_is_checked_when_each_delivery_is_sent(b: Backend) {
    let api = local_api(b, "1").await;
    let rx = Receiver::start().await;
    rx.answer(&[500]);
    let a = api.token("full-a").await;
    let made = create(&api, &a, &rx.url, json!(["stash.*"])).await;
    let endpoint = made["id"].as_str().unwrap().to_owned();
    stash(&api, &a, "seen, then not").await;
    assert_eq!(rx.wait_for(1, Duration::from_secs(10)).await.len(), 1);
    // Revoked before the retry: the retry sends nothing, and says why.
    let store = api.store();
    let client = pirros_shared::ids::ClientId::parse("full-a").unwrap();
    let mut c = store.get_credential(&client).await.unwrap().unwrap();
    let v = c.version;
    c.status = CredentialStatus::Revoked;
    c.version += 1;
    assert!(store.replace_credential(&c, v, &[]).await.unwrap());
    let ws = pirros_shared::ids::WorkspaceId::parse(A1).unwrap();
    let id = pirros_shared::ids::ResourceId::parse(&endpoint).unwrap();
    let mut log = Vec::new();
    for _ in 0..100 {
        log = store
            .query_deliveries(ws, &id, None, None, 10)
            .await
            .unwrap();
        if log
            .first()
            .is_some_and(|d| d.status != pirros_shared::webhooks::DeliveryStatus::Pending)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        log[0].status,
        pirros_shared::webhooks::DeliveryStatus::Failed
    );
    assert_eq!(log[0].attempts, 1, "no second attempt was sent");
    assert!(
        log[0].error.as_deref().unwrap().contains("credential"),
        "{:?}",
        log[0].error
    );
    assert_eq!(rx.received().len(), 1);
}

async fn an_endpoint_failing_for_five_days_is_disabled(b: Backend) {
    let api = local_api(b, "1").await;
    let rx = Receiver::start().await;
    rx.then_answer(500);
    let a = api.token("full-a").await;
    let made = create(&api, &a, &rx.url, json!(["stash.created"])).await;
    let endpoint = made["id"].as_str().unwrap().to_owned();
    // One failure starts the clock; the endpoint stays enabled.
    stash(&api, &a, "first").await;
    settled(&api, &a, &endpoint, |d| {
        d.first().is_some_and(|x| x["status"] == "failed")
    })
    .await;
    let one = format!("{}/{endpoint}", endpoints());
    let r = api.get(&one, &a).await;
    assert_eq!(r.body["response"]["status"], "enabled");
    // The failing clock is not a change the owner made or sees: same version, same
    // `updated_at`, and an `If-Match` from before the failure still holds.
    assert_eq!(r.header("etag"), Some("\"v1\""), "{}", r.text);
    assert_eq!(r.body["response"]["updated_at"], made["updated_at"]);
    let r = patch_if_match(
        &api,
        &one,
        &a,
        "\"v1\"",
        json!({"description": "still mine"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // Its deliveries have failed since 5 days ago (as stored): the next failure disables it.
    let ws = pirros_shared::ids::WorkspaceId::parse(A1).unwrap();
    let id = pirros_shared::ids::ResourceId::parse(&endpoint).unwrap();
    let store = api.store();
    let mut e = store.get_endpoint(ws, &id).await.unwrap().unwrap();
    assert!(e.failing_since.is_some(), "the first failure was noted");
    let v = e.version;
    let five_days = pirros_shared::webhooks::FAILING_DISABLES_AFTER_MS;
    e.failing_since = Some(pirros_shared::timestamp::Timestamp::from_millis(
        pirros_shared::timestamp::Timestamp::now().millis() - five_days - 60_000,
    ));
    e.version += 1;
    assert!(store.replace_endpoint(&e, v).await.unwrap());
    stash(&api, &a, "second").await;
    let mut status = Value::Null;
    for _ in 0..100 {
        let r = api.get(&one, &a).await;
        status = r.body["response"].clone();
        if status["status"] == "disabled" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status["status"], "disabled", "{status}");
    assert_eq!(status["disabled_reason"], "failing");
    // A success clears the clock: enabled again, it starts afresh.
    rx.then_answer(200);
    let r = api
        .write(Method::PATCH, &one, &a, &json!({"status": "enabled"}), None)
        .await;
    assert_eq!(r.status, 200);
    assert!(
        store
            .get_endpoint(ws, &id)
            .await
            .unwrap()
            .unwrap()
            .failing_since
            .is_none(),
        "enabling clears the failing clock"
    );
}

/// `Idempotency-Key` on a create: the retry gets the original answer, secret included,
/// and no second endpoint; the remembered answer holds the secret sealed, never plain; the
/// same key with another body is 409.
async fn a_create_retried_with_its_key_makes_one_endpoint(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let body = json!({"url": "https://1.1.1.1/once", "event_types": ["stash.*"]});
    let first = api
        .write(Method::POST, &endpoints(), &t, &body, Some("hook-once"))
        .await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert!(first.header("idempotent-replayed").is_none());
    let again = api
        .write(Method::POST, &endpoints(), &t, &body, Some("hook-once"))
        .await;
    assert_eq!(again.status, 201, "{}", again.text);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.header("etag"), first.header("etag"));
    assert_eq!(
        again.body["response"], first.body["response"],
        "the same endpoint and secret"
    );
    let secret = first.body["response"]["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_"), "{secret}");

    let list = api.get(&endpoints(), &t).await;
    let ids: Vec<&str> = list.body["response"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [id_of(&first.body["response"])], "one endpoint");

    let key = pirros_shared::store::IdemKey {
        client_id: pirros_shared::ids::ClientId::parse("full-a").unwrap(),
        key: "hook-once".into(),
    };
    let stored = api
        .store()
        .get_idempotency(&key)
        .await
        .unwrap()
        .expect("the answer is remembered");
    let remembered = secret.strip_prefix("whsec_").unwrap();
    assert!(
        !stored.body.contains(remembered),
        "no plain secret is stored"
    );
    assert!(
        stored.body.contains("\"secret\":\"sealed:"),
        "{}",
        stored.body
    );

    let other = json!({"url": "https://1.1.1.1/other", "event_types": ["stash.*"]});
    let r = api
        .write(Method::POST, &endpoints(), &t, &other, Some("hook-once"))
        .await;
    r.assert_error(409, "IDEMPOTENCY_CONFLICT");
}

/// A roll retried with its `Idempotency-Key` answers the first roll's secret again and
/// rolls nothing: the secret before it still signs beside it (a second roll would have
/// ended it at once).
async fn a_roll_retried_with_its_key_rolls_once(b: Backend) {
    let api = local_api(b, "1").await;
    let rx = Receiver::start().await;
    let a = api.token("full-a").await;
    let made = create(&api, &a, &rx.url, json!(["stash.created"])).await;
    let endpoint = made["id"].as_str().unwrap().to_owned();
    let old = made["secret"].as_str().unwrap().to_owned();
    let roll = format!("{}/{endpoint}/secret/roll", endpoints());
    let first = api
        .write(Method::POST, &roll, &a, &json!({}), Some("roll-once"))
        .await;
    assert_eq!(first.status, 200, "{}", first.text);
    let again = api
        .write(Method::POST, &roll, &a, &json!({}), Some("roll-once"))
        .await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    // The replay is the first answer: a secret, no resource, so no `ETag` either time.
    assert_eq!(first.header("etag"), None);
    assert_eq!(again.header("etag"), None, "{:?}", again.headers);
    let new = first.body["response"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        again.body["response"]["secret"],
        new.as_str(),
        "the same new secret"
    );
    let got = api.get(&format!("{}/{endpoint}", endpoints()), &a).await;
    assert_eq!(got.header("etag"), Some("\"v2\""), "rolled once");
    stash(&api, &a, "rolled once").await;
    rx.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(
        rx.verify(&[&old])[0]["ok"],
        true,
        "the old secret still signs"
    );
    assert_eq!(rx.verify(&[&new])[0]["ok"], true, "and the new one");
    let r = api
        .write(
            Method::POST,
            &roll,
            &a,
            &json!({"old_secret_valid_for": 0}),
            Some("roll-once"),
        )
        .await;
    r.assert_error(409, "IDEMPOTENCY_CONFLICT");
}

/// A webhook switch that is neither `true` nor `false` stops the server, naming it: a
/// typo must pass for neither.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_webhook_switch_stops_the_server_naming_it() {
    for (var, value) in [
        ("WEBHOOK_ALLOW_PRIVATE_URLS", "yes"),
        ("WEBHOOK_ALLOW_PRIVATE_URLS", "TRUE"),
        ("WEBHOOK_LOCAL_FOLLOW", "nah"),
    ] {
        let err = refused_start(&[(var, value)]).await;
        assert!(err.contains(var) && err.contains(value), "{err}");
    }
}
