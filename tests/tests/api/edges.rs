//! The edges of the deployed API: what no route matches gets the documented 404 envelope
//! (on AWS from the docs function, through the `$default` route); every answer carries the
//! headers that keep browsers and caches from misusing it; and the most verbose log level
//! logs no client secret, bearer token or download signature.

use pirros_tests::exercise::{CALLERS, exercise};
use pirros_tests::*;
use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pirros_tests::on_both_stores!(
    unknown_routes_answer_the_404_envelope,
    every_answer_is_nosniff_and_api_answers_are_not_stored,
    path_ids_are_read_percent_decoded,
);

async fn unknown_routes_answer_the_404_envelope(b: Backend) {
    let api = api(b).await;
    for path in [
        "/",
        "/nope",
        "/v1",
        "/v1/nothing",
        "/v2/workspaces",
        "/docs/missing",
    ] {
        let r = api.send(api.http.get(api.url(path))).await;
        r.assert_error(404, "not_found");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    }
    // A known path with a method it does not take: 405 naming the ones it does.
    let r = api
        .send(
            api.http
                .put(api.url(&format!("/v1/workspaces/{A1}/stashes/s1"))),
        )
        .await;
    r.assert_error(405, "method_not_allowed");
    assert_eq!(r.header("allow"), Some("GET, PATCH, DELETE"));
}

/// A path id is read percent-decoded, as clients that encode every segment (the SDKs)
/// send it: `det%3Aa.b` is `det:a.b`, `d%31` is `d1`. What does not decode to an id that
/// can exist is 404 (400 for the workspace), never a 500.
async fn path_ids_are_read_percent_decoded(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let at = pirros_shared::timestamp::Timestamp::now();
    api.operator()
        .put_items(&[detail_item(A1, "det:a.b", at, &[], None)])
        .await
        .unwrap();
    let ws_encoded = A1.replace('-', "%2D");
    for (path, id) in [
        (format!("/v1/workspaces/{A1}/details/det%3Aa.b"), "det:a.b"),
        (
            format!("/v1/workspaces/{A1}/details/det%3aa%2Eb"),
            "det:a.b",
        ),
        (format!("/v1/workspaces/{A1}/details/det:a.b"), "det:a.b"),
        (format!("/v1/workspaces/{A1}/details/d%31"), "d1"),
        (format!("/v1/workspaces/{ws_encoded}/details/d1"), "d1"),
    ] {
        let r = api.get(&path, &t).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        assert_eq!(r.body["response"]["id"], id, "{path}");
    }
    for path in [
        format!("/v1/workspaces/{A1}/details/d%FF"),
        format!("/v1/workspaces/{A1}/details/d%2F1"),
        format!("/v1/workspaces/{A1}/details/d%"),
    ] {
        api.get(&path, &t).await.assert_error(404, "not_found");
    }
    api.get(&format!("/v1/workspaces/{A1}%FF/details/d1"), &t)
        .await
        .assert_error(400, "invalid_request");
}

async fn every_answer_is_nosniff_and_api_answers_are_not_stored(b: Backend) {
    let api = api(b).await;
    let mut tokens = Vec::new();
    for c in CALLERS {
        tokens.push((c.to_string(), api.token(c).await));
    }
    let answers = exercise(&api.http, &api.base, None, &tokens).await;
    assert!(answers.len() > 100, "{} answers", answers.len());
    for a in &answers {
        let h = |n: &str| a.headers.get(n).and_then(|v| v.to_str().ok());
        assert_eq!(
            h("x-content-type-options"),
            Some("nosniff"),
            "{}",
            a.request
        );
        assert!(h("x-request-id").is_some(), "{}", a.request);
        let cache = h("cache-control").unwrap_or_default();
        let public = a.request.contains("/openapi.json")
            || a.request.contains("/docs")
            || a.request.contains("/redoc")
            || a.request.contains("/.well-known/jwks.json");
        if public && a.status == 200 {
            assert!(cache.starts_with("public"), "{}: {cache}", a.request);
        } else {
            assert_eq!(cache, "no-store", "{} ({})", a.request, a.status);
        }
    }
}

/// The console and the error table: only their own inline scripts and styles may run, and
/// no other site may frame them; the console keeps no authorization in browser storage.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn docs_pages_lock_down_what_a_browser_may_do() {
    use base64::Engine;
    let api = api(Backend::Memory).await;
    for path in ["/docs", "/docs/errors", "/redoc"] {
        let r = api.send(api.http.get(api.url(path))).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.header("x-frame-options"), Some("DENY"), "{path}");
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(r.header("referrer-policy"), Some("no-referrer"), "{path}");
        let csp = r.header("content-security-policy").expect("a CSP");
        for part in [
            "default-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ] {
            assert!(csp.contains(part), "{path}: {csp}");
        }
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
            "{csp}"
        );
        // Each inline block is allowed by its own hash, and nothing else is.
        let mut hashes = Vec::new();
        for tag in ["script", "style"] {
            // Each block runs from the first opening tag after the previous block's end to
            // its closing tag (Swagger UI's bundle holds "<script>" in a string literal).
            let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
            let chunks: Vec<&str> = r.text.split(&close).collect();
            for chunk in &chunks[..chunks.len() - 1] {
                let (_, body) = chunk.split_once(&open).expect("an opening tag");
                let digest = <sha2::Sha256 as sha2::Digest>::digest(body.as_bytes());
                let h = format!(
                    "'sha256-{}'",
                    base64::engine::general_purpose::STANDARD.encode(digest)
                );
                assert!(csp.contains(&h), "{path}: no {h} for a <{tag}> block");
                hashes.push(h);
            }
        }
        // Beside them, only the console's one style that Swagger UI inserts at run time
        // (its logo's, written in the preset script on the page).
        if path == "/docs" {
            let runtime = ".logo_small_svg__cls-2{fill:#fff}.logo_small_svg__cls-3{fill:#85ea2d}";
            assert!(
                r.text.contains(runtime),
                "the preset no longer holds {runtime}"
            );
            let digest = <sha2::Sha256 as sha2::Digest>::digest(runtime.as_bytes());
            let h = format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            );
            assert!(csp.contains(&h), "{path}: no {h} for the logo's style");
            hashes.push(h);
        }
        // ReDoc's styled-components creates empty <style> elements and fills them through
        // the CSSOM; its scrollbar stylesheet is inserted as text (its hash is checked by
        // the browser test, which sees the page run).
        if path == "/redoc" {
            let digest = <sha2::Sha256 as sha2::Digest>::digest(b"");
            let h = format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            );
            assert!(csp.contains(&h), "{path}: no hash of the empty style");
            hashes.push(h);
            hashes.push("the scrollbar stylesheet".into());
        }
        assert_eq!(csp.matches("'sha256-").count(), hashes.len(), "{csp}");
    }
    let page = api.send(api.http.get(api.url("/docs"))).await.text;
    assert!(page.contains("persistAuthorization: false"));
    assert!(!page.contains("persistAuthorization: true"));
}

/// `pirros-local` as a process at RUST_LOG=trace: (child, base URL, log file).
// The child is handed to the caller, which kills and waits for it.
#[allow(clippy::zombie_processes)]
fn start_local(args: &[&str], env: &[(&str, &str)]) -> (Child, String, std::path::PathBuf) {
    start_local_with(Command::new(bin("pirros-local")), args, env)
}

/// `start_local` of `cmd`, which runs `pirros-local` (directly, or through a shell that
/// sets limits first).
#[allow(clippy::zombie_processes)]
fn start_local_with(
    mut cmd: Command,
    args: &[&str],
    env: &[(&str, &str)],
) -> (Child, String, std::path::PathBuf) {
    let log = std::env::temp_dir().join(format!("pirros-trace-{}.log", uuid::Uuid::new_v4()));
    let file = std::fs::File::create(&log).unwrap();
    cmd.args(args)
        .args(["--addr", "127.0.0.1:0"])
        .env("RUST_LOG", "trace")
        .env("JWT_SECRET", JWT_SECRET)
        .stdout(Stdio::from(file.try_clone().unwrap()))
        .stderr(Stdio::from(file));
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("pirros-local starts");
    let started = Instant::now();
    loop {
        let mut text = String::new();
        std::fs::File::open(&log)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        if let Some(rest) = text.split("listening on ").nth(1) {
            let base = rest.split_whitespace().next().unwrap().to_owned();
            return (child, base, log);
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("no start: {text}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Every value of query parameter `name` in the URLs among `bodies`.
fn url_params(answers: &[pirros_tests::exercise::Answer], name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for a in answers {
        let Some(url) = a
            .body
            .pointer("/response/download_url")
            .and_then(|u| u.as_str())
        else {
            continue;
        };
        let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
            if k == name {
                out.push(v.into_owned());
            }
        }
    }
    out
}

async fn secrets_stay_out_of_trace_logs(store: &str, env: &[(&str, &str)], signature: &str) {
    let fixture = fixture_path("world.json");
    let (mut child, base, log) = start_local(
        &["--store", store, "--fixture", fixture.to_str().unwrap()],
        env,
    );
    let http = reqwest::Client::new();
    let mut tokens = Vec::new();
    for c in CALLERS {
        let r = http
            .post(format!("{base}/oauth/token"))
            .json(&serde_json::json!({"grant_type": "client_credentials", "client_id": c, "client_secret": secret_of(c)}))
            .send()
            .await
            .unwrap();
        let body: serde_json::Value = r.json().await.unwrap();
        tokens.push((
            c.to_string(),
            body["access_token"].as_str().unwrap().to_owned(),
        ));
    }
    let answers = exercise(&http, &base, None, &tokens).await;
    let signatures = url_params(&answers, signature);
    assert!(!signatures.is_empty(), "no signed download URL was issued");
    let issued: Vec<String> = answers
        .iter()
        .filter_map(|a| a.body["access_token"].as_str().map(str::to_owned))
        .collect();
    child.kill().unwrap();
    child.wait().unwrap();
    let logs = std::fs::read_to_string(&log).unwrap();
    std::fs::remove_file(&log).unwrap();
    // The logs were captured: every /v1 and token request logs its outcome with its id
    // (the key set and the docs log nothing per request). On DynamoDB the SDK's own
    // trace events show the level was the most verbose one.
    if store == "dynamodb" {
        assert!(logs.contains("\"TRACE\""), "nothing at trace level");
    }
    for a in answers
        .iter()
        .filter(|a| a.request.contains("/v1/") || a.request.contains("/oauth/token"))
    {
        let id = a.headers["x-request-id"].to_str().unwrap();
        assert!(
            logs.contains(id),
            "{}: request id {id} not in the logs",
            a.request
        );
    }
    let mut leaks = Vec::new();
    for c in CALLERS {
        if logs.contains(&secret_of(c)) {
            leaks.push(format!("client secret of {c}"));
        }
    }
    for (what, values) in [
        (
            "bearer token",
            tokens
                .iter()
                .map(|(_, t)| t.clone())
                .chain(issued)
                .collect::<Vec<_>>(),
        ),
        ("download signature", signatures),
    ] {
        for v in values {
            // A JWT's signature part alone is enough to find it.
            let tail = v.rsplit('.').next().unwrap_or(&v);
            if logs.contains(tail) {
                leaks.push(format!("{what} {}...", &v[..12.min(v.len())]));
            }
        }
    }
    assert!(leaks.is_empty(), "{store}: the logs hold {leaks:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trace_logs_hold_no_secret_token_or_signature_embedded() {
    secrets_stay_out_of_trace_logs("memory", &[], "sig").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trace_logs_hold_no_secret_token_or_signature_dynamodb_and_s3() {
    let table = dynamo_env()["TABLE_NAME"].clone();
    let bucket = std::env::var("FILES_BUCKET").expect("test.sh sets FILES_BUCKET");
    secrets_stay_out_of_trace_logs(
        "dynamodb",
        &[("TABLE_NAME", &table), ("FILES_BUCKET", &bucket)],
        "X-Amz-Signature",
    )
    .await;
}

/// A client holding more connections open than the process may have files: the server
/// cannot take them all, but goes on, and answers once they close (it used to exit on the
/// first accept that failed, and stayed down).
#[tokio::test]
async fn the_server_outlives_running_out_of_file_descriptors() {
    let mut cmd = Command::new("sh");
    cmd.args([
        "-c",
        "ulimit -n 64 && exec \"$0\" \"$@\"",
        &bin("pirros-local").to_string_lossy(),
    ]);
    let (mut child, base, _log) = start_local_with(cmd, &[], &[]);
    let addr = base.trim_start_matches("http://").to_owned();
    let held: Vec<_> = (0..150)
        .filter_map(|_| std::net::TcpStream::connect(&addr).ok())
        .collect();
    assert!(held.len() > 64, "only {} connections opened", held.len());
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(
        child.try_wait().unwrap().is_none(),
        "pirros-local exited with {} connections open",
        held.len()
    );
    drop(held);
    let http = reqwest::Client::new();
    let started = Instant::now();
    let status = loop {
        match http
            .get(format!("{base}/.well-known/jwks.json"))
            .send()
            .await
        {
            Ok(r) => break r.status().as_u16(),
            Err(e) if started.elapsed() > Duration::from_secs(10) => panic!("no answer: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(status, 200);
}

/// A request whose headers, or whose body, trickle in holds its connection 30 seconds at
/// most: the first is closed, the second answered 400 in the envelope.
#[tokio::test]
async fn requests_that_never_finish_arriving_are_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let api = api(Backend::Memory).await;
    let addr = api.base.trim_start_matches("http://").to_owned();
    let started = Instant::now();
    let headers = async {
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        s.write_all(b"GET /.well-known/jwks.json HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        let mut buf = Vec::new();
        // Closed (possibly after a bare 408 from the HTTP layer) rather than held.
        let _ = tokio::time::timeout(Duration::from_secs(45), s.read_to_end(&mut buf))
            .await
            .expect("the connection was held past 45 s");
        started.elapsed()
    };
    let body = async {
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        s.write_all(
            format!(
                "POST /v1/workspaces/{A1}/stashes HTTP/1.1\r\nHost: x\r\n\
                 Content-Type: application/json\r\nContent-Length: 10\r\n\r\n{{}}"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
        let mut buf = vec![0; 4096];
        let n = tokio::time::timeout(Duration::from_secs(45), s.read(&mut buf))
            .await
            .expect("no answer within 45 s")
            .unwrap();
        String::from_utf8_lossy(&buf[..n]).into_owned()
    };
    let (header_wait, answer) = tokio::join!(headers, body);
    assert!(header_wait >= Duration::from_secs(25), "{header_wait:?}");
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("\"invalid_request\""), "{answer}");
    assert!(
        answer.contains("did not arrive within 30 seconds"),
        "{answer}"
    );
}
