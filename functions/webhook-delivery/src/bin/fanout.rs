//! Lambda entry point of the fan-out: the table's stream, event items only.

use aws_lambda_events::dynamodb::Event;
use lambda_runtime::{Error, LambdaEvent, service_fn};
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    pirros_config::logging::init();
    let parts = Arc::new(
        pirros_webhook_delivery::setup::parts()
            .await
            .inspect_err(|e| tracing::error!(error = %e, "cannot start"))?,
    );
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Event>| {
        let parts = parts.clone();
        async move {
            Ok::<_, Error>(
                pirros_webhook_delivery::fanout::handle(&parts.store, &*parts.queue, event.payload)
                    .await,
            )
        }
    }))
    .await
}
