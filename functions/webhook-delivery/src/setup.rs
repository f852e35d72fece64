//! What a container builds once: the table, the queue, the key that opens endpoint secrets
//! (derived from the token signing secret), the sender and the retry schedule.

use pirros_auth::keys::secret_value;
use pirros_config::{Config, ConfigError};
use pirros_delivery::sqs::SqsDeliveryQueue;
use pirros_delivery::{Deliverer, sealer_from};
use pirros_outbound::{RetrySchedule, Sealer, Sender, UrlPolicy};
use pirros_store::SharedStore;
use pirros_store::dynamo::DynamoStore;
use std::sync::Arc;

/// The delivery queue's URL.
pub const QUEUE_VAR: &str = "WEBHOOK_QUEUE_URL";

pub struct Parts {
    pub store: SharedStore,
    pub queue: Arc<SqsDeliveryQueue>,
    pub sdk: aws_config::SdkConfig,
    pub config: Config,
}

pub async fn parts() -> Result<Parts, Box<dyn std::error::Error + Send + Sync>> {
    let config = Config::from_env()?;
    let url = std::env::var(QUEUE_VAR)
        .ok()
        .filter(|u| !u.trim().is_empty())
        .ok_or(ConfigError::Missing(QUEUE_VAR))?;
    let sdk = pirros_config::aws::function_sdk_config();
    let store: SharedStore = Arc::new(DynamoStore::new(
        aws_sdk_dynamodb::Client::new(&sdk),
        config.table_name.clone(),
    ));
    let queue = Arc::new(SqsDeliveryQueue::new(aws_sdk_sqs::Client::new(&sdk), url));
    Ok(Parts {
        store,
        queue,
        sdk,
        config,
    })
}

/// The sealer of endpoint secrets, from the webhook key's secret (read once per container).
pub async fn sealer(parts: &Parts) -> Result<Sealer, Box<dyn std::error::Error + Send + Sync>> {
    let value = secret_value(parts.config.webhook_key()?, &parts.sdk).await?;
    Ok(sealer_from(&value)?)
}

pub async fn deliverer(
    parts: &Parts,
) -> Result<Deliverer, Box<dyn std::error::Error + Send + Sync>> {
    Ok(Deliverer {
        store: parts.store.clone(),
        sealer: sealer(parts).await?,
        sender: Sender::new(UrlPolicy::from_env()?)?,
        schedule: RetrySchedule::from_env()?,
    })
}
