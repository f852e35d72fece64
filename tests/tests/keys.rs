//! Signing-key rotation: tokens of the previous key keep verifying, unknown keys don't.

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use pirros_tests::*;
use serde_json::json;

const K1: &str = "previous-key-0123456789abcdef0123456789abcdef";
const K2: &str = "current-key-0123456789abcdef0123456789abcdefg";

fn forge(kid: &str, key: &str) -> String {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut h = Header::new(Algorithm::HS256);
    h.kid = Some(kid.into());
    encode(
        &h,
        &json!({
            "iss": pirros_shared::auth::token::ISSUER,
            "aud": pirros_shared::auth::token::AUDIENCE,
            "sub": "full-a", "exp": now + 600, "iat": now, "nbf": now, "jti": "j", "sv": 1,
        }),
        &EncodingKey::from_secret(key.as_bytes()),
    )
    .unwrap()
}

pirros_tests::on_both_stores!(previous_key_still_verifies_after_rotation);

async fn previous_key_still_verifies_after_rotation(b: Backend) {
    let keys = json!({"current": {"kid": "k2", "key": K2}, "previous": {"kid": "k1", "key": K1}});
    let api = Setup::new(b)
        .env("JWT_SECRET", &keys.to_string())
        .start()
        .await;
    let path = format!("/v1/workspaces/{A1}/tags");
    // New tokens are signed with the current key.
    let t = api.token("full-a").await;
    let header = jsonwebtoken::decode_header(&t).unwrap();
    assert_eq!(header.kid.as_deref(), Some("k2"));
    assert_eq!(api.get(&path, &t).await.status, 200);
    // A live token of the previous key still works.
    assert_eq!(api.get(&path, &forge("k1", K1)).await.status, 200);
    // An unknown kid, or a known kid with the wrong key, does not.
    api.get(&path, &forge("k3", K1))
        .await
        .assert_error(401, "invalid_token");
    api.get(&path, &forge("k1", K2))
        .await
        .assert_error(401, "invalid_token");
}

/// As on Lambda: the signing key comes from Secrets Manager (moto) at start-up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_key_is_read_from_secrets_manager() {
    assert!(
        std::env::var_os("AWS_ENDPOINT_URL_SECRETS_MANAGER").is_some(),
        "run with infra/scripts/test.sh (Secrets Manager emulator)"
    );
    let sdk = pirros_shared::state::sdk_config().await;
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
        jsonwebtoken::decode_header(&t).unwrap().kid.as_deref(),
        Some("sm-2")
    );
    let path = format!("/v1/workspaces/{A1}/tags");
    assert_eq!(api.get(&path, &t).await.status, 200);
    assert_eq!(api.get(&path, &forge("sm-1", K1)).await.status, 200);
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
    let err = missing.err().expect("start fails").to_string();
    assert!(err.contains("JWT key"), "{err}");
}
