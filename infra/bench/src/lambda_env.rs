//! What the bench's function binaries need around them to start as on Lambda: their keys in
//! Secrets Manager (moto) and their queues named, and a job of the demo client's to read.

use serde_json::{Value, json};
use std::collections::HashMap;

/// Moves `JWT_SECRET` of `env` into Secrets Manager (`JWT_SECRET_ARN`), as the functions
/// read the signing key at init, puts the webhook key there too (`WEBHOOK_KEY_ARN`), and
/// names the jobs' and the deliveries' queues (at an address nothing answers: no first event
/// the bench sends queues anything, but the functions need them named to start).
pub(crate) async fn function_env(env: &mut HashMap<String, String>) -> anyhow::Result<()> {
    let sdk = pirros_shared::config::aws::sdk_config().await;
    let secrets = aws_sdk_secretsmanager::Client::new(&sdk);
    let secret = async |name: &str, value: String| {
        let out = secrets
            .create_secret()
            .name(format!("bench-{name}-{}", uuid::Uuid::new_v4().simple()))
            .secret_string(value)
            .send()
            .await?;
        anyhow::Ok(out.arn().unwrap_or_default().to_owned())
    };
    let signing = env
        .remove("JWT_SECRET")
        .ok_or_else(|| anyhow::anyhow!("JWT_SECRET is not set"))?;
    let signing = secret("jwt", signing).await?;
    let webhook = secret("webhook", crate::delivery_cost::WEBHOOK_KEY.to_owned()).await?;
    env.insert("JWT_SECRET_ARN".into(), signing);
    env.insert("WEBHOOK_KEY_ARN".into(), webhook);
    for (var, queue) in [
        ("JOBS_QUEUE_URL", "pirros-jobs"),
        ("WEBHOOK_QUEUE_URL", "pirros-webhooks"),
    ] {
        env.insert(
            var.into(),
            format!("http://127.0.0.1:9/000000000000/{queue}"),
        );
    }
    Ok(())
}

/// A job of the demo client's: an export of the demo stash, waited for until it ends, so
/// that its zip does not share the cores with what is measured next.
pub(crate) async fn ended_export(
    http: &reqwest::Client,
    base: &str,
    ws: &str,
    token: &str,
) -> anyhow::Result<String> {
    let export: Value = http
        .post(format!(
            "{base}/v1/workspaces/{ws}/stashes/stash-library-doors/exports"
        ))
        .bearer_auth(token)
        .json(&json!({}))
        .send()
        .await?
        .json()
        .await?;
    let job = export["response"]["job"]["id"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("no export job: {export}"))?
        .to_owned();
    let ended: Value = http
        .get(format!(
            "{base}/v1/workspaces/{ws}/jobs/{job}?wait_for_completion=true"
        ))
        .bearer_auth(token)
        .send()
        .await?
        .json()
        .await?;
    anyhow::ensure!(
        ended["response"]["status"] == "succeeded",
        "the export did not succeed: {ended}"
    );
    Ok(job)
}
