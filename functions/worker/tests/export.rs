//! Exports and multipart uploads against a real S3 emulator (s3rver, started by
//! infra/scripts/test.sh, which exports `AWS_ENDPOINT_URL_S3` and `FILES_BUCKET`). The zips
//! are read back with an independent implementation, the `zip` crate.

use std::io::{Cursor, Read};
use std::sync::{Arc, Mutex};

use aws_sdk_s3::Client;
use aws_sdk_s3::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_s3::config::{ConfigBag, Intercept, RuntimeComponents};
use pirros_objects::ObjectError;
use pirros_objects::s3::S3Objects;
use pirros_worker::export::{ExportError, ExportFile, export_zip};
use pirros_worker::multipart::{MultipartError, PART_BYTES, upload_stream};
use rand::{RngCore, SeedableRng};

/// Every request the client sends: method, path and query, body length.
#[derive(Debug, Default, Clone)]
struct Requests(Arc<Mutex<Vec<(String, String, u64)>>>);

impl Intercept for Requests {
    fn name(&self) -> &'static str {
        "Requests"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let request = context.request();
        let uri = request.uri();
        let path = uri.find("://").map_or(uri, |i| {
            let rest = &uri[i + 3..];
            rest.find('/').map_or("/", |j| &rest[j..])
        });
        let len = request
            .headers()
            .get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        self.0
            .lock()
            .unwrap()
            .push((request.method().to_owned(), path.to_owned(), len));
        Ok(())
    }
}

impl Requests {
    /// Body sizes of the UploadPart requests, in the order they were sent.
    fn part_sizes(&self) -> Vec<u64> {
        self.matching("PUT", "partNumber=")
    }

    fn aborts(&self) -> usize {
        self.matching("DELETE", "uploadId=").len()
    }

    fn completes(&self) -> usize {
        self.matching("POST", "uploadId=").len()
    }

    fn matching(&self, method: &str, query: &str) -> Vec<u64> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|(m, path, _)| m == method && path.contains(query))
            .map(|(_, _, len)| *len)
            .collect()
    }
}

fn bucket() -> String {
    std::env::var("FILES_BUCKET").expect("run with infra/scripts/test.sh (FILES_BUCKET, s3rver)")
}

/// A client of the emulator (path-style addressing, checksums only where S3 requires
/// them, as the functions' clients) that records its requests.
async fn client() -> (Client, Requests) {
    assert!(
        std::env::var_os("AWS_ENDPOINT_URL_S3").is_some(),
        "run with infra/scripts/test.sh (AWS_ENDPOINT_URL_S3, s3rver)"
    );
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let requests = Requests::default();
    let conf = aws_sdk_s3::config::Builder::from(&sdk)
        .force_path_style(true)
        .request_checksum_calculation(aws_sdk_s3::config::RequestChecksumCalculation::WhenRequired)
        .interceptor(requests.clone())
        .build();
    (Client::from_conf(conf), requests)
}

/// A key prefix of its own for each test run.
fn prefix(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("worker-tests/{test}-{nanos}")
}

fn random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut data = vec![0u8; len];
    rand::rngs::StdRng::seed_from_u64(seed).fill_bytes(&mut data);
    data
}

async fn put(client: &Client, key: &str, data: &[u8]) {
    client
        .put_object()
        .bucket(bucket())
        .key(key)
        .body(data.to_vec().into())
        .send()
        .await
        .unwrap();
}

async fn get(client: &Client, key: &str) -> Option<Vec<u8>> {
    match client.get_object().bucket(bucket()).key(key).send().await {
        Ok(object) => Some(object.body.collect().await.unwrap().to_vec()),
        Err(e) if e.as_service_error().is_some_and(|e| e.is_no_such_key()) => None,
        Err(e) => panic!("GetObject {key}: {e:?}"),
    }
}

#[tokio::test]
async fn export_zips_every_file_with_its_manifest() {
    let (client, requests) = client().await;
    let bucket = bucket();
    let p = prefix("export");
    // The Revit file alone spans three parts; a duplicate name, an empty file and a name
    // outside ASCII sit beside it.
    let sources = [
        ("details/Wall section.pdf", random_bytes(300_000, 1)),
        (
            "families/Door.rfa",
            random_bytes(2 * PART_BYTES + 123_456, 2),
        ),
        ("families/Door.rfa", b"another door".to_vec()),
        ("empty.txt", Vec::new()),
        ("Détail ü.pdf", random_bytes(1000, 3)),
    ];
    let mut files = Vec::new();
    for (i, (name, data)) in sources.iter().enumerate() {
        let key = format!("{p}/src/{i}");
        put(&client, &key, data).await;
        files.push(ExportFile {
            key,
            name: (*name).to_owned(),
        });
    }
    let manifest = serde_json::json!({
        "stash_id": "stash-1",
        "files": sources.iter().map(|(name, data)| serde_json::json!({"name": name, "size_bytes": data.len()})).collect::<Vec<_>>(),
        "skipped": [{"type": "detail", "id": "d-9", "reason": "forbidden"}],
    });
    let target = format!("{p}/export.zip");

    let objects = S3Objects::new(client.clone(), bucket.clone());
    let summary = export_zip(&objects, &files, &manifest, &target)
        .await
        .unwrap();
    assert_eq!(summary.files, 5);
    let total: usize = sources.iter().map(|(_, d)| d.len()).sum();
    assert_eq!(summary.bytes, total as u64);
    assert_eq!(summary.key, target);

    // Full parts but the last, which is shorter; one completion, no abort.
    let parts = requests.part_sizes();
    assert!(parts.len() >= 3, "{parts:?}");
    let (last, full) = parts.split_last().unwrap();
    assert!(full.iter().all(|&n| n == PART_BYTES as u64), "{parts:?}");
    assert!(*last > 0 && *last < PART_BYTES as u64, "{parts:?}");
    assert_eq!((requests.completes(), requests.aborts()), (1, 0));

    let zip_bytes = get(&client, &target)
        .await
        .expect("the export object exists");
    assert_eq!(zip_bytes.len() as u64, parts.iter().sum::<u64>());
    let mut archive = zip::ZipArchive::new(Cursor::new(zip_bytes)).unwrap();
    let names: Vec<_> = archive.file_names().map(str::to_owned).collect();
    let mut expected_names = vec![
        "manifest.json",
        "details/Wall section.pdf",
        "families/Door.rfa",
        "families/Door (2).rfa",
        "empty.txt",
        "Détail ü.pdf",
    ];
    let mut sorted = names.clone();
    sorted.sort();
    expected_names.sort();
    assert_eq!(sorted, expected_names);

    let read = |archive: &mut zip::ZipArchive<Cursor<Vec<u8>>>, name: &str| {
        let mut entry = archive.by_name(name).unwrap();
        assert_eq!(entry.compression(), zip::CompressionMethod::Stored);
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        data
    };
    let in_zip = read(&mut archive, "manifest.json");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&in_zip).unwrap(),
        manifest
    );
    let zipped_names = [
        "details/Wall section.pdf",
        "families/Door.rfa",
        "families/Door (2).rfa",
        "empty.txt",
        "Détail ü.pdf",
    ];
    for ((_, data), name) in sources.iter().zip(zipped_names) {
        assert!(read(&mut archive, name) == *data, "{name} differs");
    }
}

#[tokio::test]
async fn an_export_of_no_file_holds_only_the_manifest() {
    let (client, _) = client().await;
    let target = format!("{}/export.zip", prefix("empty-export"));
    let manifest = serde_json::json!({"files": []});
    let objects = S3Objects::new(client.clone(), bucket());
    let summary = export_zip(&objects, &[], &manifest, &target).await.unwrap();
    assert_eq!((summary.files, summary.bytes), (0, 0));
    let zip_bytes = get(&client, &target).await.unwrap();
    let mut archive = zip::ZipArchive::new(Cursor::new(zip_bytes)).unwrap();
    assert_eq!(archive.file_names().collect::<Vec<_>>(), ["manifest.json"]);
    let mut text = String::new();
    archive
        .by_index(0)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&text).unwrap(),
        manifest
    );
}

#[tokio::test]
async fn a_missing_file_aborts_the_export_and_leaves_no_object() {
    let (client, requests) = client().await;
    let p = prefix("missing");
    // A first file larger than a part, so the failure comes while a part is on its way.
    let big = format!("{p}/src/big");
    put(&client, &big, &random_bytes(PART_BYTES + 1000, 4)).await;
    let files = [
        ExportFile {
            key: big,
            name: "big.pdf".into(),
        },
        ExportFile {
            key: format!("{p}/src/gone"),
            name: "gone.pdf".into(),
        },
    ];
    let target = format!("{p}/export.zip");
    let objects = S3Objects::new(client.clone(), bucket());
    let err = export_zip(&objects, &files, &serde_json::json!({}), &target)
        .await
        .unwrap_err();
    match &err {
        ExportError::Source { key, .. } => assert!(key.ends_with("/src/gone"), "{err}"),
        other => panic!("{other:?}"),
    }
    assert_eq!((requests.completes(), requests.aborts()), (0, 1));
    assert_eq!(get(&client, &target).await, None);
}

#[tokio::test]
async fn an_unwritable_target_fails_the_export() {
    let (client, requests) = client().await;
    let objects = S3Objects::new(client.clone(), "no-such-bucket-for-exports");
    let err = export_zip(&objects, &[], &serde_json::json!({}), "export.zip")
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            ExportError::Upload(ObjectError::Failed {
                operation: "CreateMultipartUpload",
                ..
            })
        ),
        "{err:?}"
    );
    assert!(requests.part_sizes().is_empty());
}

#[tokio::test]
async fn upload_stream_sends_full_parts_and_a_short_last_one() {
    let p = prefix("multipart");
    for (len, parts) in [(0, 1), (1000, 1), (PART_BYTES, 1), (PART_BYTES + 1, 2)] {
        let (client, requests) = client().await;
        let data = random_bytes(len, len as u64);
        let key = format!("{p}/{len}");
        let uploaded = upload_stream(
            &client,
            &bucket(),
            &key,
            "application/octet-stream",
            &data[..],
        )
        .await
        .unwrap();
        assert_eq!(uploaded, len as u64);
        assert_eq!(requests.part_sizes().len(), parts, "{len} bytes");
        assert!(
            get(&client, &key).await.unwrap() == data,
            "{len} bytes differ"
        );
    }
}

#[tokio::test]
async fn a_failing_stream_aborts_the_upload() {
    let (client, requests) = client().await;
    let key = format!("{}/broken", prefix("multipart-broken"));
    let data = random_bytes(PART_BYTES + 10, 5);
    let broken = tokio::io::AsyncReadExt::chain(&data[..], FailingReader);
    let err = upload_stream(&client, &bucket(), &key, "application/octet-stream", broken)
        .await
        .unwrap_err();
    assert!(matches!(err, MultipartError::Read(_)), "{err:?}");
    assert_eq!(requests.part_sizes(), [PART_BYTES as u64]);
    assert_eq!((requests.completes(), requests.aborts()), (0, 1));
    assert_eq!(get(&client, &key).await, None);
}

struct FailingReader;

impl tokio::io::AsyncRead for FailingReader {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        _: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Err(std::io::ErrorKind::ConnectionReset.into()))
    }
}
