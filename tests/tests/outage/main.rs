//! DynamoDB failing under the API: down (an instance of its own, killed and restarted),
//! slow and throttled (behind a fault proxy). A binary of its own, so these tests do not
//! share the machine with the feature tests' servers while they start and stop a JVM.

mod dynamodb_down;
mod dynamodb_slow_and_throttled;
