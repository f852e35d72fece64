//! The Lambda path: requests reach the real function binaries (debug build) as API Gateway
//! HTTP API events, through a local Lambda Runtime API, against DynamoDB Local.
//!
//! API Gateway itself answers requests that match no route with `{"message":"Not Found"}`;
//! here they go to a function instead (the one serving the path with another method, else
//! `docs`), so the 404/405 envelopes the functions give, which `pirros-local` also gives,
//! can be asserted on this path too.

use crate::routes;
use pirros_runtime_api::gateway::{Functions, Gateway, Router, Target};
use pirros_shared::routes::Function;
use reqwest::Method;
use std::collections::HashMap;
use std::sync::Arc;

/// Where the function binaries of this build are.
pub fn bin_dir() -> std::path::PathBuf {
    crate::bin("pirros-tags")
        .parent()
        .expect("target dir")
        .to_owned()
}

pub fn router() -> Router {
    Arc::new(|method: &Method, path: &str| {
        let (function, route_key) = match routes::template_for(method, path) {
            Some(t) => (
                routes::function_for(method, path).unwrap_or(Function::Docs),
                format!("{method} {t}"),
            ),
            None => {
                let other = if path.starts_with("/oauth/") {
                    Some(Function::OAuth)
                } else {
                    [Method::GET, Method::POST, Method::PATCH]
                        .iter()
                        .find_map(|m| routes::function_for(m, path))
                };
                (other.unwrap_or(Function::Docs), "$default".to_owned())
            }
        };
        Target {
            function: format!("pirros-{}", function.name()),
            route_key,
        }
    })
}

/// A gateway in front of the function binaries, each started with `env` on first use.
pub async fn gateway(mut env: HashMap<String, String>) -> Gateway {
    env.entry("RUST_LOG".into())
        .or_insert_with(|| "warn".into());
    // As the stack sets it: PDFs are served from the distribution's domain.
    env.entry("PDF_PUBLIC_BASE_URL".into())
        .or_insert_with(|| "https://pdfs.example.com/".into());
    // The jobs function needs its queue to start; no event of this path queues a job.
    env.entry("JOBS_QUEUE_URL".into())
        .or_insert_with(|| "http://127.0.0.1:9/000000000000/pirros-jobs".into());
    // So does the webhooks function: its key and its delivery queue (no event of this
    // path queues a delivery).
    env.entry("WEBHOOK_QUEUE_URL".into())
        .or_insert_with(|| "http://127.0.0.1:9/000000000000/pirros-webhooks".into());
    env.entry("WEBHOOK_KEY".into())
        .or_insert_with(|| "lambda-path-webhook-key-0123456789abcdef".into());
    Gateway::start(Functions::new(bin_dir(), env), router())
        .await
        .expect("gateway starts")
}
