//! Lambda entry point of the deliveries: the delivery queue, partial batch failures
//! reported.

use aws_lambda_events::sqs::SqsEvent;
use lambda_runtime::{Error, LambdaEvent, service_fn};
use pirros_webhook_delivery::deliver::{DeliveryWorker, handle};
use pirros_webhook_delivery::setup;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    pirros_config::logging::init();
    let start = async {
        let parts = setup::parts().await?;
        let deliverer = setup::deliverer(&parts).await?;
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(DeliveryWorker {
            deliverer,
            queue: parts.queue.clone(),
        })
    };
    let worker = Arc::new(
        start
            .await
            .inspect_err(|e| tracing::error!(error = %e, "cannot start"))?,
    );
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| {
        let worker = worker.clone();
        async move { Ok::<_, Error>(handle(&worker, event.payload).await) }
    }))
    .await
}
