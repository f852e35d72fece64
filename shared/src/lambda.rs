//! The Lambda entry points every function's `main.rs` calls: state once per container,
//! then the handler for every event.

use crate::AppState;
use crate::state::InitError;
use lambda_http::{Body, Error, Request, Response, service_fn};
use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;

/// A `/v1` (or docs) function: no signing secret.
pub async fn run<F, Fut>(
    files: fn(&aws_config::SdkConfig, &crate::config::Config) -> crate::files::FileSigner,
    handler: F,
) -> Result<(), Error>
where
    F: Fn(Arc<AppState>, Request) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response<Body>> + Send + 'static,
{
    crate::logging::init();
    serve(AppState::from_env(files).await, handler).await
}

/// A `/v1` function that starts and reads jobs: `jobs` builds its object storage and job
/// queue.
pub async fn run_with_jobs<F, Fut>(
    files: fn(&aws_config::SdkConfig, &crate::config::Config) -> crate::files::FileSigner,
    jobs: impl FnOnce(
        &aws_config::SdkConfig,
        &crate::config::Config,
    ) -> Result<
        Option<(crate::objects::SharedObjects, crate::jobs::SharedQueue)>,
        crate::config::ConfigError,
    >,
    handler: F,
) -> Result<(), Error>
where
    F: Fn(Arc<AppState>, Request) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response<Body>> + Send + 'static,
{
    crate::logging::init();
    serve(AppState::from_env_with_jobs(files, jobs).await, handler).await
}

/// The webhooks function: `kit` builds what managing endpoints needs.
pub async fn run_with_webhooks<K, KFut, F, Fut>(kit: K, handler: F) -> Result<(), Error>
where
    K: FnOnce(aws_config::SdkConfig, crate::config::Config) -> KFut,
    KFut: Future<Output = Result<crate::webhooks::SharedWebhookKit, InitError>>,
    F: Fn(Arc<AppState>, Request) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response<Body>> + Send + 'static,
{
    crate::logging::init();
    serve(AppState::from_env_with_webhooks(kit).await, handler).await
}

/// The token function: the only one that reads the signing secret.
pub async fn run_token_issuer<F, Fut>(handler: F) -> Result<(), Error>
where
    F: Fn(Arc<AppState>, Request) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response<Body>> + Send + 'static,
{
    crate::logging::init();
    serve(AppState::token_issuer_from_env().await, handler).await
}

async fn serve<F, Fut>(state: Result<Arc<AppState>, InitError>, handler: F) -> Result<(), Error>
where
    F: Fn(Arc<AppState>, Request) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response<Body>> + Send + 'static,
{
    crate::metrics::init().inspect_err(|e| tracing::error!(error = %e, "cannot start"))?;
    let state = state.map_err(|e| {
        tracing::error!(error = %e, "cannot start");
        e
    })?;
    let handler = Arc::new(handler);
    lambda_http::run(service_fn(move |req: Request| {
        let state = state.clone();
        let handler = handler.clone();
        async move { Ok::<_, Infallible>(crate::metrics::scoped(handler(state, req)).await) }
    }))
    .await
}
