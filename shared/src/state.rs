//! What a container builds once and every request shares.

use crate::ahead::known::KnownCredentials;
use crate::auth::keys::{KeyError, SigningKeys};
use crate::auth::verifier::Verifier;
use crate::config::Config;
use crate::config::aws::function_sdk_config;
use crate::files::FileSigner;
use crate::jobs::{NoQueue, SharedQueue};
use crate::killswitch::KillSwitch;
use crate::objects::s3::client as s3_client;
use crate::objects::{NoObjects, SharedObjects};
use crate::pagination::Cursors;
use crate::ratelimit::ApiLimiter;
use crate::store::dynamo::DynamoStore;
use crate::store::{SharedStore, StoreError};
use std::sync::Arc;
use std::time::Duration;

pub struct AppState {
    pub config: Config,
    pub store: SharedStore,
    /// The token signing keys: only the token function (and `pirros-local`) has them.
    pub signer: Option<SigningKeys>,
    /// Checks bearer tokens with the published public keys.
    pub verifier: Verifier,
    pub cursors: Cursors,
    pub files: FileSigner,
    pub kill_switch: KillSwitch,
    pub api_limiter: ApiLimiter,
    /// The credential each client last showed: what a read ahead that depends on grants
    /// guesses with (`crate::ahead::known`).
    pub known_credentials: KnownCredentials,
    /// Where uploads land and exports are written (the jobs function and `pirros-local`).
    pub objects: SharedObjects,
    /// Hands jobs to the worker (the jobs function and `pirros-local`).
    pub queue: SharedQueue,
    /// Seals endpoint secrets, checks their URLs and queues deliveries (the webhooks
    /// function and `pirros-local`).
    pub webhooks: Option<crate::webhooks::SharedWebhookKit>,
}

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("publishing the token signing keys failed: {0}")]
    Publish(#[from] StoreError),
    #[error("webhooks: {0}")]
    Webhooks(String),
}

impl AppState {
    pub fn new(
        config: Config,
        store: SharedStore,
        signer: Option<SigningKeys>,
        files: FileSigner,
    ) -> Self {
        let cursors = Cursors::default();
        Self {
            verifier: Verifier::new(Duration::from_secs(config.jwks_cache_secs), cursors.clone()),
            cursors,
            config,
            store,
            signer,
            files,
            kill_switch: KillSwitch::default(),
            api_limiter: ApiLimiter::default(),
            known_credentials: KnownCredentials::default(),
            objects: Arc::new(NoObjects),
            queue: Arc::new(NoQueue),
            webhooks: None,
        }
    }

    /// With what managing webhook endpoints needs.
    pub fn with_webhooks(mut self, kit: crate::webhooks::SharedWebhookKit) -> Self {
        self.webhooks = Some(kit);
        self
    }

    /// What managing webhook endpoints needs: 503 where it is not configured.
    pub fn webhook_kit(&self) -> Result<&dyn crate::webhooks::WebhookKit, crate::error::ApiError> {
        self.webhooks
            .as_deref()
            .ok_or(crate::error::ApiError::ServiceUnavailable(
                "Webhooks are not configured",
            ))
    }

    /// With object storage and a job queue: what starting and reading jobs needs.
    pub fn with_jobs(mut self, objects: SharedObjects, queue: SharedQueue) -> Self {
        self.objects = objects;
        self.queue = queue;
        self
    }

    /// Production wiring of a `/v1` function: SDK clients with bounded retries and timeouts,
    /// and one round of storage reads (the published token keys, the kill switch) so the
    /// connection is open before the first request arrives. No signing secret: tokens are
    /// checked with the public keys. `files` builds the download signer: only the downloads
    /// function passes `s3_signer`, so the others never link the S3 client.
    pub async fn from_env(
        files: fn(&aws_config::SdkConfig, &Config) -> FileSigner,
    ) -> Result<Arc<Self>, InitError> {
        Self::from_env_with_jobs(files, |_, _| Ok(None)).await
    }

    /// `from_env`, with the object storage and job queue that `jobs` builds (the jobs
    /// function's: S3 and SQS).
    pub async fn from_env_with_jobs(
        files: fn(&aws_config::SdkConfig, &Config) -> FileSigner,
        jobs: impl FnOnce(
            &aws_config::SdkConfig,
            &Config,
        )
            -> Result<Option<(SharedObjects, SharedQueue)>, crate::config::ConfigError>,
    ) -> Result<Arc<Self>, InitError> {
        let config = Config::from_env()?;
        let sdk = function_sdk_config();
        let store = dynamo_store(&sdk, &config);
        let files = files(&sdk, &config);
        let jobs = jobs(&sdk, &config)?;
        let mut state = Self::new(config, store, None, files);
        if let Some((objects, queue)) = jobs {
            state = state.with_jobs(objects, queue);
        }
        Ok(Self::warm_v1(state).await)
    }

    /// `from_env` with what managing webhook endpoints needs, which `kit` builds from the
    /// SDK configuration and the function's configuration (the webhooks function's).
    pub async fn from_env_with_webhooks<K, KFut>(kit: K) -> Result<Arc<Self>, InitError>
    where
        K: FnOnce(aws_config::SdkConfig, Config) -> KFut,
        KFut: std::future::Future<Output = Result<crate::webhooks::SharedWebhookKit, InitError>>,
    {
        let config = Config::from_env()?;
        let sdk = function_sdk_config();
        let store = dynamo_store(&sdk, &config);
        let kit = kit(sdk, config.clone()).await?;
        let state = Self::new(config, store, None, FileSigner::None).with_webhooks(kit);
        Ok(Self::warm_v1(state).await)
    }

    /// A `/v1` function's state on `store`, after its cold-start reads.
    pub async fn start_v1(config: Config, store: SharedStore, files: FileSigner) -> Arc<Self> {
        Self::warm_v1(Self::new(config, store, None, files)).await
    }

    /// `state` after one round of storage reads (the published token keys, the kill
    /// switch), which also opens the connection before the first request.
    pub async fn warm_v1(state: Self) -> Arc<Self> {
        let state = Arc::new(state);
        tokio::join!(
            state.verifier.refresh(state.store.as_ref()),
            state.kill_switch.is_on(state.store.as_ref())
        );
        state
    }

    /// Production wiring of the token function: the signing key from Secrets Manager, and
    /// its public keys published for the `/v1` functions before the first token is issued.
    pub async fn token_issuer_from_env() -> Result<Arc<Self>, InitError> {
        let config = Config::from_env()?;
        let sdk = function_sdk_config();
        let signer = SigningKeys::load(config.jwt_key()?, &sdk).await?;
        let store = dynamo_store(&sdk, &config);
        Self::start_token_issuer(config, store, signer).await
    }

    /// The token function's state on `store`, its public keys published.
    pub async fn start_token_issuer(
        config: Config,
        store: SharedStore,
        signer: SigningKeys,
    ) -> Result<Arc<Self>, InitError> {
        signer.publish(store.as_ref()).await?;
        Ok(Arc::new(Self::new(
            config,
            store,
            Some(signer),
            FileSigner::None,
        )))
    }
}

fn dynamo_store(sdk: &aws_config::SdkConfig, config: &Config) -> SharedStore {
    Arc::new(DynamoStore::new(
        aws_sdk_dynamodb::Client::new(sdk),
        config.table_name.clone(),
    ))
}

/// For functions that serve no files.
pub fn no_files(_: &aws_config::SdkConfig, _: &Config) -> FileSigner {
    FileSigner::None
}

/// Presigned S3 URLs for `FILES_BUCKET` (none configured: downloads answer 503).
pub fn s3_signer(sdk: &aws_config::SdkConfig, config: &Config) -> FileSigner {
    match &config.files_bucket {
        Some(bucket) => FileSigner::S3 {
            client: s3_client(sdk),
            bucket: bucket.clone(),
        },
        None => FileSigner::None,
    }
}
