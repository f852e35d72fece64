//! Webhook delivery as every runtime does it: fan-out of an event to the endpoints that
//! take it (`fanout`), one attempt of one delivery (`attempt`), and the local runtime that
//! `pirros-local` uses (`local`: it follows the table's events and sends from tasks of its
//! own process). No HTTP server and no request pipeline: what runs it hands it a store.

pub mod access;
pub mod attempt;
pub mod fanout;
pub mod kit;
pub mod local;
pub mod metrics;
#[cfg(feature = "sqs")]
pub mod sqs;

pub use attempt::{Deliverer, Next, due};
pub use fanout::fan_out;
pub use kit::{Kit, sealer_from};
