//! The AWS SDK settings every client shares.

use aws_config::environment::EnvironmentVariableCredentialsProvider;
use aws_config::identity::IdentityCache;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_types::service_config::{LoadServiceConfig, ServiceConfigKey};
use std::time::Duration;

/// Attempts per call of every client on a request path.
const REQUEST_PATH_ATTEMPTS: u32 = 3;

/// Per-call timeouts of every client on a request path, so no request hangs on a slow
/// dependency.
fn request_path_timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(1))
        .operation_attempt_timeout(Duration::from_secs(2))
        .operation_timeout(Duration::from_secs(5))
        .build()
}

/// The SDK configuration of the tools (`pirros-admin`, `pirros-local`, the bench and the
/// tests): the SDK's whole default chain (environment variables including
/// `AWS_ENDPOINT_URL_*` for emulators, profiles and `AWS_PROFILE`, web identity, instance
/// and container roles), with the request path's attempts and timeouts.
pub async fn sdk_config() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::standard().with_max_attempts(REQUEST_PATH_ATTEMPTS))
        .timeout_config(request_path_timeouts())
        .load()
        .await
}

/// The SDK configuration of a Lambda function: the request path's attempts and timeouts,
/// with region, credentials and endpoints from the environment alone. Lambda always sets
/// `AWS_REGION` and the execution role's keys there (the test command and the bench set
/// them for the emulators, with `AWS_ENDPOINT_URL_*`). The default chain's other sources
/// (profile files, STS web identity, instance and container roles) are never consulted
/// on Lambda, yet `aws_config::defaults(..).load()` links all of them into every function,
/// where fat LTO optimises them again for each of the twelve functions that use the SDK.
pub fn function_sdk_config() -> SdkConfig {
    function_sdk_config_with(REQUEST_PATH_ATTEMPTS, request_path_timeouts())
}

/// `function_sdk_config` with other attempts and timeouts (the queue worker's large copies).
pub fn function_sdk_config_with(max_attempts: u32, timeouts: TimeoutConfig) -> SdkConfig {
    let region = ["AWS_REGION", "AWS_DEFAULT_REGION"]
        .into_iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
        .map(Region::new);
    let mut config = SdkConfig::builder();
    config.set_region(region);
    config
        .behavior_version(BehaviorVersion::latest())
        .credentials_provider(SharedCredentialsProvider::new(
            EnvironmentVariableCredentialsProvider::new(),
        ))
        .identity_cache(IdentityCache::lazy().build())
        .service_config(EnvironmentEndpoints)
        .retry_config(RetryConfig::standard().with_max_attempts(max_attempts))
        .timeout_config(timeouts)
        .build()
}

/// Each service's settings from the environment alone, in the default loader's order when
/// no profile file exists: the service's own variable (`AWS_ENDPOINT_URL_DYNAMODB`,
/// `AWS_ENDPOINT_URL_SECRETS_MANAGER`: what points the functions at the emulators in tests),
/// then the global one (`AWS_ENDPOINT_URL`).
#[derive(Debug)]
struct EnvironmentEndpoints;

impl LoadServiceConfig for EnvironmentEndpoints {
    fn load_config(&self, key: ServiceConfigKey<'_>) -> Option<String> {
        service_setting(&key, |name| std::env::var(name).ok())
    }
}

fn service_setting(
    key: &ServiceConfigKey<'_>,
    var: impl Fn(&str) -> Option<String>,
) -> Option<String> {
    let service = key.service_id().to_uppercase().replace(' ', "_");
    var(&format!("{}_{service}", key.env())).or_else(|| var(key.env()))
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn key<'a>(service_id: &'a str) -> ServiceConfigKey<'a> {
        ServiceConfigKey::builder()
            .service_id(service_id)
            .env("AWS_ENDPOINT_URL")
            .profile("endpoint_url")
            .build()
            .unwrap()
    }

    #[test]
    fn a_services_own_variable_wins_over_the_global_one() {
        let vars = HashMap::from([
            ("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1:5000"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:9000"),
        ]);
        let var = |name: &str| vars.get(name).map(|v| v.to_string());
        assert_eq!(
            service_setting(&key("Secrets Manager"), var).as_deref(),
            Some("http://127.0.0.1:5000")
        );
        assert_eq!(
            service_setting(&key("DynamoDB"), var).as_deref(),
            Some("http://127.0.0.1:9000")
        );
        assert_eq!(service_setting(&key("DynamoDB"), |_| None), None);
    }

    #[test]
    fn a_functions_configuration_takes_the_request_paths_attempts_and_timeouts() {
        let config = function_sdk_config();
        assert_eq!(config.retry_config().unwrap().max_attempts(), 3);
        let timeouts = config.timeout_config().unwrap();
        assert_eq!(
            timeouts.operation_attempt_timeout(),
            Some(Duration::from_secs(2))
        );
        assert_eq!(timeouts.operation_timeout(), Some(Duration::from_secs(5)));
        assert!(config.credentials_provider().is_some());
        assert!(config.service_config().is_some());
    }
}
