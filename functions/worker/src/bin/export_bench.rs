//! Memory and speed of a stash export: uploads `--files` objects totalling `--total-mb` MB
//! to the bucket (in a child process, once: a rerun of the same size reuses them), exports
//! them into one zip with the worker's own `export_zip`, and prints the throughput and this
//! process's peak resident memory (Linux VmHWM), which is what a Lambda function's memory
//! size must hold.
//!
//! Against s3rver, from the repository root:
//!   source infra/scripts/emulators.sh && emulators_install && emulators_start
//!   cargo build --release -p pirros-worker --bin export_bench
//!   target/release/export_bench --files 20 --total-mb 1000
//!   emulators_stop
//! `--repeat K` zips each object K times (an export of K × `--total-mb`), for a large export
//! on a machine short of disk: the emulator then holds the sources once.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use aws_sdk_s3::Client;
use pirros_objects::s3::S3Objects;
use pirros_worker::export::{ExportFile, export_zip};
use pirros_worker::multipart::upload_stream;
use tokio::io::{AsyncRead, ReadBuf};

const MB: u64 = 1_000_000;

struct Args {
    files: u64,
    total_bytes: u64,
    repeat: u64,
    setup_only: bool,
}

fn args() -> Result<Args, String> {
    let mut args = Args {
        files: 20,
        total_bytes: 100 * MB,
        repeat: 1,
        setup_only: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || -> Result<u64, String> {
            it.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{flag} needs a whole number"))
        };
        match flag.as_str() {
            "--files" => args.files = value()?.max(1),
            "--total-mb" => args.total_bytes = value()? * MB,
            "--repeat" => args.repeat = value()?.max(1),
            "--setup-only" => args.setup_only = true,
            _ => {
                return Err(format!(
                    "unknown argument {flag}; usage: export_bench [--files N] [--total-mb MB] [--repeat K]"
                ));
            }
        }
    }
    Ok(args)
}

/// Incompressible bytes made on the fly (xorshift64*), so the setup never holds a file.
struct Generated {
    remaining: u64,
    state: u64,
}

impl AsyncRead for Generated {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let n = (buf.remaining() as u64).min(self.remaining) as usize;
        let mut state = self.state;
        for word in buf.initialize_unfilled_to(n).chunks_mut(8) {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            let v = state.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes();
            word.copy_from_slice(&v[..word.len()]);
        }
        buf.advance(n);
        self.state = state;
        self.remaining -= n as u64;
        Poll::Ready(Ok(()))
    }
}

/// A `/proc/self/status` field in MiB (VmHWM: peak resident set, VmRSS: current).
fn status_mib(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches(" kB").parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

async fn client() -> Client {
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let conf = aws_sdk_s3::config::Builder::from(&sdk)
        .force_path_style(std::env::var_os("AWS_ENDPOINT_URL_S3").is_some())
        .request_checksum_calculation(aws_sdk_s3::config::RequestChecksumCalculation::WhenRequired)
        .build();
    Client::from_conf(conf)
}

async fn object_size(client: &Client, bucket: &str, key: &str) -> Option<u64> {
    let head = client
        .head_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .ok()?;
    head.content_length.and_then(|n| u64::try_from(n).ok())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = args()?;
    let bucket = std::env::var("FILES_BUCKET")
        .map_err(|_| "FILES_BUCKET is not set (start the emulators first)")?;
    let client = client().await;

    let prefix = format!("bench/export/{}x{}", args.files, args.total_bytes);
    let files: Vec<_> = (0..args.files)
        .map(|i| ExportFile {
            key: format!("{prefix}/{i}.rvt"),
            name: format!("files/model-{i}.rvt"),
        })
        .collect();
    if args.setup_only {
        for (i, file) in (0..).zip(&files) {
            let size = args.total_bytes / args.files + u64::from(i < args.total_bytes % args.files);
            if object_size(&client, &bucket, &file.key).await != Some(size) {
                let data = Generated {
                    remaining: size,
                    state: 0x9e37_79b9_7f4a_7c15 ^ (i + 1),
                };
                upload_stream(
                    &client,
                    &bucket,
                    &file.key,
                    "application/octet-stream",
                    data,
                )
                .await?;
            }
        }
        return Ok(());
    }
    // The setup runs in a child so that its buffers are not counted in this process's peak.
    let setup = Instant::now();
    let status = std::process::Command::new(std::env::current_exe()?)
        .args(std::env::args().skip(1))
        .arg("--setup-only")
        .status()?;
    if !status.success() {
        return Err(format!("setup failed: {status}").into());
    }
    eprintln!(
        "setup: {} files in {:.1} s",
        args.files,
        setup.elapsed().as_secs_f64()
    );

    let zipped: Vec<ExportFile> = (0..args.repeat)
        .flat_map(|_| files.iter().cloned())
        .collect();
    let manifest = serde_json::json!({
        "files": zipped.iter().map(|f| serde_json::json!({"name": f.name})).collect::<Vec<_>>(),
    });
    let rss_at_start = status_mib("VmRSS");
    let started = Instant::now();
    let target = format!("{prefix}/export.zip");
    let objects = S3Objects::new(client.clone(), bucket.clone());
    let summary = export_zip(&objects, &zipped, &manifest, &target).await?;
    let secs = started.elapsed().as_secs_f64();
    let peak = status_mib("VmHWM");
    let zip_size = object_size(&client, &bucket, &target).await.unwrap_or(0);
    // The zip is as large as the export: not kept on the emulator's disk.
    client
        .delete_object()
        .bucket(&bucket)
        .key(&target)
        .send()
        .await?;

    let report = serde_json::json!({
        "files": summary.files,
        "bytes": summary.bytes,
        "zip_bytes": zip_size,
        "seconds": (secs * 100.0).round() / 100.0,
        "throughput_mb_per_s": (summary.bytes as f64 / MB as f64 / secs * 10.0).round() / 10.0,
        "rss_at_start_mib": (rss_at_start * 10.0).round() / 10.0,
        "peak_rss_mib": (peak * 10.0).round() / 10.0,
    });
    println!("{report}");
    Ok(())
}
