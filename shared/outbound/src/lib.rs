//! Webhook delivery pieces that know no storage and no HTTP server: endpoint secrets, Standard
//! Webhooks signatures, sealing secrets at rest, the retry schedule, the SSRF guard on endpoint
//! URLs, and the sender that performs one attempt.
//!
//! The webhooks function (endpoint management), the delivery function and the local server all
//! need these same rules, each with its own storage and its own way of being invoked, so this
//! crate takes everything as arguments and returns plain values.

mod address;
mod attempt;
mod dns;
mod guard;
mod resolve;
mod schedule;
mod seal;
mod secret;
mod send;
mod sign;
mod tls;

pub use address::is_public;
pub use attempt::{Attempt, EXCERPT_BYTES, Verdict};
pub use guard::{ALLOW_PRIVATE_VAR, UrlError, UrlPolicy};
pub use schedule::{RetrySchedule, SCHEDULE_VAR, ScheduleError};
pub use seal::{SealError, Sealer};
pub use secret::{SecretError, WebhookSecret};
pub use send::{DEFAULT_TIMEOUT, SendError, Sender};
pub use sign::{SignedHeaders, signature_header, verify};
