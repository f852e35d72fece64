//! Webhook delivery on AWS, with managed parts: the table's stream (new images, filtered to
//! event items) invokes `fanout`, which queues one SQS message per delivery; the queue
//! invokes `deliver`, which makes one signed attempt per message and queues the next one
//! when it fails. Both run the same fan-out and attempt code as `pirros-local`.

pub mod deliver;
pub mod fanout;
pub mod setup;
