//! Download URLs. Local signed URLs on both stores; real S3 presigning against
//! the S3 emulator, with the signature recomputed independently by botocore.

use pirros_tests::*;
use std::time::Duration;

pirros_tests::on_both_stores!(
    local_downloads_serve_the_fixture_files,
    download_rules,
    local_urls_refuse_tampering_and_expiry,
);

fn dl(kind: &str, ws: &str, id: &str) -> String {
    match kind {
        "rfa" => format!("/v1/workspaces/{ws}/families/{id}/rfa"),
        k => format!("/v1/workspaces/{ws}/downloads/{k}/{id}"),
    }
}

fn file(name: &str) -> Vec<u8> {
    std::fs::read(fixture_path("files").join(name)).unwrap()
}

async fn fetch(url: &str) -> (u16, Vec<u8>, Option<String>) {
    let r = reqwest::get(url).await.unwrap();
    let status = r.status().as_u16();
    let disp = r
        .headers()
        .get("content-disposition")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, r.bytes().await.unwrap().to_vec(), disp)
}

/// A public PDF URL (or a signed one) names an object the server chose: under the
/// workspace, behind 128 random bits, with nothing the fixture named (its file key
/// `pdf/d1.pdf`, its file `detail-slab-edge.pdf`) nor the detail's id as a file name.
fn assert_unguessable(url: &str, slot: &str) {
    let path = url.split('?').next().unwrap().replace("%2F", "/");
    let segments: Vec<&str> = path.split('/').collect();
    let n = segments.len();
    assert!(n >= 4, "{url}");
    assert_eq!(&segments[n - 4..n - 2], &[slot, A1], "{url}");
    let random = segments[n - 2];
    assert!(
        random.len() == 32 && random.bytes().all(|b| b.is_ascii_hexdigit()),
        "{url}"
    );
    for fixture_name in [
        "pdf/d1.pdf",
        "rvt/d1.rvt",
        "rfa/f1.rfa",
        "detail-slab-edge",
        "family-door-single",
    ] {
        assert!(!path.contains(fixture_name), "{url} names {fixture_name}");
    }
    assert!(
        !segments[n - 1].starts_with("d1.") && !segments[n - 1].starts_with("f1."),
        "{url}"
    );
}

fn expires_in(v: &serde_json::Value) -> i64 {
    let at = pirros_shared::timestamp::Timestamp::parse(v.as_str().expect("expires_at")).unwrap();
    assert!(v.as_str().unwrap().ends_with(".000Z"), "{v}");
    at.secs() - pirros_shared::timestamp::Timestamp::now().secs()
}

async fn local_downloads_serve_the_fixture_files(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let r = api.get(&dl("pdf", A1, "d1"), &t).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let resp = &r.body["response"];
    assert_eq!(resp["expires_at"], serde_json::Value::Null);
    assert_eq!(resp["expanded"], serde_json::json!({}));
    let url = resp["download_url"].as_str().unwrap();
    assert_unguessable(url, "pdf");
    assert!(fetch(url).await.1 == file("detail-slab-edge.pdf"));
    for (kind, id, name) in [
        ("rvt", "d1", "detail-slab-edge.rvt"),
        ("rfa", "f1", "family-door-single.rfa"),
    ] {
        let r = api.get(&dl(kind, A1, id), &t).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let left = expires_in(&r.body["response"]["expires_at"]);
        assert!((895..=900).contains(&left), "{left}");
        let url = r.body["response"]["download_url"].as_str().unwrap();
        assert_unguessable(url, kind);
        let (status, bytes, disp) = fetch(url).await;
        assert_eq!(status, 200);
        assert!(
            bytes == file(name),
            "{name}: {} bytes differ from the fixture's",
            bytes.len()
        );
        let disp = disp.unwrap();
        assert!(
            disp.starts_with("attachment;") && disp.contains(&format!(".{kind}")),
            "{disp}"
        );
    }
}

async fn download_rules(b: Backend) {
    let api = api(b).await;
    let full = api.token("full-a").await;
    // Downloads disabled for the workspace, for a caller who may otherwise download.
    api.get(&dl("pdf", A2, "da2"), &full)
        .await
        .assert_error(403, "DOWNLOAD_DISABLED");
    // There, a file the detail does not have is 404 still: nothing could be downloaded.
    api.get(&dl("rvt", A2, "da2"), &full)
        .await
        .assert_error(404, "not_found");
    // No such file on an existing resource.
    api.get(&dl("pdf", A1, "d2"), &full)
        .await
        .assert_error(404, "not_found");
    api.get(&dl("rvt", A1, "d2"), &full)
        .await
        .assert_error(404, "not_found");
    api.get(&dl("rfa", A1, "f2"), &full)
        .await
        .assert_error(404, "not_found");
    // Missing, other firm, wrong workspace.
    api.get(&dl("rvt", A1, "nope"), &full)
        .await
        .assert_error(404, "not_found");
    api.get(&dl("rvt", B1, "db1"), &full)
        .await
        .assert_error(404, "not_found");
    api.get(&dl("rfa", A1, "fb1"), &full)
        .await
        .assert_error(404, "not_found");
    // Read grants are not download grants.
    let ro = api.token("readonly-a").await;
    api.get(&dl("pdf", A1, "d1"), &ro)
        .await
        .assert_error(404, "not_found");
    api.get(&dl("rfa", A1, "f1"), &ro)
        .await
        .assert_error(404, "not_found");
    // Filtered download grants.
    let typical = api.token("typical-a").await;
    assert_eq!(api.get(&dl("rvt", A1, "d1"), &typical).await.status, 200);
    let proj = api.token("projfam-a").await;
    assert_eq!(api.get(&dl("rfa", A1, "f1"), &proj).await.status, 200);
    // Never a redirect, and no query parameters.
    let r = api.get(&dl("rvt", A1, "d1"), &full).await;
    assert_eq!(r.status, 200);
    api.get(&format!("{}?redirect=1", dl("rvt", A1, "d1")), &full)
        .await
        .assert_error(400, "invalid_request");
}

async fn local_urls_refuse_tampering_and_expiry(b: Backend) {
    let api = Setup::new(b)
        .env("DOWNLOAD_URL_TTL_SECS", "1")
        .start()
        .await;
    let t = api.token("full-a").await;
    let r = api.get(&dl("rvt", A1, "d1"), &t).await;
    let url = r.body["response"]["download_url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(fetch(&url).await.0, 200);
    let tampered = [
        url.replacen(".rvt?", ".rvx?", 1),
        url.replace("expires=", "expires=9"),
        url.replace("name=", "name=x"),
        url[..url.len() - 2].to_owned(),
        url.split('&')
            .filter(|p| !p.starts_with("sig="))
            .collect::<Vec<_>>()
            .join("&"),
    ];
    for u in tampered {
        assert_eq!(fetch(&u).await.0, 403, "{u}");
    }
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(fetch(&url).await.0, 403, "expired");
}

/// DynamoDB-backed server whose downloads are presigned by the S3 SDK for the emulator.
async fn s3_api(ttl: &str) -> Api {
    let bucket =
        std::env::var("FILES_BUCKET").expect("run with infra/scripts/test.sh (FILES_BUCKET)");
    Setup::new(Backend::Dynamo)
        .env("FILES_BUCKET", &bucket)
        .env("DOWNLOAD_URL_TTL_SECS", ttl)
        .start()
        .await
}

fn verify_signature(url: &str) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = std::process::Command::new(root.join(".cache/venv/bin/python"))
        .arg(root.join("infra/scripts/verify_sigv4.py"))
        .args([
            url,
            &std::env::var("AWS_ACCESS_KEY_ID").unwrap(),
            &std::env::var("AWS_SECRET_ACCESS_KEY").unwrap(),
            &std::env::var("AWS_REGION").unwrap(),
        ])
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout.trim(), "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_presigned_urls_fetch_the_uploaded_bytes() {
    let api = s3_api("900").await;
    let t = api.token("full-a").await;
    for (kind, id, name) in [
        ("rvt", "d1", "detail-slab-edge.rvt"),
        ("rfa", "f1", "family-door-single.rfa"),
    ] {
        let r = api.get(&dl(kind, A1, id), &t).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let url = r.body["response"]["download_url"].as_str().unwrap();
        assert_unguessable(url, kind);
        assert!(url.contains("X-Amz-Signature="), "{url}");
        assert!(url.contains("X-Amz-Expires=900"), "{url}");
        assert!(
            url.contains("response-content-disposition=attachment"),
            "{url}"
        );
        let left = expires_in(&r.body["response"]["expires_at"]);
        assert!((895..=900).contains(&left), "{left}");
        let (status, bytes, _) = fetch(url).await;
        assert_eq!(status, 200, "{url}");
        assert!(
            bytes == file(name),
            "{name}: {} bytes differ from the fixture's",
            bytes.len()
        );
        verify_signature(url);
        // A signature over another key does not verify.
        let forged = url.replacen(&format!("/{kind}/"), &format!("/{kind}x/"), 1);
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let out = std::process::Command::new(root.join(".cache/venv/bin/python"))
            .arg(root.join("infra/scripts/verify_sigv4.py"))
            .args([&forged, "S3RVER", "S3RVER", "us-east-1"])
            .output()
            .unwrap();
        assert!(!out.status.success(), "a tampered URL must not verify");
    }
    // PDFs stay public and non-expiring, under a key nobody can guess.
    let r = api.get(&dl("pdf", A1, "d1"), &t).await;
    assert_eq!(r.body["response"]["expires_at"], serde_json::Value::Null);
    assert_unguessable(r.body["response"]["download_url"].as_str().unwrap(), "pdf");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_refuses_expired_presigned_urls() {
    let api = s3_api("1").await;
    let t = api.token("full-a").await;
    let r = api.get(&dl("rvt", A1, "d1"), &t).await;
    let url = r.body["response"]["download_url"]
        .as_str()
        .unwrap()
        .to_owned();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(fetch(&url).await.0, 403, "s3 refuses an expired URL");
}
