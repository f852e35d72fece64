//! The quickstart, OAuth, bearer tokens, request ids and envelopes, on both stores.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use pirros_shared::model::CredentialStatus;
use pirros_tests::*;
use reqwest::Method;
use serde_json::{Value, json};

pirros_tests::on_every_path!(
    quickstart_token_then_tags,
    token_accepts_form_bodies_and_basic_auth,
    token_errors_follow_rfc_6749,
    bearer_token_failures_are_401_invalid_token,
    revocation_fails_the_very_next_call,
    regenerated_secret_kills_old_tokens_at_once,
    request_id_header_matches_body_everywhere,
    malformed_bodies_are_400_never_500,
    tags_need_a_tags_grant_and_a_valid_workspace,
);

async fn quickstart_token_then_tags(b: Backend) {
    let api = api(b).await;
    let r = api
        .token_request(json!({
            "grant_type": "client_credentials",
            "client_id": "full-a",
            "client_secret": secret_of("full-a"),
        }))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["token_type"], "Bearer");
    assert_eq!(r.body["expires_in"], 3600);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    r.request_id();
    let keys: Vec<&String> = r.body.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["access_token", "token_type", "expires_in", "request_id"]
    );
    let token = r.body["access_token"].as_str().unwrap();

    let r = api.get(&format!("/v1/workspaces/{A1}/tags"), token).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.request_id();
    let resp = &r.body["response"];
    assert_eq!(resp["next_cursor"], Value::Null);
    assert_eq!(resp["expanded"], json!({}));
    let names: Vec<&str> = resp["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["concrete", "steel", "timber"], "A1's tags, by name");
    let tag = &resp["data"][0];
    assert_eq!(tag["workspace_id"], A1);
    let created = tag["created_at"].as_str().unwrap();
    assert!(
        created.ends_with(".000Z") || created.len() == 24,
        "{created}"
    );
    assert_eq!(r.header("x-ratelimit-limit"), Some("1000"));
}

async fn token_accepts_form_bodies_and_basic_auth(b: Backend) {
    let api = api(b).await;
    let form = format!(
        "grant_type=client_credentials&client_id=full-a&client_secret={}",
        secret_of("full-a")
    );
    let r = api
        .send(
            api.http
                .post(api.url("/oauth/token"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(form),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let basic = STANDARD.encode(format!("full-a:{}", secret_of("full-a")));
    let r = api
        .send(
            api.http
                .post(api.url("/oauth/token"))
                .header("authorization", format!("Basic {basic}"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body("grant_type=client_credentials"),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // A stale bearer header beside body credentials is not client authentication: ignored.
    let r = api
        .send(
            api.http
                .post(api.url("/oauth/token"))
                .header("authorization", "Bearer stale-token")
                .json(&json!({"grant_type": "client_credentials", "client_id": "full-a", "client_secret": secret_of("full-a")})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // Basic that can't be decoded, or Basic beside body credentials, is a bad request.
    for (auth, body) in [
        ("Basic !!!", json!({"grant_type": "client_credentials"})),
        ("Basic Zm9v", json!({"grant_type": "client_credentials"})),
        (
            basic.as_str(),
            json!({"grant_type": "client_credentials", "client_id": "full-a", "client_secret": "x"}),
        ),
    ] {
        let auth = if auth.starts_with("Basic") {
            auth.to_owned()
        } else {
            format!("Basic {auth}")
        };
        let r = api
            .send(
                api.http
                    .post(api.url("/oauth/token"))
                    .header("authorization", auth)
                    .json(&body),
            )
            .await;
        r.assert_oauth_error(400, "invalid_request");
    }
}

async fn token_errors_follow_rfc_6749(b: Backend) {
    let api = api(b).await;
    let cases = [
        (
            json!({"client_id": "full-a", "client_secret": "x"}),
            400,
            "invalid_request",
        ),
        (
            json!({"grant_type": "password", "client_id": "full-a", "client_secret": "x"}),
            400,
            "unsupported_grant_type",
        ),
        (
            json!({"grant_type": "client_credentials", "client_id": "full-a"}),
            400,
            "invalid_request",
        ),
        (
            json!({"grant_type": "client_credentials", "client_secret": "x"}),
            400,
            "invalid_request",
        ),
        (
            json!({"grant_type": "client_credentials", "client_id": 5, "client_secret": "x"}),
            400,
            "invalid_request",
        ),
        (
            json!({"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"}),
            401,
            "invalid_client",
        ),
        (
            json!({"grant_type": "client_credentials", "client_id": "full-b", "client_secret": "wrong"}),
            401,
            "invalid_client",
        ),
        (
            json!({"grant_type": "client_credentials", "client_id": "revoked-a", "client_secret": secret_of("revoked-a")}),
            401,
            "invalid_client",
        ),
        (
            json!({"grant_type": "client_credentials", "client_id": "bad#id", "client_secret": "x"}),
            401,
            "invalid_client",
        ),
    ];
    for (body, status, code) in cases {
        let r = api.token_request(body.clone()).await;
        r.assert_oauth_error(status, code);
        assert!(r.body.get("meta").is_none(), "flat shape for {body}");
    }
    // Unknown client, wrong secret and revoked credential are indistinguishable.
    let a = api.token_request(json!({"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"})).await;
    let c = api.token_request(json!({"grant_type": "client_credentials", "client_id": "revoked-a", "client_secret": secret_of("revoked-a")})).await;
    assert_eq!(a.body["error_description"], c.body["error_description"]);
    // Wrong method and content type.
    let r = api.send(api.http.get(api.url("/oauth/token"))).await;
    r.assert_oauth_error(405, "method_not_allowed");
    let r = api
        .send(
            api.http
                .post(api.url("/oauth/token"))
                .header("content-type", "text/plain")
                .body("hi"),
        )
        .await;
    r.assert_oauth_error(400, "invalid_request");
    let r = api
        .send(
            api.http
                .post(api.url("/oauth/token"))
                .header("content-type", "application/json")
                .body("{not json"),
        )
        .await;
    r.assert_oauth_error(400, "invalid_request");
    // A parameter given twice, in JSON as in a form; a form value that is not UTF-8; a JSON
    // body that is no object.
    for (content_type, body) in [
        (
            "application/json",
            r#"{"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x", "client_id": "full-a"}"#
                .to_owned(),
        ),
        (
            "application/x-www-form-urlencoded",
            "grant_type=client_credentials&client_id=%FF%FE&client_secret=x".to_owned(),
        ),
        ("application/json", "[1, 2]".to_owned()),
    ] {
        let r = api
            .send(
                api.http
                    .post(api.url("/oauth/token"))
                    .header("content-type", content_type)
                    .body(body.clone()),
            )
            .await;
        r.assert_oauth_error(400, "invalid_request");
        assert!(r.body.get("meta").is_none(), "flat shape for {body}");
    }
    // A body over the size limit, refused before the token endpoint reads it: still its
    // shape, not the `/v1` envelope.
    let r = api
        .send(
            api.http
                .post(api.url("/oauth/token"))
                .header("content-type", "application/json")
                .body(format!(r#"{{"pad": "{}"}}"#, "x".repeat(300_000))),
        )
        .await;
    r.assert_oauth_error(400, "invalid_request");
    assert!(r.body.get("meta").is_none(), "flat shape: {}", r.text);
    assert!(
        r.body["error_description"]
            .as_str()
            .is_some_and(|d| d.contains("larger than")),
        "{}",
        r.text
    );
}

fn forge(kid: Option<&str>, key: &[u8], claims: Value, alg: Algorithm) -> String {
    let mut h = Header::new(alg);
    h.kid = kid.map(str::to_owned);
    encode(&h, &claims, &EncodingKey::from_secret(key)).unwrap()
}

async fn bearer_token_failures_are_401_invalid_token(b: Backend) {
    let api = api(b).await;
    let path = format!("/v1/workspaces/{A1}/tags");
    let kid = kid_of(JWT_SECRET);
    let good = api.token("full-a").await;
    let parts: Vec<&str> = good.split('.').collect();
    let none_header =
        URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"none","typ":"JWT","kid":"{kid}"}}"#));
    let mut wrong_iss = claims("full-a", 600, 0);
    wrong_iss["iss"] = json!("https://evil.example");
    let mut wrong_aud = claims("full-a", 600, 0);
    wrong_aud["aud"] = json!("someone-else");
    let cases: Vec<(&str, Option<String>)> = vec![
        ("missing", None),
        ("not a jwt", Some("Bearer abc".into())),
        ("wrong scheme", Some(format!("Token {good}"))),
        (
            "alg none",
            Some(format!("Bearer {none_header}.{}.", parts[1])),
        ),
        (
            "bad signature",
            Some(format!(
                "Bearer {}.{}.{}",
                parts[0],
                parts[1],
                URL_SAFE_NO_PAD.encode([7u8; 32])
            )),
        ),
        (
            "expired",
            Some(format!(
                "Bearer {}",
                sign_eddsa(JWT_SECRET, Some(&kid), &claims("full-a", -3600, -7200))
            )),
        ),
        (
            "not yet valid",
            Some(format!(
                "Bearer {}",
                sign_eddsa(JWT_SECRET, Some(&kid), &claims("full-a", 7200, 3600))
            )),
        ),
        (
            "unknown kid",
            Some(format!(
                "Bearer {}",
                sign_eddsa(JWT_SECRET, Some("nope"), &claims("full-a", 600, 0))
            )),
        ),
        (
            "other algorithm",
            Some(format!(
                "Bearer {}",
                forge(
                    Some(&kid),
                    JWT_SECRET.as_bytes(),
                    claims("full-a", 600, 0),
                    Algorithm::HS512
                )
            )),
        ),
        (
            "wrong issuer",
            Some(format!(
                "Bearer {}",
                sign_eddsa(JWT_SECRET, Some(&kid), &wrong_iss)
            )),
        ),
        (
            "wrong audience",
            Some(format!(
                "Bearer {}",
                sign_eddsa(JWT_SECRET, Some(&kid), &wrong_aud)
            )),
        ),
        (
            "unknown subject",
            Some(format!(
                "Bearer {}",
                sign_eddsa(JWT_SECRET, Some(&kid), &claims("ghost", 600, 0))
            )),
        ),
    ];
    for (what, auth) in cases {
        let mut req = api.http.get(api.url(&path));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        let r = api.send(req).await;
        assert_eq!(r.status, 401, "{what}: {}", r.text);
        r.assert_error(401, "invalid_token");
        assert!(
            r.header("www-authenticate")
                .unwrap_or("")
                .starts_with("Bearer"),
            "{what}"
        );
    }
    // Two Authorization headers, even of good tokens: which would act is ambiguous.
    let other = api.token("full-b").await;
    let r = api
        .send(
            api.http
                .get(api.url(&path))
                .header("authorization", format!("Bearer {good}"))
                .header("authorization", format!("Bearer {other}")),
        )
        .await;
    r.assert_error(401, "invalid_token");
    // A well-formed token we signed ourselves with the right key is accepted.
    let ok = sign_eddsa(JWT_SECRET, Some(&kid), &claims("full-a", 600, 0));
    assert_eq!(api.get(&path, &ok).await.status, 200);
}

async fn revocation_fails_the_very_next_call(b: Backend) {
    let api = api(b).await;
    let token = api.token("full-a").await;
    let path = format!("/v1/workspaces/{A1}/tags");
    assert_eq!(api.get(&path, &token).await.status, 200);
    let client = pirros_shared::ids::ClientId::parse("full-a").unwrap();
    let mut c = api.store().get_credential(&client).await.unwrap().unwrap();
    c.status = CredentialStatus::Revoked;
    api.store().put_credential(&c).await.unwrap();
    api.get(&path, &token)
        .await
        .assert_error(401, "invalid_token");
    api.token_request(json!({"grant_type": "client_credentials", "client_id": "full-a", "client_secret": secret_of("full-a")}))
        .await
        .assert_oauth_error(401, "invalid_client");
}

async fn regenerated_secret_kills_old_tokens_at_once(b: Backend) {
    let api = api(b).await;
    let token = api.token("full-a").await;
    let path = format!("/v1/workspaces/{A1}/tags");
    let client = pirros_shared::ids::ClientId::parse("full-a").unwrap();
    let mut c = api.store().get_credential(&client).await.unwrap().unwrap();
    let fresh = pirros_shared::auth::secret::generate();
    c.secret = pirros_shared::auth::secret::SecretHash::of(&fresh);
    c.secret_version += 1;
    api.store().put_credential(&c).await.unwrap();
    api.get(&path, &token)
        .await
        .assert_error(401, "invalid_token");
    api.token_request(json!({"grant_type": "client_credentials", "client_id": "full-a", "client_secret": secret_of("full-a")}))
        .await
        .assert_oauth_error(401, "invalid_client");
    let new_token = api.token_with("full-a", &fresh).await;
    assert_eq!(api.get(&path, &new_token).await.status, 200);
}

async fn request_id_header_matches_body_everywhere(b: Backend) {
    let api = api(b).await;
    let token = api.token("full-a").await;
    let mut seen = std::collections::HashSet::new();
    let checks = [
        (Method::GET, format!("/v1/workspaces/{A1}/tags"), 200),
        (
            Method::GET,
            format!("/v1/workspaces/{A1}/details/nope"),
            404,
        ),
        (Method::GET, "/v1/unknown/route".to_owned(), 404),
        (Method::DELETE, format!("/v1/workspaces/{A1}/tags"), 405),
        (
            Method::GET,
            format!("/v1/workspaces/{A1}/tags?bogus=1"),
            400,
        ),
    ];
    for (m, path, status) in checks {
        let r = api.call(m.clone(), &path, &token).await;
        assert_eq!(r.status, status, "{m} {path}: {}", r.text);
        let id = r.request_id();
        assert!(uuid::Uuid::parse_str(&id).is_ok(), "request ids are UUIDs");
        assert!(seen.insert(id), "a fresh id per request");
    }
    let r = api
        .call(Method::DELETE, &format!("/v1/workspaces/{A1}/tags"), &token)
        .await;
    assert_eq!(r.header("allow"), Some("GET"));
}

async fn malformed_bodies_are_400_never_500(b: Backend) {
    let api = api(b).await;
    let token = api.token("full-a").await;
    let path = format!("/v1/workspaces/{A1}/stashes");
    let bodies: [(&str, &str); 6] = [
        ("application/json", "{"),
        ("application/json", "[]"),
        ("application/json", "null"),
        ("application/json", ""),
        ("text/plain", r#"{"name":"x"}"#),
        ("application/json", "\u{0}\u{1}"),
    ];
    for (ct, body) in bodies {
        let r = api
            .send(
                api.http
                    .post(api.url(&path))
                    .bearer_auth(&token)
                    .header("content-type", ct)
                    .body(body.to_owned()),
            )
            .await;
        r.assert_error(400, "invalid_request");
    }
    let r = api
        .send(
            api.http
                .post(api.url(&path))
                .bearer_auth(&token)
                .body(vec![0xff, 0xfe, 0x00]),
        )
        .await;
    r.assert_error(400, "invalid_request");
}

async fn tags_need_a_tags_grant_and_a_valid_workspace(b: Backend) {
    let api = api(b).await;
    let t = api.token("typical-a").await;
    let r = api.get(&format!("/v1/workspaces/{A1}/tags"), &t).await;
    r.assert_error(403, "insufficient_scope");
    let d = &r.body["error"]["details"];
    assert_eq!(d["required_action"], "read");
    assert_eq!(d["entity_type"], "tag");
    assert_eq!(d["granted_filter_ids"], json!(["flt-typical"]));
    assert_eq!(d["granted_filter_names"], json!(["Typical details"]));
    assert_eq!(
        r.body["error"]["message"],
        "Token has no eligible filter for this resource"
    );
    let full = api.token("full-a").await;
    api.get("/v1/workspaces/not-a-uuid/tags", &full)
        .await
        .assert_error(400, "invalid_request");
    // Another firm's workspace: no grant there, so 403 with no filters.
    let r = api.get(&format!("/v1/workspaces/{B1}/tags"), &full).await;
    r.assert_error(403, "insufficient_scope");
    assert_eq!(r.body["error"]["details"]["granted_filter_ids"], json!([]));
    // A custom tag filter shows only its tags.
    let steel = api.token("steeltags-a").await;
    let r = api.get(&format!("/v1/workspaces/{A1}/tags"), &steel).await;
    assert_eq!(ids(&r), ["t-steel"]);
}

#[tokio::test]
async fn anonymous_callers_learn_nothing_but_401() {
    let api = api(Backend::Memory).await;
    for path in [
        "/v1/workspaces/not-a-uuid/tags".to_owned(),
        format!("/v1/workspaces/{A1}/details/a%23b"),
        format!("/v1/workspaces/{A1}/details?limit=0"),
    ] {
        api.send(api.http.get(api.url(&path)))
            .await
            .assert_error(401, "invalid_token");
    }
    // Unknown routes are 404 for everyone, as API Gateway answers them.
    api.send(api.http.get(api.url("/v1/nothing")))
        .await
        .assert_error(404, "not_found");
}

/// A token works until its `exp` and not a moment after: no grace period on expiry.
#[tokio::test]
async fn a_token_stops_working_at_its_expiry() {
    let api = Setup::new(Backend::Memory)
        .env("TOKEN_TTL_SECS", "2")
        .start()
        .await;
    let t = api.token("full-a").await;
    let payload = t.split('.').nth(1).expect("a JWT");
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    let exp = claims["exp"].as_i64().unwrap();
    assert_eq!(exp - claims["iat"].as_i64().unwrap(), 2);
    let r = api.get("/v1/me", &t).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let now_ms = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
    let wait = (exp as i128 * 1000 + 100 - now_ms).max(0) as u64;
    tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
    api.get("/v1/me", &t)
        .await
        .assert_error(401, "invalid_token");
}
