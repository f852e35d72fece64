//! `GET .../webhook-endpoints/{id}/deliveries`: what was sent to an endpoint, newest first,
//! each with its attempts so far. Kept 30 days.

use crate::endpoints::{ENTITY, own};
use pirros_domain::webhooks::{DeliveryRecord, DeliveryStatus};
use pirros_shared::AppState;
use pirros_shared::api::V1Call;
use pirros_shared::error::ApiError;
use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::openapi::ResourcePath;
use pirros_shared::pagination::Pager;
use pirros_shared::payload::{ListPage, NoExpansions};
use pirros_shared::query::Cursor;
use pirros_shared::query::{self, Limit};
use pirros_shared::response::{Envelope, Reply};
use pirros_shared::timestamp::Timestamp;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeliveriesQuery {
    /// Only deliveries in this state: `pending`, `succeeded` or `failed`.
    #[serde(default, deserialize_with = "status")]
    #[param(value_type = Option<DeliveryStatus>, required = false)]
    pub status: Option<DeliveryStatus>,
    /// Page size. Out of range is 400, never clamped.
    #[serde(default)]
    #[param(inline, required = false)]
    pub limit: Limit<25, 100>,
    /// `response.next_cursor` of the previous page, unchanged.
    #[param(inline, required = false)]
    pub cursor: Option<Cursor>,
}

impl pirros_shared::extract::QueryParams for DeliveriesQuery {}

fn status<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DeliveryStatus>, D::Error> {
    query::value(d, |s| {
        DeliveryStatus::parse(s)
            .map(Some)
            .ok_or_else(|| "status must be pending, succeeded or failed".into())
    })
}

/// One delivery: an event on its way to the endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct Delivery {
    pub id: String,
    /// The event's id: the `webhook-id` header of every attempt.
    pub event_id: String,
    #[schema(example = "stash.updated")]
    pub event_type: String,
    pub status: DeliveryStatus,
    pub attempts: u32,
    #[schema(value_type = Option<String>, format = DateTime, required)]
    pub last_attempt_at: Option<Timestamp>,
    /// When the next attempt is due (pending deliveries only).
    #[schema(value_type = Option<String>, format = DateTime, required)]
    pub next_attempt_at: Option<Timestamp>,
    /// The HTTP status of the last answer, if one came.
    #[schema(required)]
    pub response_status: Option<u16>,
    /// What went wrong with the last attempt (a timeout, a refused address, a status).
    #[schema(required)]
    pub error: Option<String>,
}

impl From<DeliveryRecord> for Delivery {
    fn from(d: DeliveryRecord) -> Self {
        Self {
            id: d.id.to_string(),
            event_id: d.event_id.to_string(),
            event_type: d.event_type,
            status: d.status,
            attempts: d.attempts,
            last_attempt_at: d.last_attempt_at,
            next_attempt_at: d.next_attempt_at,
            response_status: d.response_status,
            error: d.error,
        }
    }
}

/// List an endpoint's deliveries
///
/// What was sent to the endpoint in the last 30 days, newest first: each delivery's state,
/// attempts, and the last answer or error. `status` keeps one state.
#[utoipa::path(
    get,
    path = "/v1/workspaces/{ws}/webhook-endpoints/{id}/deliveries",
    operation_id = "listWebhookDeliveries",
    tag = "webhooks",
    params(ResourcePath),
    responses(
        (status = 200, description = "A page of deliveries.",
            body = Envelope<ListPage<Delivery, NoExpansions>>),
    )
)]
pub async fn list(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
    q: DeliveriesQuery,
) -> Result<Reply, ApiError> {
    let status = q.status.map(DeliveryStatus::as_str).unwrap_or("");
    let pager = Pager::new(&state.cursors, call, &[status]);
    let before = pager
        .start(q.cursor.as_deref())?
        .map(|k| {
            ResourceId::parse(&k).ok_or(ApiError::invalid_field("cursor", "cursor is invalid"))
        })
        .transpose()?;
    call.require_any_read(state, ws, ENTITY).await?;
    own(state, call, ws, id).await?;
    let limit = q.limit.get();
    let mut page = state
        .store
        .query_deliveries(ws, id, q.status, before.as_ref(), limit + 1)
        .await?;
    let more = page.len() > limit;
    page.truncate(limit);
    let position = more
        .then(|| page.last().map(|d| d.id.to_string()))
        .flatten();
    let data: Vec<Delivery> = page.into_iter().map(Delivery::from).collect();
    call.reply(&pager.page(data, position.as_deref(), NoExpansions {}))
}
