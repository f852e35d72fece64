//! The storage contract: what the handlers rely on, run against both implementations (the
//! embedded store, and DynamoDB Local, which the test command starts). Each store is the one
//! a real `pirros-local` runs on, loaded with the demo fixture, so a test can also read back
//! through the API what it wrote here.

mod core;
mod discovery;
mod usage;
