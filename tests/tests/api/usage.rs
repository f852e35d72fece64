//! `GET /v1/me/usage`: the calling credential's requests per UTC day and route, as the rate
//! limit counted them.

use pirros_tests::*;
use serde_json::{Value, json};

pirros_tests::on_both_stores!(requests_are_counted_per_day_and_route, days_are_checked,);

async fn usage(api: &Api, token: &str, query: &str) -> Reply {
    api.get(&format!("/v1/me/usage{query}"), token).await
}

async fn requests_are_counted_per_day_and_route(b: Backend) {
    let api = api(b).await;
    let a = api.token("full-a").await;
    let other = api.token("readonly-a").await;
    for _ in 0..3 {
        assert_eq!(
            api.get(&format!("/v1/workspaces/{A1}/tags"), &a)
                .await
                .status,
            200
        );
    }
    assert_eq!(
        api.get(&format!("/v1/workspaces/{A1}/details/d1"), &a)
            .await
            .status,
        200
    );
    assert_eq!(
        api.get(&format!("/v1/workspaces/{A1}/details/nope"), &a)
            .await
            .status,
        404
    );
    // Another credential's requests are its own.
    assert_eq!(
        api.get(&format!("/v1/workspaces/{A1}/tags"), &other)
            .await
            .status,
        200
    );

    let r = usage(&api, &a, "").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let days = r.body["response"]["days"].as_array().unwrap();
    assert_eq!(days.len(), 7, "a week by default");
    let today = &days[0];
    let now = pirros_shared::timestamp::Timestamp::now().to_string();
    assert_eq!(today["date"], now[..10], "newest first, today's UTC date");
    assert_eq!(
        today["routes"],
        json!({
            "GET /v1/workspaces/{ws}/tags": 3,
            "GET /v1/workspaces/{ws}/details/{id}": 2,
            "GET /v1/me/usage": 1,
        })
    );
    assert_eq!(today["requests"], 6);
    for (i, d) in days.iter().enumerate().skip(1) {
        assert_eq!(d["requests"], 0, "{d}");
        assert_eq!(d["routes"], json!({}));
        assert!(d["date"].as_str().unwrap() < days[i - 1]["date"].as_str().unwrap());
    }
    assert_eq!(r.body["response"]["expanded"], json!({}));

    let one = usage(&api, &a, "?days=1").await;
    let days = one.body["response"]["days"].as_array().unwrap();
    assert_eq!(days.len(), 1);
    assert_eq!(
        days[0]["requests"], 7,
        "the earlier usage request counts too"
    );
    let theirs = usage(&api, &other, "?days=30").await;
    let days: &Vec<Value> = theirs.body["response"]["days"].as_array().unwrap();
    assert_eq!(days.len(), 30);
    assert_eq!(
        days[0]["routes"],
        json!({"GET /v1/workspaces/{ws}/tags": 1, "GET /v1/me/usage": 1})
    );
}

async fn days_are_checked(b: Backend) {
    let api = api(b).await;
    let a = api.token("full-a").await;
    for bad in [
        "?days=0",
        "?days=31",
        "?days=abc",
        "?days=-1",
        "?days=+3",
        "?limit=5",
    ] {
        let r = usage(&api, &a, bad).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.text);
        assert_eq!(r.body["error"]["code"], "invalid_request");
    }
    let r = api.send(api.http.get(api.url("/v1/me/usage"))).await;
    assert_eq!(r.status, 401);
    // A credential with no grant anywhere may still read its own usage.
    let none = api.token("nogrants-a").await;
    assert_eq!(usage(&api, &none, "").await.status, 200);
}
