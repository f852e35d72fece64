//! The strict request bodies of flag writes: unknown fields are a 400.

use pirros_shared::AppState;
use pirros_shared::error::ApiError;
use pirros_shared::extract::RequestBody;
use pirros_shared::flags::FlagReason;
use serde::de::IntoDeserializer;
use serde::{Deserialize, Deserializer};
use utoipa::ToSchema;

pub const MAX_NOTE: usize = 2000;

/// The body of a flag create. Unknown fields are a 400.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateFlag {
    #[serde(deserialize_with = "named")]
    pub reason: FlagReason,
    /// At most 2,000 characters; required (not blank) when `reason` is `other`.
    #[schema(
        max_length = 2000,
        example = "The sill height changed in the 2026 standard."
    )]
    pub note: Option<String>,
}

/// What a flag can be set to: resolved (a resolved flag is not reopened).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ResolvedStatus {
    Resolved,
}

/// The body of a flag update. Unknown fields are a 400.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveFlag {
    #[serde(deserialize_with = "named")]
    pub status: ResolvedStatus,
    /// At most 2,000 characters. Sent again for a resolved flag, it replaces the note.
    #[schema(max_length = 2000)]
    pub resolution_note: Option<String>,
}

/// An enum spelt as a string: anything else (a number, an object) is refused as a wrong
/// type of the field, where serde_json alone would call the body invalid JSON.
fn named<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    let s = String::deserialize(d)?;
    T::deserialize(s.into_deserializer())
}

pub struct ValidCreate {
    pub reason: FlagReason,
    pub note: Option<String>,
}

fn note(field: &str, v: &Option<String>) -> Result<(), ApiError> {
    if let Some(n) = v
        && n.chars().count() > MAX_NOTE
    {
        return Err(ApiError::invalid_field(
            field,
            format!("{field} must be at most {MAX_NOTE} characters"),
        ));
    }
    Ok(())
}

impl RequestBody for CreateFlag {
    type Valid = ValidCreate;

    fn validate(self, _: &AppState) -> Result<ValidCreate, ApiError> {
        note("note", &self.note)?;
        if self.reason == FlagReason::Other
            && self.note.as_deref().is_none_or(|n| n.trim().is_empty())
        {
            return Err(ApiError::invalid_field(
                "note",
                "note is required when reason is other",
            ));
        }
        Ok(ValidCreate {
            reason: self.reason,
            note: self.note,
        })
    }
}

impl RequestBody for ResolveFlag {
    type Valid = Option<String>;

    /// The resolution note, checked.
    fn validate(self, _: &AppState) -> Result<Option<String>, ApiError> {
        let ResolvedStatus::Resolved = self.status;
        note("resolution_note", &self.resolution_note)?;
        Ok(self.resolution_note)
    }
}
