//! The strict request bodies of stash writes: unknown fields are a 400.

use pirros_shared::AppState;
use pirros_shared::error::{ApiError, ItemReferenceDetails};
use pirros_shared::extract::RequestBody;
use pirros_shared::ids::ResourceId;
use pirros_shared::model::{ItemIds, Stash};
use serde::{Deserialize, Deserializer};
use utoipa::ToSchema;

pub const MAX_NAME: usize = 200;
pub const MAX_DESCRIPTION: usize = 2000;
/// Most ids in each of `detail_ids` and `family_ids` (a cap per list, which the schema can
/// state with `maxItems`, unlike a total across two lists).
pub const MAX_ITEMS: usize = 1000;

/// The id of a detail or family (`ids::is_plain_id`).
#[derive(ToSchema)]
#[schema(value_type = String, pattern = "^([A-Za-z0-9_:-][A-Za-z0-9._:-]{0,127}|\\.[A-Za-z0-9_:-][A-Za-z0-9._:-]{0,126}|\\.\\.[A-Za-z0-9._:-]{1,126})$")]
pub struct ItemId(pub String);

/// The details and families a stash holds: at most 1,000 of each, each readable by you in
/// this workspace (else 400 `INVALID_ITEM_REFERENCE`). Duplicates are dropped.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, remote = "Self")]
pub struct ItemIdsIn {
    #[schema(max_items = 1000, example = json!(["det-slab-edge"]))]
    #[schema(value_type = Vec<ItemId>)]
    pub detail_ids: Vec<String>,
    #[schema(max_items = 1000, example = json!(["fam-door-single"]))]
    #[schema(value_type = Vec<ItemId>)]
    pub family_ids: Vec<String>,
}

pirros_shared::object_only!(ItemIdsIn);

/// The body of a stash create. Unknown fields are a 400.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateStash {
    /// 1 to 200 characters, not blank. (The pattern asks for one character that is not
    /// blank as `str::trim` sees it: ECMAScript's `\s` misses only U+0085.)
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "[^\\s\\u0085]",
        example = "Library doors"
    )]
    pub name: String,
    /// At most 2,000 characters.
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    /// A project of this workspace.
    #[schema(
        pattern = "^([A-Za-z0-9_:-][A-Za-z0-9._:-]{0,127}|\\.[A-Za-z0-9_:-][A-Za-z0-9._:-]{0,126}|\\.\\.[A-Za-z0-9._:-]{1,126})$",
        example = "8d2e6f10-4a3b-4c1d-9e8f-0a1b2c3d4e51"
    )]
    pub project_id: String,
    /// Default `false`.
    pub is_permanent: Option<bool>,
    pub item_ids: ItemIdsIn,
}

/// Distinguishes an absent field (`None`) from an explicit `null` (`Some(None)`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// The body of a stash update: the fields to change, each optional. Unknown fields are a
/// 400; so is `null` for any field but `description`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateStash {
    /// 1 to 200 characters, not blank.
    #[serde(default, deserialize_with = "present")]
    #[schema(
        value_type = String,
        required = false,
        min_length = 1,
        max_length = 200,
        pattern = "[^\\s\\u0085]"
    )]
    pub name: Option<Option<String>>,
    /// At most 2,000 characters; `null` clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, required = false, max_length = 2000)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = bool, required = false)]
    pub is_permanent: Option<Option<bool>>,
    /// Replaces the stash's items.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = ItemIdsIn, required = false)]
    pub item_ids: Option<Option<ItemIdsIn>>,
}

pub struct ValidCreate {
    pub name: String,
    pub description: Option<String>,
    pub project_id: ResourceId,
    pub is_permanent: bool,
    pub item_ids: ItemIds,
}

pub struct ValidPatch {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub is_permanent: Option<bool>,
    pub item_ids: Option<ItemIds>,
}

fn name(v: &str) -> Result<String, ApiError> {
    let n = v.chars().count();
    if v.trim().is_empty() || n > MAX_NAME {
        return Err(ApiError::invalid_field(
            "name",
            format!("name must be 1 to {MAX_NAME} characters and not blank"),
        ));
    }
    Ok(v.to_owned())
}

fn description(v: Option<String>) -> Result<Option<String>, ApiError> {
    if let Some(d) = &v
        && d.chars().count() > MAX_DESCRIPTION
    {
        return Err(ApiError::invalid_field(
            "description",
            format!("description must be at most {MAX_DESCRIPTION} characters"),
        ));
    }
    Ok(v)
}

/// Well-formed ids are looked up; malformed ones can't exist, so they are reported as
/// invalid references like missing ones.
fn item_ids(v: ItemIdsIn) -> Result<ItemIds, ApiError> {
    if v.detail_ids.len() > MAX_ITEMS || v.family_ids.len() > MAX_ITEMS {
        return Err(ApiError::invalid_field(
            "item_ids",
            format!("a stash holds at most {MAX_ITEMS} details and {MAX_ITEMS} families"),
        ));
    }
    match (
        ResourceId::parse_unique(&v.detail_ids),
        ResourceId::parse_unique(&v.family_ids),
    ) {
        (Ok(detail_ids), Ok(family_ids)) => Ok(ItemIds {
            detail_ids,
            family_ids,
        }),
        (d, f) => Err(ApiError::InvalidItemReference(ItemReferenceDetails {
            detail_ids: d.err().unwrap_or_default(),
            family_ids: f.err().unwrap_or_default(),
            ..Default::default()
        })),
    }
}

impl RequestBody for CreateStash {
    type Valid = ValidCreate;

    fn validate(self, _: &AppState) -> Result<ValidCreate, ApiError> {
        let project_id = ResourceId::parse(&self.project_id).ok_or_else(|| {
            ApiError::invalid_field("project_id", "project_id is not a valid project id")
        })?;
        Ok(ValidCreate {
            name: name(&self.name)?,
            description: description(self.description)?,
            project_id,
            is_permanent: self.is_permanent.unwrap_or(false),
            item_ids: item_ids(self.item_ids)?,
        })
    }
}

impl RequestBody for UpdateStash {
    type Valid = ValidPatch;

    fn validate(self, _: &AppState) -> Result<ValidPatch, ApiError> {
        let null = |f: &str| ApiError::invalid_field(f, format!("{f} cannot be null"));
        Ok(ValidPatch {
            name: match self.name {
                None => None,
                Some(None) => return Err(null("name")),
                Some(Some(n)) => Some(name(&n)?),
            },
            description: match self.description {
                None => None,
                Some(d) => Some(description(d)?),
            },
            is_permanent: match self.is_permanent {
                None => None,
                Some(None) => return Err(null("is_permanent")),
                Some(Some(b)) => Some(b),
            },
            item_ids: match self.item_ids {
                None => None,
                Some(None) => return Err(null("item_ids")),
                Some(Some(i)) => Some(item_ids(i)?),
            },
        })
    }
}

impl ValidPatch {
    pub fn apply(&self, s: &mut Stash) {
        if let Some(n) = &self.name {
            s.name = n.clone();
        }
        if let Some(d) = &self.description {
            s.description = d.clone();
        }
        if let Some(p) = self.is_permanent {
            s.is_permanent = p;
        }
        if let Some(i) = &self.item_ids {
            s.item_ids = i.clone();
        }
    }
}
