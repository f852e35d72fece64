//! Webhook endpoints and their deliveries as stored. An endpoint belongs to the credential
//! that made it and receives the workspace's events that credential may see when each is
//! sent; a delivery is one event on its way to one endpoint, kept with its attempts so the
//! owner can see what happened and replay it.

use crate::events::{EventType, TypeSelection};
use crate::ids::{ClientId, ResourceId, WorkspaceId};
use crate::jobs::QueueError;
use crate::timestamp::Timestamp;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use utoipa::ToSchema;

/// The type of the event `POST .../test` sends (never in the feed).
pub const TEST_EVENT_TYPE: &str = "webhook.test";

/// Endpoints one credential may hold in one workspace: each costs a match per event.
pub const MAX_ENDPOINTS_PER_CREDENTIAL: usize = 16;

/// Deliveries whose attempts have all failed for this long disable their endpoint.
pub const FAILING_DISABLES_AFTER_MS: i64 = 5 * 86_400_000;

/// How long deliveries are kept (as events are).
pub const DELIVERY_RETENTION_DAYS: i64 = crate::events::RETENTION_DAYS;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EndpointStatus {
    Enabled,
    Disabled,
}

/// Why the service disabled an endpoint (`null` when its owner did).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisabledReason {
    /// It answered 410 Gone.
    Gone,
    /// Its deliveries all failed for 5 days.
    Failing,
}

/// The event types an endpoint takes: the feed's types and `<prefix>.*` patterns, or
/// `*` for every type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EndpointTypes(Vec<String>);

impl EndpointTypes {
    /// `Err` names the first entry that is neither a type, a pattern nor `*`.
    pub fn parse(entries: &[String]) -> Result<Self, String> {
        let (star, named): (Vec<&str>, Vec<&str>) =
            entries.iter().map(|e| e.trim()).partition(|e| *e == "*");
        let selection = TypeSelection::parse(named)?;
        if star.is_empty() {
            Ok(Self(selection.entries().to_vec()))
        } else {
            Ok(Self(vec!["*".into()]))
        }
    }

    pub fn selects(&self, ty: &str) -> bool {
        if self.0.iter().any(|e| e == "*") {
            return true;
        }
        let Some(ty) = EventType::parse(ty) else {
            return false;
        };
        self.selection().selects(ty)
    }

    fn selection(&self) -> TypeSelection {
        TypeSelection::parse(self.0.iter().map(String::as_str)).unwrap_or_default()
    }

    pub fn entries(&self) -> &[String] {
        &self.0
    }
}

/// A secret a roll replaced, still signing until `valid_until`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PreviousSecret {
    /// Sealed (see `pirros-outbound`' `seal`), never plain.
    pub sealed: String,
    pub valid_until: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EndpointRecord {
    pub id: ResourceId,
    pub workspace_id: WorkspaceId,
    /// The credential it belongs to, whose grants decide what it receives.
    pub client_id: ClientId,
    pub url: String,
    pub event_types: EndpointTypes,
    pub description: Option<String>,
    pub status: EndpointStatus,
    pub disabled_reason: Option<DisabledReason>,
    /// The signing secret, sealed with the service's key and bound to this endpoint.
    pub secret: String,
    /// The one earlier secret a record written before `previous_secrets` holds; a roll moves
    /// it into the list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_secret: Option<PreviousSecret>,
    /// Earlier secrets that still sign, each until its own `valid_until`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub previous_secrets: Vec<PreviousSecret>,
    /// The workspace's last event sequence when the endpoint was made: it receives the
    /// events after it.
    pub from_sequence: u64,
    /// Since when every delivery has failed (`None`: the last one succeeded, or none ran).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failing_since: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Bumped by every write, each conditional on the version it read.
    pub version: u64,
}

impl EndpointRecord {
    pub fn enabled(&self) -> bool {
        self.status == EndpointStatus::Enabled
    }

    /// The earlier secrets that still sign at `now`.
    pub fn previous_secrets_at(&self, now: Timestamp) -> impl Iterator<Item = &PreviousSecret> {
        self.previous_secret
            .iter()
            .chain(&self.previous_secrets)
            .filter(move |p| p.valid_until.millis() > now.millis())
    }

    /// A new signing secret (`sealed`) at `now`: the current one goes on signing for
    /// `keep_secs` more, and every earlier one until its own end or the same moment,
    /// whichever is first (a roll with no overlap ends them all at once).
    pub fn roll(&mut self, sealed: String, now: Timestamp, keep_secs: u64) {
        let until = Timestamp::from_millis(now.millis() + keep_secs as i64 * 1000);
        let mut kept: Vec<PreviousSecret> = self
            .previous_secrets_at(now)
            .map(|p| PreviousSecret {
                sealed: p.sealed.clone(),
                valid_until: Timestamp::from_millis(p.valid_until.millis().min(until.millis())),
            })
            .filter(|p| p.valid_until.millis() > now.millis())
            .collect();
        if keep_secs > 0 {
            kept.push(PreviousSecret {
                sealed: std::mem::replace(&mut self.secret, sealed),
                valid_until: until,
            });
        } else {
            self.secret = sealed;
        }
        // Those that end last are kept when there are too many.
        kept.sort_by_key(|p| std::cmp::Reverse(p.valid_until.millis()));
        kept.truncate(MAX_PREVIOUS_SECRETS);
        self.previous_secret = None;
        self.previous_secrets = kept;
    }
}

/// Earlier secrets that sign beside the current one at most: each adds a signature to
/// every delivery, and 24 hours hold no more rolls than a key rotation needs.
pub const MAX_PREVIOUS_SECRETS: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Pending,
    Succeeded,
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(Self::Pending),
            "succeeded" => Some(Self::Succeeded),
            "failed" => Some(Self::Failed),
            _ => None,
        }
    }
}

/// What a delivery sends: an event of the feed, read again (and checked against the
/// owner's grants) at every attempt, or the test event, which only the delivery holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Payload {
    Event { sequence: u64 },
    Test { body: String },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeliveryRecord {
    /// A UUIDv7: ids sort by creation, newest last.
    pub id: ResourceId,
    pub workspace_id: WorkspaceId,
    pub endpoint_id: ResourceId,
    /// The `webhook-id` of every attempt.
    pub event_id: ResourceId,
    pub event_type: String,
    pub payload: Payload,
    pub status: DeliveryStatus,
    pub attempts: u32,
    pub last_attempt_at: Option<Timestamp>,
    pub next_attempt_at: Option<Timestamp>,
    pub response_status: Option<u16>,
    pub error: Option<String>,
    pub created_at: Timestamp,
}

impl DeliveryRecord {
    /// A delivery of `event` to `endpoint`, due now.
    pub fn new(
        endpoint: &EndpointRecord,
        event_id: ResourceId,
        event_type: String,
        payload: Payload,
    ) -> Self {
        let now = Timestamp::now();
        Self {
            id: ResourceId::new_uuid_v7(),
            workspace_id: endpoint.workspace_id,
            endpoint_id: endpoint.id.clone(),
            event_id,
            event_type,
            payload,
            status: DeliveryStatus::Pending,
            attempts: 0,
            last_attempt_at: None,
            next_attempt_at: Some(now),
            response_status: None,
            error: None,
            created_at: now,
        }
    }
}

/// A delivery due: what a delivery queue carries (the delivery itself is read again).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRef {
    pub workspace_id: WorkspaceId,
    pub endpoint_id: ResourceId,
    pub id: ResourceId,
}

/// Hands deliveries to what sends them: an SQS message on AWS, a task of the same process
/// locally.
#[async_trait]
pub trait DeliveryQueue: Send + Sync {
    async fn enqueue(&self, due: &[(DeliveryRef, Duration)]) -> Result<(), QueueError>;
}

/// What managing endpoints needs besides storage: sealing their secrets, checking their
/// URLs, and queueing the deliveries that tests and replays make.
#[async_trait]
pub trait WebhookKit: Send + Sync {
    /// A new secret for `endpoint`: (sealed, as stored; plain, shown once).
    fn new_secret(&self, endpoint: &ResourceId) -> (String, String);
    /// The plain secret `sealed` holds for `endpoint` (`None` if this kit's keys can't open
    /// it): what a replayed create answers again.
    fn open_secret(&self, endpoint: &ResourceId, sealed: &str) -> Option<String>;
    /// `Err` says what is wrong with `url`, for the caller.
    async fn check_url(&self, url: &str) -> Result<(), String>;
    fn queue(&self) -> &dyn DeliveryQueue;
    /// An endpoint was made in `ws` (whatever follows events may start following it).
    fn endpoint_created(&self, _ws: WorkspaceId) {}
}

pub type SharedWebhookKit = Arc<dyn WebhookKit>;

#[cfg(test)]
mod tests {
    use super::*;

    fn types(raw: &[&str]) -> Result<EndpointTypes, String> {
        EndpointTypes::parse(&raw.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn endpoint_types_take_types_patterns_and_star() {
        let t = types(&["detail.*", "stash.removed"]).unwrap();
        assert!(t.selects("detail.updated"));
        assert!(t.selects("stash.removed"));
        assert!(!t.selects("stash.created"));
        assert!(!t.selects("webhook.test"));
        let all = types(&["*"]).unwrap();
        assert_eq!(all.entries(), ["*"]);
        assert!(all.selects("access.changed"));
        assert!(all.selects("webhook.test"));
        assert_eq!(types(&["*", "detail.created"]).unwrap().entries(), ["*"]);
        assert_eq!(types(&["detail.nope"]), Err("detail.nope".into()));
        assert_eq!(types(&["*", "x.y"]), Err("x.y".into()));
    }

    fn endpoint(secret: &str) -> EndpointRecord {
        let now = Timestamp::from_millis(0);
        EndpointRecord {
            id: ResourceId::parse("e1").unwrap(),
            workspace_id: WorkspaceId::parse("a1a1a1a1-0000-4000-8000-000000000001").unwrap(),
            client_id: ClientId::parse("c1").unwrap(),
            url: "https://example.com/hook".into(),
            event_types: types(&["*"]).unwrap(),
            description: None,
            status: EndpointStatus::Enabled,
            disabled_reason: None,
            secret: secret.into(),
            previous_secret: None,
            previous_secrets: Vec::new(),
            from_sequence: 0,
            failing_since: None,
            created_at: now,
            updated_at: now,
            version: 1,
        }
    }

    fn signing(e: &EndpointRecord, at_secs: i64) -> Vec<&str> {
        let at = Timestamp::from_millis(at_secs * 1000);
        std::iter::once(e.secret.as_str())
            .chain(e.previous_secrets_at(at).map(|p| p.sealed.as_str()))
            .collect()
    }

    #[test]
    fn each_rolled_secret_signs_until_its_own_end() {
        let mut e = endpoint("s0");
        // A record from before the list: its one previous secret is read, and moved.
        e.previous_secret = Some(PreviousSecret {
            sealed: "old".into(),
            valid_until: Timestamp::from_millis(50_000),
        });
        e.roll("s1".into(), Timestamp::from_millis(0), 100);
        e.roll("s2".into(), Timestamp::from_millis(10_000), 100);
        assert!(e.previous_secret.is_none());
        assert_eq!(signing(&e, 20), ["s2", "s1", "s0", "old"]);
        assert_eq!(signing(&e, 60), ["s2", "s1", "s0"]);
        // s0 keeps the end its roll gave it, s1 its own.
        assert_eq!(signing(&e, 105), ["s2", "s1"]);
        assert_eq!(signing(&e, 115), ["s2"]);
        // A roll with no overlap ends every earlier secret at once; a shorter one caps them.
        e.roll("s3".into(), Timestamp::from_millis(20_000), 5);
        let mut at_21 = signing(&e, 21);
        at_21.sort();
        assert_eq!(at_21, ["old", "s0", "s1", "s2", "s3"]);
        assert_eq!(signing(&e, 26), ["s3"]);
        e.roll("s4".into(), Timestamp::from_millis(21_000), 0);
        assert_eq!(signing(&e, 21), ["s4"]);
    }

    #[test]
    fn rolls_keep_the_secrets_that_end_last() {
        let mut e = endpoint("s0");
        for i in 1..=MAX_PREVIOUS_SECRETS as i64 + 3 {
            e.roll(format!("s{i}"), Timestamp::from_millis(i * 1000), 1000);
        }
        assert_eq!(e.previous_secrets.len(), MAX_PREVIOUS_SECRETS);
        let at = Timestamp::from_millis(20_000);
        let oldest = e
            .previous_secrets_at(at)
            .map(|p| p.sealed.clone())
            .min_by_key(|s| s[1..].parse::<u32>().unwrap());
        assert_eq!(oldest.as_deref(), Some("s3"));
    }
}
