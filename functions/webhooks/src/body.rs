//! Request and response bodies of the webhook endpoint routes.

use pirros_domain::events::Actor;
use pirros_domain::ids::{ResourceId, WorkspaceId};
use pirros_domain::webhooks::{DisabledReason, EndpointRecord, EndpointStatus};
use pirros_shared::timestamp::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Longest `url` taken.
pub const MAX_URL: usize = 2048;
/// Longest `description` taken.
pub const MAX_DESCRIPTION: usize = 1024;
/// Most `event_types` entries taken.
pub const MAX_TYPES: usize = 64;

/// A new endpoint.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEndpoint {
    /// Where deliveries are POSTed: `https://`, on a public address.
    #[schema(
        max_length = 2048,
        pattern = "^[Hh][Tt][Tt][Pp][Ss]://(([A-Za-z0-9]+(-[A-Za-z0-9]+)*\\.)*[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]+)*|((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])|\\[(([0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|([0-9A-Fa-f]{1,4}:){1,7}:|([0-9A-Fa-f]{1,4}:){1,6}:[0-9A-Fa-f]{1,4}|([0-9A-Fa-f]{1,4}:){1,5}(:[0-9A-Fa-f]{1,4}){1,2}|([0-9A-Fa-f]{1,4}:){1,4}(:[0-9A-Fa-f]{1,4}){1,3}|([0-9A-Fa-f]{1,4}:){1,3}(:[0-9A-Fa-f]{1,4}){1,4}|([0-9A-Fa-f]{1,4}:){1,2}(:[0-9A-Fa-f]{1,4}){1,5}|[0-9A-Fa-f]{1,4}:(:[0-9A-Fa-f]{1,4}){1,6}|:((:[0-9A-Fa-f]{1,4}){1,7}|:))\\])(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))?(/[!-~]*)?$",
        example = "https://example.com/hooks/pirros"
    )]
    pub url: String,
    /// Event types (`stash.updated`), type patterns (`detail.*`) or `*` for all.
    #[schema(value_type = Vec<pirros_domain::events::TypeEntry>, inline, min_items = 1, max_items = 64, example = json!(["detail.*", "stash.removed"]))]
    pub event_types: Vec<String>,
    #[serde(default)]
    #[schema(max_length = 1024)]
    pub description: Option<String>,
}

/// The fields to change; the others stay.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateEndpoint {
    /// As on create; absent or `null`: unchanged.
    #[schema(
        value_type = Option<String>,
        required = false,
        max_length = 2048,
        pattern = "^[Hh][Tt][Tt][Pp][Ss]://(([A-Za-z0-9]+(-[A-Za-z0-9]+)*\\.)*[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]+)*|((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])|\\[(([0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|([0-9A-Fa-f]{1,4}:){1,7}:|([0-9A-Fa-f]{1,4}:){1,6}:[0-9A-Fa-f]{1,4}|([0-9A-Fa-f]{1,4}:){1,5}(:[0-9A-Fa-f]{1,4}){1,2}|([0-9A-Fa-f]{1,4}:){1,4}(:[0-9A-Fa-f]{1,4}){1,3}|([0-9A-Fa-f]{1,4}:){1,3}(:[0-9A-Fa-f]{1,4}){1,4}|([0-9A-Fa-f]{1,4}:){1,2}(:[0-9A-Fa-f]{1,4}){1,5}|[0-9A-Fa-f]{1,4}:(:[0-9A-Fa-f]{1,4}){1,6}|:((:[0-9A-Fa-f]{1,4}){1,7}|:))\\])(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))?(/[!-~]*)?$"
    )]
    pub url: Option<String>,
    /// Absent or `null`: unchanged.
    #[schema(value_type = Option<Vec<pirros_domain::events::TypeEntry>>, inline, min_items = 1, max_items = 64)]
    pub event_types: Option<Vec<String>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 1024)]
    pub description: Option<Option<String>>,
    /// `enabled` (which also clears `disabled_reason`) or `disabled`; absent or `null`:
    /// unchanged.
    #[schema(nullable)]
    pub status: Option<EndpointStatus>,
}

/// Tells a field sent as `null` (`Some(None)`) from one not sent (`None`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// A secret roll.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RollSecret {
    /// How long the old secret keeps signing beside the new one, in seconds (0..=86400,
    /// default 86400); secrets rolled earlier sign no longer than that either.
    #[serde(default, deserialize_with = "pirros_shared::integer::option_u64")]
    #[schema(minimum = 0, maximum = 86400)]
    pub old_secret_valid_for: Option<u64>,
}

/// What to deliver again: the events after a feed cursor, or some events by id.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Replay {
    /// A cursor of the events feed (`next_cursor`, or a snapshot's `events_cursor`);
    /// `null` is as absent.
    #[schema(
        value_type = Option<String>,
        required = false,
        max_length = 2048,
        pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$"
    )]
    pub after: Option<String>,
    /// Events by id (1 to 100); `null` is as absent.
    #[schema(value_type = Option<Vec<String>>, required = false, min_items = 1, max_items = 100)]
    pub event_ids: Option<Vec<String>>,
}

/// An endpoint as it is answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookEndpoint {
    #[schema(value_type = String)]
    pub id: String,
    pub url: String,
    pub event_types: Vec<String>,
    #[schema(required)]
    pub description: Option<String>,
    pub status: EndpointStatus,
    /// Why the service disabled it: `gone` (it answered 410) or `failing` (every
    /// delivery failed for 5 days); `null` otherwise.
    #[schema(required)]
    pub disabled_reason: Option<DisabledReason>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

impl From<&EndpointRecord> for WebhookEndpoint {
    fn from(e: &EndpointRecord) -> Self {
        Self {
            id: e.id.to_string(),
            url: e.url.clone(),
            event_types: e.event_types.entries().to_vec(),
            description: e.description.clone(),
            status: e.status,
            disabled_reason: e.disabled_reason,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// A new endpoint, with its secret: shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewWebhookEndpoint {
    #[serde(flatten)]
    pub endpoint: WebhookEndpoint,
    /// `whsec_` and the base64 of the key: verify deliveries with it. Shown only here.
    pub secret: String,
}

/// A rolled secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct RolledSecret {
    pub secret: String,
}

/// A queued test delivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct TestDelivery {
    pub delivery_id: String,
}

/// How many deliveries a replay queued.
#[derive(Debug, Serialize, ToSchema)]
pub struct Replayed {
    pub deliveries: usize,
}

/// What `POST .../test` sends: shaped as the feed's events, about the endpoint itself, and
/// not in the feed (so no `sequence`).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookTestEvent {
    #[schema(value_type = String)]
    pub id: ResourceId,
    /// Always `webhook.test`.
    #[serde(rename = "type")]
    #[schema(value_type = String, pattern = "^webhook\\.test$")]
    pub kind: &'static str,
    #[schema(value_type = String, format = Uuid)]
    pub workspace_id: WorkspaceId,
    /// Always `null`: a test event is not in the feed.
    #[schema(schema_with = null, required)]
    pub sequence: Option<u64>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    pub object: WebhookTestEventObject,
    #[schema(schema_with = null, required)]
    pub changed: Option<Vec<String>>,
    #[schema(schema_with = null, required)]
    pub reason: Option<String>,
    pub actor: Actor,
}

/// The endpoint a test event is about.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookTestEventObject {
    /// Always `webhook_endpoint`.
    #[serde(rename = "type")]
    #[schema(value_type = String, pattern = "^webhook_endpoint$")]
    pub kind: &'static str,
    #[schema(value_type = String)]
    pub id: ResourceId,
}

/// A field that is always `null`.
fn null() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::Null)
        .build()
}
