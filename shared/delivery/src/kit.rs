//! The endpoint-management side of webhooks, as the webhooks function (and `pirros-local`)
//! holds it: secrets sealed with the service's key, URLs checked by the same policy that
//! guards every send, and the queue that tests and replays go to.

use async_trait::async_trait;
use pirros_domain::ids::{ResourceId, WorkspaceId};
use pirros_domain::webhooks::{DeliveryQueue, WebhookKit};
use pirros_outbound::{Sealer, UrlError, UrlPolicy, WebhookSecret};
use std::sync::Arc;

/// The sealer of endpoint secrets from the webhook key's value: one key material string, or
/// `{"current": ..., "previous": ...}` while it rotates (the token key's secret's format).
pub fn sealer_from(value: &str) -> Result<Sealer, String> {
    let (current, previous) =
        pirros_auth::keys::materials(value).map_err(|e| format!("webhook key: {e}"))?;
    Sealer::new(&current, previous.as_deref()).map_err(|e| format!("webhook key: {e}"))
}

pub struct Kit {
    pub sealer: Sealer,
    pub policy: UrlPolicy,
    pub queue: Arc<dyn DeliveryQueue>,
    /// Told of each workspace that gets an endpoint (`pirros-local`'s follower); on AWS
    /// the table's stream carries every workspace's events, so none is needed.
    pub follower: Option<Arc<crate::local::Follower>>,
}

#[async_trait]
impl WebhookKit for Kit {
    fn new_secret(&self, endpoint: &ResourceId) -> (String, String) {
        let secret = WebhookSecret::generate();
        let sealed = self.sealer.seal(&secret, endpoint.as_str().as_bytes());
        (sealed, secret.encoded())
    }

    fn open_secret(&self, endpoint: &ResourceId, sealed: &str) -> Option<String> {
        self.sealer
            .open(sealed, endpoint.as_str().as_bytes())
            .ok()
            .map(|s| s.encoded())
    }

    async fn check_url(&self, url: &str) -> Result<(), String> {
        match self.policy.check(url).await {
            Ok(_) => Ok(()),
            // A name that resolves to nothing now leads nowhere inside either, and every
            // send resolves and checks it again: taken, as a receiver's DNS may come later.
            Err(UrlError::Unresolvable) => Ok(()),
            Err(e) => Err(e.to_string()),
        }
    }

    fn queue(&self) -> &dyn DeliveryQueue {
        &*self.queue
    }

    fn endpoint_created(&self, ws: WorkspaceId) {
        if let Some(f) = &self.follower {
            f.watch(ws);
        }
    }
}
