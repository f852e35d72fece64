//! The AWS SDK settings every client shares.

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use std::time::Duration;

/// The SDK configuration every client on a request path uses: the SDK's own environment
/// variables (including `AWS_ENDPOINT_URL_*` for emulators), three attempts, and per-call
/// timeouts so no request hangs on a slow dependency.
pub async fn sdk_config() -> aws_config::SdkConfig {
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(1))
        .operation_attempt_timeout(Duration::from_secs(2))
        .operation_timeout(Duration::from_secs(5))
        .build();
    sdk_config_with(3, timeouts).await
}

/// `sdk_config` with other attempts and timeouts (the queue worker's large copies).
pub async fn sdk_config_with(max_attempts: u32, timeouts: TimeoutConfig) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .retry_config(RetryConfig::standard().with_max_attempts(max_attempts))
        .timeout_config(timeouts)
        .load()
        .await
}

/// Timeouts for operator work (creating the table, importing a fixture): it is on no
/// request's path, so a busy table makes it wait rather than fail half-way.
pub fn operator_timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(5))
        .operation_attempt_timeout(Duration::from_secs(30))
        .operation_timeout(Duration::from_secs(120))
        .build()
}
