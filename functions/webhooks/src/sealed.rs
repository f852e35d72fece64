//! Answers that carry a secret (a new endpoint, a rolled secret) and are remembered for an
//! `Idempotency-Key`: the remembered copy holds the secret sealed, as the endpoint stores
//! it, behind a marker, so no plain secret is stored anywhere; a replay opens it again.

use pirros_domain::webhooks::WebhookKit;
use pirros_shared::error::ApiError;
use pirros_shared::ids::ResourceId;
use pirros_shared::response::Reply;

const MARKER: &str = "sealed:";

/// What the remembered answer holds in place of the secret `sealed` seals.
pub fn remembered(sealed: &str) -> String {
    format!("{MARKER}{sealed}")
}

/// A remembered answer of endpoint `id` answered again, its secret opened.
pub fn replayed(
    kit: &dyn WebhookKit,
    id: &ResourceId,
    mut reply: Reply,
) -> Result<Reply, ApiError> {
    let mut body: serde_json::Value =
        serde_json::from_str(&reply.body).map_err(ApiError::internal)?;
    let secret = &mut body["response"]["secret"];
    if let Some(sealed) = secret.as_str().and_then(|s| s.strip_prefix(MARKER)) {
        let plain = kit
            .open_secret(id, sealed)
            .ok_or_else(|| ApiError::internal("a remembered endpoint secret did not open"))?;
        *secret = plain.into();
        reply.body = body.to_string();
    }
    Ok(reply)
}

/// A remembered create answered again: the endpoint is the one its answer names.
pub fn replayed_create(kit: &dyn WebhookKit, reply: Reply) -> Result<Reply, ApiError> {
    let id = serde_json::from_str::<serde_json::Value>(&reply.body)
        .ok()
        .and_then(|b| b["response"]["id"].as_str().and_then(ResourceId::parse))
        .ok_or_else(|| ApiError::internal("a remembered create names no endpoint"))?;
    replayed(kit, &id, reply)
}
