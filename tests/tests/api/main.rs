//! The integration tests: one binary (it links the SDKs once), a module per feature, each
//! driving a real `pirros-local` (or the function binaries) over HTTP, on both stores where
//! the feature has storage of its own. Deploy checks live in `tests/tests/deploy`, DynamoDB
//! outages in `tests/tests/outage`.

mod access_at_work;
mod admin;
mod budgets;
mod caps;
mod cors;
mod declared_grants;
mod discovery;
mod downloads;
mod edges;
mod errors;
mod events;
mod exports;
mod flags;
mod import_limits;
mod lambda_path;
mod metrics;
mod monitoring;
mod openapi;
mod rate_limits;
mod read_ahead;
mod read_endpoints;
mod readme;
mod references;
mod rotation;
mod search;
mod signing_keys;
mod snapshots;
mod stashes;
mod sync_example;
mod tokens_and_envelopes;
mod uploads;
mod usage;
mod usage_costs;
mod webhook_stream;
mod webhooks;
mod worker_queue;
