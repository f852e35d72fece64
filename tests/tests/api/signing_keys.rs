//! Tokens are EdDSA-signed with a key only the token function holds; the
//! `/v1` side verifies with the public keys the token function publishes (also served at
//! `/.well-known/jwks.json`); rotation keeps the previous key verifying until it is retired.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, encode};
use pirros_shared::auth::keys::SigningKeys;
use pirros_shared::auth::token::{AUDIENCE, ISSUER};
use pirros_tests::*;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

const K1: &str = "previous-key-0123456789abcdef0123456789abcdef";
const K2: &str = "current-key-0123456789abcdef0123456789abcdefg";
const K3: &str = "never-published-key-0123456789abcdef0123456789";

pirros_tests::on_both_stores!(
    jwks_publishes_current_and_previous_keys,
    previous_key_still_verifies_after_rotation,
    forged_tokens_are_401,
    retired_previous_key_stops_verifying,
    new_key_is_trusted_at_once,
    v1_verifies_without_the_secret,
);

fn rotating(current: &str, previous: &str) -> String {
    json!({"current": current, "previous": previous}).to_string()
}

fn tags() -> String {
    format!("/v1/workspaces/{A1}/tags")
}

async fn jwks(api: &Api) -> Reply {
    api.send(api.http.get(api.url("/.well-known/jwks.json")))
        .await
}

async fn jwks_publishes_current_and_previous_keys(b: Backend) {
    let api = Setup::new(b)
        .env("JWT_SECRET", &rotating(K2, K1))
        .start()
        .await;
    let r = jwks(&api).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.header("x-request-id").is_some());
    assert_eq!(r.header("content-type"), Some("application/json"));
    let cache = r.header("cache-control").unwrap_or_default();
    assert!(cache.contains("max-age="), "{cache}");
    let keys = r.body["keys"].as_array().expect("keys").clone();
    assert_eq!(keys.len(), 2, "{}", r.text);
    for k in &keys {
        let mut names: Vec<&str> = k.as_object().unwrap().keys().map(|s| s.as_str()).collect();
        names.sort();
        assert_eq!(names, ["alg", "crv", "kid", "kty", "use", "x"], "{k}");
        assert_eq!(
            (&k["kty"], &k["crv"], &k["alg"], &k["use"]),
            (
                &json!("OKP"),
                &json!("Ed25519"),
                &json!("EdDSA"),
                &json!("sig")
            )
        );
    }
    assert_eq!(keys[0]["kid"], kid_of(K2), "current first");
    assert_eq!(keys[1]["kid"], kid_of(K1));
    // The kid is the key's RFC 7638 thumbprint.
    assert_eq!(
        keys[0]["kid"].as_str().unwrap(),
        pirros_shared::auth::jwks::thumbprint(keys[0]["x"].as_str().unwrap())
    );

    // A token from /oauth/token names the current key and verifies with the published JWK.
    let t = api.token("full-a").await;
    let header = jsonwebtoken::decode_header(&t).unwrap();
    assert_eq!(header.alg, Algorithm::EdDSA);
    assert_eq!(header.kid.as_deref(), Some(kid_of(K2).as_str()));
    let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(keys[0].clone()).unwrap();
    let mut v = Validation::new(Algorithm::EdDSA);
    v.set_issuer(&[ISSUER]);
    v.set_audience(&[AUDIENCE]);
    let claims = jsonwebtoken::decode::<Value>(&t, &DecodingKey::from_jwk(&jwk).unwrap(), &v)
        .expect("verifies with the JWKS")
        .claims;
    assert_eq!(claims["sub"], "full-a");

    // Only GET.
    let r = api
        .send(api.http.post(api.url("/.well-known/jwks.json")))
        .await;
    r.assert_oauth_error(405, "method_not_allowed");
}

async fn previous_key_still_verifies_after_rotation(b: Backend) {
    let api = Setup::new(b)
        .env("JWT_SECRET", &rotating(K2, K1))
        .start()
        .await;
    assert_eq!(
        api.get(&tags(), &api.token("full-a").await).await.status,
        200
    );
    // A live token of the previous key still works.
    let of_k1 = sign_eddsa(K1, Some(&kid_of(K1)), &claims("full-a", 600, 0));
    assert_eq!(api.get(&tags(), &of_k1).await.status, 200);
    // A known kid with another key's signature does not.
    let mismatched = sign_eddsa(K1, Some(&kid_of(K2)), &claims("full-a", 600, 0));
    api.get(&tags(), &mismatched)
        .await
        .assert_error(401, "invalid_token");
}

fn hs256(kid: &str, key: &[u8]) -> String {
    let mut h = Header::new(Algorithm::HS256);
    h.kid = Some(kid.to_owned());
    encode(
        &h,
        &claims("full-a", 600, 0),
        &EncodingKey::from_secret(key),
    )
    .unwrap()
}

async fn forged_tokens_are_401(b: Backend) {
    let api = api(b).await;
    let kid = kid_of(JWT_SECRET);
    let published = jwks(&api).await.body["keys"][0].clone();
    let x = published["x"].as_str().unwrap().to_owned();
    use base64::Engine;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(&x)
        .unwrap();
    let good = api.token("full-a").await;
    let payload = good.split('.').nth(1).unwrap().to_owned();
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let cases = [
        // Algorithm confusion: HMAC keyed with what the JWKS publishes.
        ("HS256 keyed with the JWK's x", hs256(&kid, x.as_bytes())),
        ("HS256 keyed with the raw public key", hs256(&kid, &raw)),
        (
            "HS256 keyed with the JWK JSON",
            hs256(&kid, published.to_string().as_bytes()),
        ),
        (
            "alg none",
            format!(
                "{}.{payload}.",
                b64(&format!(r#"{{"alg":"none","kid":"{kid}"}}"#))
            ),
        ),
        (
            "alg none, no signature part",
            format!("{}.{payload}", b64(r#"{"alg":"none"}"#)),
        ),
        (
            "unknown kid",
            sign_eddsa(K3, Some(&kid_of(K3)), &claims("full-a", 600, 0)),
        ),
        (
            "no kid",
            sign_eddsa(JWT_SECRET, None, &claims("full-a", 600, 0)),
        ),
        (
            "our kid, another Ed25519 key",
            sign_eddsa(K3, Some(&kid), &claims("full-a", 600, 0)),
        ),
        (
            "our key, tampered claims",
            format!(
                "{}.{}.{}",
                good.split('.').next().unwrap(),
                b64(&claims("full-b", 600, 0).to_string()),
                good.split('.').nth(2).unwrap()
            ),
        ),
    ];
    for (what, token) in cases {
        let r = api.get(&tags(), &token).await;
        assert_eq!(r.status, 401, "{what}: {}", r.text);
        r.assert_error(401, "invalid_token");
    }
    assert_eq!(api.get(&tags(), &good).await.status, 200);
}

/// The rotation's last step: the secret holds only the new key, the token function is
/// recycled and publishes that, and within `JWKS_CACHE_SECS` every `/v1` container stops
/// accepting the old key, remembered tokens included.
async fn retired_previous_key_stops_verifying(b: Backend) {
    let api = Setup::new(b)
        .env("JWT_SECRET", &rotating(K2, K1))
        .env("JWKS_CACHE_SECS", "1")
        .start()
        .await;
    let of_k1 = sign_eddsa(K1, Some(&kid_of(K1)), &claims("full-a", 600, 0));
    assert_eq!(api.get(&tags(), &of_k1).await.status, 200);
    assert_eq!(api.get(&tags(), &of_k1).await.status, 200, "remembered");
    let recycled = SigningKeys::parse(K2).unwrap();
    assert!(recycled.publish(api.store()).await.unwrap());
    tokio::time::sleep(Duration::from_millis(1300)).await;
    api.get(&tags(), &of_k1)
        .await
        .assert_error(401, "invalid_token");
    let of_k2 = sign_eddsa(K2, Some(&kid_of(K2)), &claims("full-a", 600, 0));
    assert_eq!(api.get(&tags(), &of_k2).await.status, 200);
}

/// A new token function container publishes a key the `/v1` side has not seen: the first
/// token naming it makes the `/v1` side read the keys again, at once.
async fn new_key_is_trusted_at_once(b: Backend) {
    let api = Setup::new(b).env("JWT_SECRET", K1).start().await;
    let of_k2 = sign_eddsa(K2, Some(&kid_of(K2)), &claims("full-a", 600, 0));
    let rotated = SigningKeys::parse(&rotating(K2, K1)).unwrap();
    assert!(rotated.publish(api.store()).await.unwrap());
    assert_eq!(api.get(&tags(), &of_k2).await.status, 200);
    // A made-up kid costs at most one extra read per interval, and is refused.
    let before = api.store().calls();
    for _ in 0..5 {
        let forged = sign_eddsa(K3, Some(&kid_of(K3)), &claims("full-a", 600, 0));
        api.get(&tags(), &forged)
            .await
            .assert_error(401, "invalid_token");
    }
    assert!(
        api.store().calls() - before <= 1,
        "{} reads",
        api.store().calls() - before
    );
}

/// A server with the `/v1` side only, configured like a `/v1` Lambda (no `JWT_SECRET`), on
/// the same storage: it verifies the token server's tokens from the published keys alone.
async fn v1_verifies_without_the_secret(b: Backend) {
    let api = api(b).await;
    let token = api.token("full-a").await;
    let config = pirros_shared::config::Config::from_map(
        &[("TABLE_NAME".to_owned(), "unused-name".to_owned())].into(),
    )
    .unwrap();
    assert!(config.jwt_key.is_none());
    let state = Arc::new(pirros_shared::AppState::new(
        config,
        api.running.app.state.store.clone(),
        None,
        pirros_shared::files::FileSigner::None,
    ));
    state.verifier.refresh(state.store.as_ref()).await;
    let app = Arc::new(pirros_local::App {
        state,
        files: Default::default(),
        cors: Default::default(),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(pirros_local::serve(listener, app));
    let r = api
        .send(
            api.http
                .get(format!("{base}{}", tags()))
                .bearer_auth(&token),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // It cannot issue tokens.
    let r = api
        .send(
            api.http
                .post(format!("{base}/oauth/token"))
                .json(&json!({"grant_type": "client_credentials", "client_id": "full-a", "client_secret": secret_of("full-a")})),
        )
        .await;
    r.assert_oauth_error(500, "internal_error");
    task.abort();
}

/// As on Lambda: the signing key comes from Secrets Manager (moto) at start-up, in either
/// form, the HS256-era one (with chosen kids, now ignored) included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_key_is_read_from_secrets_manager() {
    assert!(
        std::env::var_os("AWS_ENDPOINT_URL_SECRETS_MANAGER").is_some(),
        "run with infra/scripts/test.sh (Secrets Manager emulator)"
    );
    let sdk = pirros_shared::config::aws::sdk_config().await;
    let keys =
        json!({"current": {"kid": "sm-2", "key": K2}, "previous": {"kid": "sm-1", "key": K1}});
    let secret = aws_sdk_secretsmanager::Client::new(&sdk)
        .create_secret()
        .name(format!("pirros-test-{}", uuid::Uuid::new_v4()))
        .secret_string(keys.to_string())
        .send()
        .await
        .expect("moto creates the secret");
    let api = Setup::new(Backend::Memory)
        .env("JWT_SECRET_ARN", secret.arn().unwrap())
        .start()
        .await;
    let t = api.token("full-a").await;
    assert_eq!(
        jsonwebtoken::decode_header(&t).unwrap().kid,
        Some(kid_of(K2))
    );
    assert_eq!(api.get(&tags(), &t).await.status, 200);
    let of_k1 = sign_eddsa(K1, Some(&kid_of(K1)), &claims("full-a", 600, 0));
    assert_eq!(api.get(&tags(), &of_k1).await.status, 200);
    // A secret that does not exist stops the start with a clear error.
    let missing = pirros_local::start::start(pirros_local::start::Options {
        store: pirros_local::start::StoreKind::Memory,
        fixture: None,
        addr: "127.0.0.1:0".parse().unwrap(),
        env: [(
            "JWT_SECRET_ARN".to_owned(),
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:nope".to_owned(),
        )]
        .into(),
    })
    .await;
    let err = format!("{:#}", missing.err().expect("start fails"));
    assert!(err.starts_with("JWT_SECRET_ARN: JWT key"), "{err}");
    // Key material too short to sign with: the variable is named too.
    let err = refused_start(&[("JWT_SECRET", "short")]).await;
    assert!(err.starts_with("JWT_SECRET: "), "{err}");
    assert!(err.contains("shorter than 32 bytes"), "{err}");
}

/// Interoperability: PyJWT, with its own JWKS client, verifies our tokens from
/// `/.well-known/jwks.json` (signature, algorithm, issuer, audience, expiry) and refuses
/// tampered, misaddressed and expired ones (`infra/scripts/jwks_check.py`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_third_party_library_verifies_tokens_from_the_jwks() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let python = root.join(".cache/venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run infra/scripts/test.sh, which installs PyJWT there",
        python.display()
    );
    let api = Setup::new(Backend::Memory)
        .env("JWT_SECRET", &rotating(K2, K1))
        .env("TOKEN_TTL_SECS", "2")
        .start()
        .await;
    let out = tokio::process::Command::new(&python)
        .arg(root.join("infra/scripts/jwks_check.py"))
        .args([api.base.as_str(), "full-a", &secret_of("full-a")])
        .output()
        .await
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "jwks_check.py failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_str(stdout.trim()).expect("one JSON line");
    assert_eq!(report["kid"], kid_of(K2));
    assert_eq!(report["alg"], "EdDSA");
    assert_eq!(report["sub"], "full-a");
    assert_eq!(report["keys_published"], 2);
    assert_eq!(report["checked_expiry"], true);
}
