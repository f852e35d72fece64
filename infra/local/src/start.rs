//! Building and starting a local server: configuration, store, keys, fixture, listener.

use crate::files::LocalFiles;
use crate::{App, serve};
use anyhow::{Context, bail};
use pirros_shared::AppState;
use pirros_shared::auth::keys::{SigningKeys, secret_value};
use pirros_shared::config::aws::{operator_timeouts, sdk_config};
use pirros_shared::config::{Config, JwtKeySource};
use pirros_shared::cors::{Cors, ORIGINS_VAR};
use pirros_shared::files::FileSigner;
use pirros_shared::objects::SharedObjects;
use pirros_shared::objects::local::LocalObjects;
use pirros_shared::objects::s3::S3Objects;
use pirros_shared::objects::s3::client as s3_client;
use pirros_shared::store::dynamo::DynamoStore;
use pirros_shared::store::memory::MemoryStore;
use pirros_shared::store::{SharedAdminStore, StopPoint};
use pirros_worker::inline::InlineQueue;
use pirros_worker::worker::Worker;
use rand::RngCore;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::net::TcpListener;

/// The demo fixture, compiled in so `pirros-local` needs no arguments.
pub const DEMO_FIXTURE: &str = include_str!("../../fixtures/demo.json");

pub fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum StoreKind {
    Memory,
    Dynamodb,
}

pub struct Options {
    pub store: StoreKind,
    /// `None`: the demo fixture with the embedded store, nothing with DynamoDB.
    pub fixture: Option<PathBuf>,
    pub addr: SocketAddr,
    /// The environment (the names README.md lists under Configuration).
    pub env: HashMap<String, String>,
}

pub struct Running {
    pub addr: SocketAddr,
    pub app: Arc<App>,
    /// The same store the handlers use (its call counters included), with the operator's
    /// writes (tests, the bench).
    pub admin: SharedAdminStore,
    /// The same table with operator timeouts, for bulk writes (seeding a test or a bench)
    /// that a busy table should delay rather than fail.
    pub operator: SharedAdminStore,
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
    /// Whether the demo fixture was loaded.
    pub demo: bool,
}

fn random_key() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

pub async fn start(opts: Options) -> anyhow::Result<Running> {
    let listener = TcpListener::bind(opts.addr)
        .await
        .with_context(|| format!("cannot listen on {}", opts.addr))?;
    let addr = listener.local_addr()?;
    let base = format!("http://{addr}");
    let mut env = opts.env;
    let set_default = |env: &mut HashMap<String, String>, k: &str, v: String| {
        if env.get(k).is_none_or(|x| x.trim().is_empty()) {
            env.insert(k.to_owned(), v);
        }
    };
    if opts.store == StoreKind::Memory {
        set_default(&mut env, "TABLE_NAME", "pirros-local".into());
    }
    if !env.contains_key("JWT_SECRET_ARN") {
        // A fresh key per process: local tokens die with the process, like a rotation.
        set_default(&mut env, "JWT_SECRET", random_key());
    }
    set_default(&mut env, "PDF_PUBLIC_BASE_URL", format!("{base}/public/"));
    let config = Config::from_map(&env)?;
    let cors = Cors::parse(env.get(ORIGINS_VAR).map(String::as_str))?;

    let need_sdk = opts.store == StoreKind::Dynamodb
        || matches!(config.jwt_key, Some(JwtKeySource::SecretArn(_)));
    let sdk = if need_sdk {
        Some(sdk_config().await)
    } else {
        None
    };
    // A key that cannot be read or used stops the server naming the variable it came from.
    let named = |src: &JwtKeySource, arn: &'static str, inline: &'static str| match src {
        JwtKeySource::SecretArn(_) => arn,
        JwtKeySource::Inline(_) => inline,
    };
    let jwt_var = named(config.jwt_key()?, "JWT_SECRET_ARN", "JWT_SECRET");
    let key_value = match (config.jwt_key()?, &sdk) {
        (JwtKeySource::Inline(v), _) => v.clone(),
        (src, Some(sdk)) => secret_value(src, sdk).await.context(jwt_var)?,
        (_, None) => bail!("no SDK configuration for the JWT secret"),
    };
    let signer = SigningKeys::parse(&key_value).context(jwt_var)?;
    let local_file_key = random_key().into_bytes();
    // The table's creation and the fixture's import go through `setup` (operator timeouts);
    // the handlers keep the request path's.
    let mut setup: Option<SharedAdminStore> = None;
    // Whether the store starts empty: a fixture seeds it (its first state, no events);
    // over a table that holds data already, the fixture is an import, whose changes are
    // events like `pirros-admin import`'s, so no copy kept from the feed misses them.
    let mut fresh = true;
    let transaction_items = transaction_items(&env)?;
    let stop = || stop_point(&env);
    let (store, files, s3): (
        SharedAdminStore,
        FileSigner,
        Option<(aws_sdk_s3::Client, String)>,
    ) = match opts.store {
        StoreKind::Memory => (
            Arc::new(
                MemoryStore::new()
                    .with_transaction_items(transaction_items)
                    .with_stop(stop()?),
            ),
            FileSigner::Local {
                base_url: base.clone(),
                key: local_file_key.clone(),
            },
            None,
        ),
        StoreKind::Dynamodb => {
            let sdk = sdk.as_ref().expect("built above");
            // The SDK reads endpoints from the process environment; a caller-supplied
            // environment (tests running several servers) may point elsewhere.
            let mut ddb = aws_sdk_dynamodb::config::Builder::from(sdk);
            if let Some(url) = env.get("AWS_ENDPOINT_URL_DYNAMODB") {
                ddb = ddb.endpoint_url(url);
            }
            let operator = DynamoStore::new(
                aws_sdk_dynamodb::Client::from_conf(
                    ddb.clone().timeout_config(operator_timeouts()).build(),
                ),
                config.table_name.clone(),
            );
            fresh = operator
                .create_table()
                .await
                .context("creating the table")?;
            setup = Some(Arc::new(operator));
            let store = DynamoStore::new(
                aws_sdk_dynamodb::Client::from_conf(ddb.build()),
                config.table_name.clone(),
            )
            .with_transaction_items(transaction_items)
            .with_stop(stop()?);
            match &config.files_bucket {
                Some(bucket) => {
                    let client = s3_client(sdk);
                    (
                        Arc::new(store),
                        FileSigner::S3 {
                            client: client.clone(),
                            bucket: bucket.clone(),
                        },
                        Some((client, bucket.clone())),
                    )
                }
                None => (
                    Arc::new(store),
                    FileSigner::Local {
                        base_url: base.clone(),
                        key: local_file_key.clone(),
                    },
                    None,
                ),
            }
        }
    };

    let (text, dir, demo) = match (&opts.fixture, opts.store) {
        (Some(path), _) => (
            Some(
                std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read fixture {}", path.display()))?,
            ),
            path.parent().map(Path::to_path_buf).unwrap_or_default(),
            false,
        ),
        (None, StoreKind::Memory) => (Some(DEMO_FIXTURE.to_owned()), demo_dir(), true),
        (None, StoreKind::Dynamodb) => (None, PathBuf::new(), false),
    };
    let mut file_entries = Vec::new();
    if let Some(text) = text {
        let setup = setup.as_ref().unwrap_or(&store);
        let fx = pirros_fixture::load(&text, &dir, setup.as_ref())
            .await
            .map_err(|problems| anyhow::anyhow!("fixture refused:\n  {}", problems.join("\n  ")))?;
        let bucket = s3.as_ref().map(|(c, b)| (c, b.as_str()));
        let written = match fresh {
            true => pirros_fixture::write(&fx, setup.as_ref(), bucket).await,
            false => pirros_fixture::import(&fx, setup.as_ref(), bucket).await,
        }
        .map_err(|e| anyhow::anyhow!("fixture not written: {e}"))?;
        for id in written.kept_credentials {
            tracing::info!(client_id = %id, "credential exists already: left as it is");
        }
        file_entries = written.objects;
    }
    // As on AWS: the token side publishes its public keys, and the /v1 side reads them from
    // storage and verifies with them alone (it never touches `signer`).
    signer
        .publish(store.as_ref())
        .await
        .context("publishing the token signing keys")?;
    // Uploads and exports: the bucket when there is one, else a directory of this server's
    // own, which its file server serves and takes uploads into. The worker runs here too.
    let mut local_files = LocalFiles::new(local_file_key.clone(), &file_entries);
    let objects: SharedObjects = match &s3 {
        Some((client, bucket)) => {
            let objects: SharedObjects = Arc::new(S3Objects::new(client.clone(), bucket.clone()));
            local_files = local_files.with_bucket(objects.clone());
            objects
        }
        None => {
            let dir = tempfile::Builder::new()
                .prefix("pirros-local-files-")
                .tempdir()
                .context("creating the local files directory")?;
            let objects = Arc::new(LocalObjects::new(
                dir.path().to_path_buf(),
                base.clone(),
                local_file_key,
                file_entries
                    .iter()
                    .map(|e| (e.key.clone(), e.path.clone()))
                    .collect(),
            ));
            local_files = local_files.with_objects(objects.clone(), dir);
            objects
        }
    };
    let worker = Arc::new(Worker {
        store: store.clone(),
        objects: objects.clone(),
        max_upload_bytes: config.max_upload_bytes,
        max_export_bytes: config.max_export_bytes,
        scratch_dir: std::env::temp_dir(),
    });
    // Endpoint secrets are sealed with WEBHOOK_KEY when it is set (set it to keep them
    // readable across restarts on DynamoDB Local), else with the token key material.
    let webhook_key = match (&config.webhook_key, &sdk) {
        (Some(JwtKeySource::Inline(v)), _) => v.clone(),
        (Some(src), Some(sdk)) => {
            secret_value(src, sdk)
                .await
                .context(named(src, "WEBHOOK_KEY_ARN", "WEBHOOK_KEY"))?
        }
        (Some(_), None) => bail!("no SDK configuration for the webhook key"),
        (None, _) => key_value.clone(),
    };
    let webhooks = crate::webhooks::start(&env, &webhook_key, store.clone()).await?;
    let state = Arc::new(
        AppState::new(config, store.clone(), Some(signer), files)
            .with_jobs(
                objects,
                Arc::new(InlineQueue {
                    hold: job_hold(&env)?,
                    ..InlineQueue::new(worker)
                }),
            )
            .with_webhooks(Arc::new(webhooks)),
    );
    state.verifier.refresh(state.store.as_ref()).await;
    let app = Arc::new(App {
        state,
        files: local_files,
        cors,
    });
    let task = tokio::spawn(serve(listener, app.clone()));
    Ok(Running {
        addr,
        app,
        operator: setup.unwrap_or_else(|| store.clone()),
        admin: store,
        task,
        demo,
    })
}

/// `STORE_TRANSACTION_ITEMS`: most items a stash write puts in one transaction before it
/// goes in steps (2 to 100; DynamoDB's 100 when unset). Lower, the stepped path runs on
/// small stashes, on either store (the tests use it).
fn transaction_items(env: &HashMap<String, String>) -> anyhow::Result<usize> {
    match env.get("STORE_TRANSACTION_ITEMS") {
        None => Ok(100),
        Some(v) => match v.trim().parse::<usize>() {
            Ok(n) if (2..=100).contains(&n) => Ok(n),
            _ => bail!("STORE_TRANSACTION_ITEMS must be a whole number from 2 to 100, got {v:?}"),
        },
    }
}

/// `LOCAL_JOB_HOLD_MS` (0 to 600000; 0 when unset): how long a job waits before the
/// in-process worker takes it. The budget test and the routes bench count a job-starting
/// request's own storage calls, which the worker's would otherwise join.
fn job_hold(env: &HashMap<String, String>) -> anyhow::Result<std::time::Duration> {
    match env.get("LOCAL_JOB_HOLD_MS") {
        None => Ok(std::time::Duration::ZERO),
        Some(v) => match v.trim().parse::<u64>() {
            Ok(ms) if ms <= 600_000 => Ok(std::time::Duration::from_millis(ms)),
            _ => bail!("LOCAL_JOB_HOLD_MS must be a whole number from 0 to 600000, got {v:?}"),
        },
    }
}

/// `STORE_STOP_AFTER` (`journaled` or `unlinked`): a stash delete going in steps stops once
/// after that step, as if the process died there (tests of what a stopped delete leaves).
fn stop_point(env: &HashMap<String, String>) -> anyhow::Result<StopPoint> {
    StopPoint::from_setting(env.get("STORE_STOP_AFTER").map(String::as_str))
        .map_err(anyhow::Error::msg)
}
