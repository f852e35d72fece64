//! Delivery inside one process (`pirros-local`): a follower reads each workspace's events
//! after the position it recorded, fans them out and queues the deliveries on tasks that
//! sleep until each attempt is due. The same fan-out and attempt code as on AWS, where
//! the table's stream feeds the fan-out and SQS holds the deliveries.

use crate::attempt::{Deliverer, Next, due};
use crate::fanout::fan_out_page;
use async_trait::async_trait;
use pirros_domain::ids::WorkspaceId;
use pirros_domain::jobs::QueueError;
use pirros_domain::webhooks::{DeliveryQueue, DeliveryRef};
use pirros_store::{SharedStore, StoreResult};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

/// Sends each delivery from a task of its own, again after each retry delay.
pub struct LocalQueue {
    deliverer: Arc<Deliverer>,
}

impl LocalQueue {
    pub fn new(deliverer: Arc<Deliverer>) -> Self {
        Self { deliverer }
    }
}

#[async_trait]
impl DeliveryQueue for LocalQueue {
    async fn enqueue(&self, due: &[(DeliveryRef, Duration)]) -> Result<(), QueueError> {
        for (r, delay) in due {
            let deliverer = self.deliverer.clone();
            let r = r.clone();
            let mut delay = *delay;
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(delay).await;
                    match deliverer.attempt(&r).await {
                        Ok(Next::Done) => return,
                        Ok(Next::RetryIn(d)) => delay = d,
                        Err(e) => {
                            tracing::warn!(delivery = %r.id, error = %e, "webhook attempt failed to run; trying again");
                            delay = Duration::from_secs(1);
                        }
                    }
                }
            });
        }
        Ok(())
    }
}

/// How often the follower reads the events of each workspace with endpoints.
pub const FOLLOW_EVERY: Duration = Duration::from_millis(250);

/// Events fanned out per workspace per round.
const PAGE: usize = 100;

/// Follows the events of the workspaces with endpoints: those the store names when it
/// starts, and those that get their first endpoint from this process afterwards. With none
/// it makes no storage call at all, so a server without endpoints costs what it did.
pub struct Follower {
    store: SharedStore,
    queue: Arc<dyn DeliveryQueue>,
    watched: Mutex<BTreeSet<WorkspaceId>>,
    woken: Notify,
}

impl Follower {
    pub async fn new(store: SharedStore, queue: Arc<dyn DeliveryQueue>) -> StoreResult<Arc<Self>> {
        let watched = store.webhook_workspaces().await?.into_iter().collect();
        Ok(Arc::new(Self {
            store,
            queue,
            watched: Mutex::new(watched),
            woken: Notify::new(),
        }))
    }

    /// Follows `ws` too (an endpoint was made there).
    pub fn watch(&self, ws: WorkspaceId) {
        let added = self
            .watched
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(ws);
        if added {
            self.woken.notify_one();
        }
    }

    /// Follows until the process ends.
    pub async fn run(self: Arc<Self>) {
        loop {
            let watched: Vec<WorkspaceId> = self
                .watched
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .iter()
                .copied()
                .collect();
            if watched.is_empty() {
                self.woken.notified().await;
                continue;
            }
            for ws in watched {
                if let Err(e) = follow_workspace(&self.store, &*self.queue, ws).await {
                    tracing::warn!(error = %e, "webhook follower: reading the events failed; trying again");
                }
            }
            tokio::time::sleep(FOLLOW_EVERY).await;
        }
    }
}

/// Fans out `ws`'s events after the follower's position and queues their deliveries. The
/// position moves after the deliveries are written, so a crash repeats a fan-out rather
/// than losing one.
async fn follow_workspace(
    store: &SharedStore,
    queue: &dyn DeliveryQueue,
    ws: WorkspaceId,
) -> StoreResult<()> {
    let mut after = match store.follow_position(ws).await? {
        Some(p) => p,
        // First sight: from the oldest endpoint's start, so that nothing made between an
        // endpoint's creation and this round is missed.
        None => match store
            .list_endpoints(ws)
            .await?
            .iter()
            .map(|e| e.from_sequence)
            .min()
        {
            Some(p) => p,
            None => return Ok(()),
        },
    };
    loop {
        let events = store.query_events(ws, after, PAGE).await?;
        let Some(last) = events.last().map(|e| e.event.sequence) else {
            return Ok(());
        };
        let made = fan_out_page(&**store, ws, &events).await?;
        let refs: Vec<(DeliveryRef, Duration)> =
            made.iter().map(|d| (due(d), Duration::ZERO)).collect();
        if let Err(e) = queue.enqueue(&refs).await {
            tracing::warn!(error = %e, "webhook follower: queueing deliveries failed");
        }
        store.set_follow_position(ws, last).await?;
        after = last;
        if events.len() < PAGE {
            return Ok(());
        }
    }
}
