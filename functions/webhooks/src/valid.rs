//! What the types of the bodies don't check: lengths, event types, and (with the network)
//! where a URL leads.

use crate::body::{
    CreateEndpoint, MAX_DESCRIPTION, MAX_TYPES, MAX_URL, Replay, RollSecret, UpdateEndpoint,
};
use pirros_domain::webhooks::{EndpointStatus, EndpointTypes, WebhookKit};
use pirros_shared::AppState;
use pirros_shared::error::ApiError;
use pirros_shared::extract::RequestBody;

pub struct ValidCreate {
    pub url: String,
    pub event_types: EndpointTypes,
    pub description: Option<String>,
}

pub struct ValidUpdate {
    pub url: Option<String>,
    pub event_types: Option<EndpointTypes>,
    pub description: Option<Option<String>>,
    pub status: Option<EndpointStatus>,
}

/// Its length, and its characters: printable ASCII, no space, as the document's pattern
/// says. A URL reader drops or encodes others (a line break, a NUL), so the endpoint would
/// show one URL and be sent to another.
fn url_form(url: &str) -> Result<(), ApiError> {
    if url.is_empty() || url.len() > MAX_URL {
        return Err(ApiError::invalid_field(
            "url",
            format!("url must be 1 to {MAX_URL} bytes"),
        ));
    }
    if !url.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::invalid_field(
            "url",
            "url must be printable ASCII without spaces; percent-encode any other character",
        ));
    }
    Ok(())
}

fn event_types(raw: &[String]) -> Result<EndpointTypes, ApiError> {
    if raw.is_empty() || raw.len() > MAX_TYPES {
        return Err(ApiError::invalid_field(
            "event_types",
            format!("event_types must hold 1 to {MAX_TYPES} types"),
        ));
    }
    EndpointTypes::parse(raw).map_err(|bad| {
        ApiError::invalid_field(
            "event_types",
            format!("unknown event type {bad:?} in event_types"),
        )
    })
}

fn description(d: &Option<String>) -> Result<(), ApiError> {
    if d.as_ref()
        .is_some_and(|d| d.chars().count() > MAX_DESCRIPTION)
    {
        return Err(ApiError::invalid_field(
            "description",
            format!("description must be at most {MAX_DESCRIPTION} characters"),
        ));
    }
    Ok(())
}

/// Where `url` leads, checked now (and again at every send).
pub async fn reachable(kit: &dyn WebhookKit, url: &str) -> Result<(), ApiError> {
    kit.check_url(url)
        .await
        .map_err(|why| ApiError::invalid_field("url", why))
}

impl RequestBody for CreateEndpoint {
    type Valid = ValidCreate;

    fn validate(self, _: &AppState) -> Result<ValidCreate, ApiError> {
        url_form(&self.url)?;
        description(&self.description)?;
        Ok(ValidCreate {
            event_types: event_types(&self.event_types)?,
            url: self.url,
            description: self.description,
        })
    }
}

impl RequestBody for UpdateEndpoint {
    type Valid = ValidUpdate;

    fn validate(self, _: &AppState) -> Result<ValidUpdate, ApiError> {
        if let Some(url) = &self.url {
            url_form(url)?;
        }
        if let Some(d) = &self.description {
            description(d)?;
        }
        Ok(ValidUpdate {
            event_types: self.event_types.as_deref().map(event_types).transpose()?,
            url: self.url,
            description: self.description,
            status: self.status,
        })
    }
}

/// Longest a rolled-over secret keeps signing, in seconds.
pub const MAX_OLD_SECRET_SECS: u64 = 86_400;

impl RequestBody for RollSecret {
    type Valid = u64;
    const OPTIONAL: bool = true;
    const DESCRIPTION: Option<&'static str> =
        Some("Optional: nothing, `{}`, or `{old_secret_valid_for}`.");

    fn validate(self, _: &AppState) -> Result<u64, ApiError> {
        match self.old_secret_valid_for {
            None => Ok(MAX_OLD_SECRET_SECS),
            Some(s) if s <= MAX_OLD_SECRET_SECS => Ok(s),
            Some(_) => Err(ApiError::invalid_field(
                "old_secret_valid_for",
                format!("old_secret_valid_for must be 0 to {MAX_OLD_SECRET_SECS} seconds"),
            )),
        }
    }
}

/// Most events one replay names by id.
pub const MAX_REPLAY_IDS: usize = 100;

pub enum ValidReplay {
    After(String),
    Ids(Vec<String>),
}

impl RequestBody for Replay {
    type Valid = ValidReplay;

    fn validate(self, _: &AppState) -> Result<ValidReplay, ApiError> {
        match (self.after, self.event_ids) {
            (Some(after), None) => Ok(ValidReplay::After(after)),
            (None, Some(mut ids)) if !ids.is_empty() && ids.len() <= MAX_REPLAY_IDS => {
                ids.sort();
                ids.dedup();
                Ok(ValidReplay::Ids(ids))
            }
            (None, Some(_)) => Err(ApiError::invalid_field(
                "event_ids",
                format!("event_ids must hold 1 to {MAX_REPLAY_IDS} ids"),
            )),
            _ => Err(ApiError::invalid(
                "Send exactly one of after (a feed cursor) and event_ids",
            )),
        }
    }
}

pirros_shared::empty_body!(
    /// The empty body of `POST .../test`.
    NoBody
);
