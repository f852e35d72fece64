//! Lambda entry point: state is built once per container (with the key that seals endpoint
//! secrets, derived from the token signing secret, and the delivery queue), then every
//! event is handled by the library's `handle`, the same function `pirros-local` mounts.

use pirros_delivery::sqs::SqsDeliveryQueue;
use pirros_delivery::{Kit, sealer_from};
use pirros_outbound::UrlPolicy;
use pirros_shared::auth::keys::secret_value;
use pirros_shared::state::InitError;
use std::sync::Arc;

/// The delivery queue's URL.
const QUEUE_VAR: &str = "WEBHOOK_QUEUE_URL";

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    pirros_shared::lambda::run_with_webhooks(
        |sdk, config| async move {
            let value = secret_value(config.webhook_key()?, &sdk).await?;
            let sealer = sealer_from(&value).map_err(InitError::Webhooks)?;
            let url = std::env::var(QUEUE_VAR)
                .ok()
                .filter(|u| !u.trim().is_empty())
                .ok_or(InitError::Webhooks(format!("{QUEUE_VAR} is not set")))?;
            let queue = SqsDeliveryQueue::new(aws_sdk_sqs::Client::new(&sdk), url);
            let kit: pirros_shared::webhooks::SharedWebhookKit = Arc::new(Kit {
                sealer,
                policy: UrlPolicy::from_env().map_err(InitError::Webhooks)?,
                queue: Arc::new(queue),
                follower: None,
            });
            Ok(kit)
        },
        |state, req| async move { pirros_webhooks::handle(&state, req).await },
    )
    .await
}
