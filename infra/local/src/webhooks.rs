//! Webhooks in `pirros-local`: the same endpoint routes, fan-out and attempts as on AWS, with
//! a follower of the table's events in place of its stream and tasks of this process in
//! place of the delivery queue.

use anyhow::Context;
use pirros_delivery::local::{Follower, LocalQueue};
use pirros_delivery::{Deliverer, Kit, sealer_from};
use pirros_outbound::{ALLOW_PRIVATE_VAR, RetrySchedule, SCHEDULE_VAR, Sender, UrlPolicy};
use pirros_shared::store::SharedStore;
use std::collections::HashMap;
use std::sync::Arc;

/// The kit the webhooks routes use, with its follower started: deliveries begin with the
/// first event after an endpoint is made.
pub async fn start(
    env: &HashMap<String, String>,
    key_value: &str,
    store: SharedStore,
) -> anyhow::Result<Kit> {
    let sealer = || sealer_from(key_value).map_err(anyhow::Error::msg);
    let policy = UrlPolicy::from_env_value(env.get(ALLOW_PRIVATE_VAR).map(String::as_str))
        .map_err(anyhow::Error::msg)?;
    let schedule = match env.get(SCHEDULE_VAR).filter(|v| !v.trim().is_empty()) {
        Some(v) => RetrySchedule::from_env_value(v)?,
        None => RetrySchedule::default(),
    };
    let deliverer = Arc::new(Deliverer {
        store: store.clone(),
        sealer: sealer()?,
        sender: Sender::new(policy).context("webhook sender")?,
        schedule,
    });
    let queue = Arc::new(LocalQueue::new(deliverer));
    // `WEBHOOK_LOCAL_FOLLOW=false` leaves the table's events to the AWS functions (the
    // tests that play the stream against DynamoDB Local).
    let follow = match env.get("WEBHOOK_LOCAL_FOLLOW").map(String::as_str) {
        None | Some("true") => true,
        Some("false") => false,
        Some(other) => anyhow::bail!("WEBHOOK_LOCAL_FOLLOW must be true or false, not {other:?}"),
    };
    let follower = if !follow {
        None
    } else {
        let f = Follower::new(store, queue.clone()).await?;
        tokio::spawn(f.clone().run());
        Some(f)
    };
    Ok(Kit {
        sealer: sealer()?,
        policy,
        queue,
        follower,
    })
}
