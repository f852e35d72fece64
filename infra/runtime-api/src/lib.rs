//! Running the function binaries the way Lambda runs them, on one machine:
//!
//! - `runtime`: the Lambda Runtime API a function process polls (`/invocation/next`, then
//!   `/response` or `/error`), one event at a time, as a Lambda execution environment does;
//! - `process`: a function binary started against it, with its stdout (where metrics go)
//!   and stderr (logs) kept;
//! - `event`: HTTP requests as API Gateway HTTP API (payload 2.0) events, and the functions'
//!   answers back as HTTP;
//! - `gateway`: an HTTP server that routes each request to a function process.
//!
//! The cold-start and cost benchmarks and the Lambda-path tests all use it.

pub mod event;
pub mod gateway;
pub mod process;
pub mod runtime;
