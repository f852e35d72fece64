//! The strict body of a family upload, and what it becomes once checked.

use pirros_shared::AppState;
use pirros_shared::error::{ApiError, ItemReferenceDetails};
use pirros_shared::extract::RequestBody;
use pirros_shared::ids::ResourceId;
use serde::Deserialize;
use utoipa::ToSchema;

pub const MAX_NAME: usize = 200;
pub const MAX_TEXT: usize = 2000;
pub const MAX_FILE_NAME: usize = 255;
pub const MAX_TAGS: usize = 100;

/// The body of `POST .../families/uploads`. Unknown fields are a 400.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadFamily {
    /// A family of this workspace that the file becomes the next version of. Leave it out
    /// for a new family.
    #[schema(
        pattern = "^([A-Za-z0-9_:-][A-Za-z0-9._:-]{0,127}|\\.[A-Za-z0-9_:-][A-Za-z0-9._:-]{0,126}|\\.\\.[A-Za-z0-9._:-]{1,126})$",
        example = "fam-door-single"
    )]
    pub family_id: Option<String>,
    /// 1 to 200 characters, not blank. Required for a new family; for a new version it
    /// renames the family.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "[^\\s\\u0085]",
        example = "Door Single Flush"
    )]
    pub name: Option<String>,
    /// 1 to 200 characters, not blank. Required for a new family.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "[^\\s\\u0085]",
        example = "Doors"
    )]
    pub category: Option<String>,
    /// At most 2,000 characters.
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    /// At most 100 tags of this workspace that you may read (else 400
    /// `INVALID_ITEM_REFERENCE`).
    #[schema(max_items = 100, value_type = Option<Vec<String>>)]
    pub tag_ids: Option<Vec<String>>,
    /// A project of this workspace (else 400 `INVALID_ITEM_REFERENCE`).
    #[schema(
        pattern = "^([A-Za-z0-9_:-][A-Za-z0-9._:-]{0,127}|\\.[A-Za-z0-9_:-][A-Za-z0-9._:-]{0,126}|\\.\\.[A-Za-z0-9._:-]{1,126})$"
    )]
    pub project_id: Option<String>,
    /// The file's name, ending in `.rfa`: 1 to 255 characters, no slashes or control
    /// characters.
    #[schema(
        min_length = 5,
        max_length = 255,
        pattern = "^[^/\\\\\\x00-\\x1f\\x7f-\\x9f.][^/\\\\\\x00-\\x1f\\x7f-\\x9f]*\\.[Rr][Ff][Aa]$",
        example = "Door Single Flush.rfa"
    )]
    pub file_name: String,
    /// The exact size of the file you will PUT: 1 to `MAX_UPLOAD_BYTES` (200 MiB unless
    /// the deployment configures another cap; the maximum below is that default).
    #[serde(deserialize_with = "pirros_shared::integer::u64")]
    #[schema(minimum = 1, maximum = 209_715_200, example = 1048576)]
    pub size_bytes: u64,
    /// The file's SHA-256, 64 hex digits.
    #[schema(pattern = "^[0-9A-Fa-f]{64}$")]
    pub sha256: String,
    /// About this version, at most 2,000 characters.
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// A checked upload request.
pub struct ValidUpload {
    pub family_id: Option<ResourceId>,
    pub name: Option<String>,
    pub category: Option<String>,
    pub description: Option<String>,
    pub tag_ids: Option<Vec<ResourceId>>,
    pub project_id: Option<ResourceId>,
    pub file_name: String,
    pub size_bytes: u64,
    /// Lowercase.
    pub sha256: String,
    pub note: Option<String>,
}

fn label(field: &str, v: Option<String>, required: bool) -> Result<Option<String>, ApiError> {
    match v {
        None if required => Err(ApiError::invalid_field(
            field,
            format!("{field} is required for a new family (one without family_id)"),
        )),
        None => Ok(None),
        Some(v) if v.trim().is_empty() || v.chars().count() > MAX_NAME => {
            Err(ApiError::invalid_field(
                field,
                format!("{field} must be 1 to {MAX_NAME} characters and not blank"),
            ))
        }
        Some(v) => Ok(Some(v)),
    }
}

fn text(field: &str, v: Option<String>) -> Result<Option<String>, ApiError> {
    match v {
        Some(t) if t.chars().count() > MAX_TEXT => Err(ApiError::invalid_field(
            field,
            format!("{field} must be at most {MAX_TEXT} characters"),
        )),
        other => Ok(other),
    }
}

fn file_name(v: String) -> Result<String, ApiError> {
    let n = v.chars().count();
    let ok = (5..=MAX_FILE_NAME).contains(&n)
        && v.to_ascii_lowercase().ends_with(".rfa")
        && !v.chars().any(|c| c.is_control() || c == '/' || c == '\\')
        && !v.starts_with('.');
    if !ok {
        return Err(ApiError::invalid_field(
            "file_name",
            format!(
                "file_name must end in .rfa, have a name before it, and be at most \
                 {MAX_FILE_NAME} characters without slashes or control characters"
            ),
        ));
    }
    Ok(v)
}

impl RequestBody for UploadFamily {
    type Valid = ValidUpload;

    fn validate(self, state: &AppState) -> Result<ValidUpload, ApiError> {
        self.check(state.config.max_upload_bytes)
    }
}

impl UploadFamily {
    /// Checks every field; `max_bytes` is `MAX_UPLOAD_BYTES`. Malformed tag and project ids
    /// can't exist, so they are invalid references like missing ones.
    pub fn check(self, max_bytes: u64) -> Result<ValidUpload, ApiError> {
        let new = self.family_id.is_none();
        let family_id = match self.family_id {
            None => None,
            Some(id) => Some(ResourceId::parse(&id).ok_or(ApiError::NotFound)?),
        };
        let name = label("name", self.name, new)?;
        let category = label("category", self.category, new)?;
        let description = text("description", self.description)?;
        let note = text("note", self.note)?;
        let file_name = file_name(self.file_name)?;
        if !(1..=max_bytes).contains(&self.size_bytes) {
            return Err(ApiError::invalid_field(
                "size_bytes",
                format!("size_bytes must be from 1 to {max_bytes}"),
            ));
        }
        if self.sha256.len() != 64 || !self.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ApiError::invalid_field(
                "sha256",
                "sha256 must be 64 hexadecimal digits",
            ));
        }
        if self.tag_ids.as_ref().is_some_and(|t| t.len() > MAX_TAGS) {
            return Err(ApiError::invalid_field(
                "tag_ids",
                format!("a family carries at most {MAX_TAGS} tags"),
            ));
        }
        let tags = self.tag_ids.as_deref().map(ResourceId::parse_unique);
        let project = self
            .project_id
            .as_deref()
            .map(|p| ResourceId::parse(p).ok_or_else(|| vec![p.to_owned()]));
        let (tag_ids, project_id) = match (tags.transpose(), project.transpose()) {
            (Ok(t), Ok(p)) => (t, p),
            (t, p) => {
                return Err(ApiError::InvalidItemReference(ItemReferenceDetails {
                    tag_ids: t.err().unwrap_or_default(),
                    project_ids: p.err().unwrap_or_default(),
                    ..Default::default()
                }));
            }
        };
        Ok(ValidUpload {
            family_id,
            name,
            category,
            description,
            tag_ids,
            project_id,
            file_name,
            size_bytes: self.size_bytes,
            sha256: self.sha256.to_ascii_lowercase(),
            note,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(body: serde_json::Value) -> Result<ValidUpload, ApiError> {
        serde_json::from_value::<UploadFamily>(body)
            .unwrap()
            .check(1000)
    }

    /// The schema's `maximum` is the default cap, so a default deployment refuses nothing
    /// the document allows.
    #[test]
    fn the_documented_maximum_is_the_default_cap() {
        use utoipa::PartialSchema;
        let schema = serde_json::to_value(UploadFamily::schema()).unwrap();
        assert_eq!(
            schema["properties"]["size_bytes"]["maximum"],
            json!(pirros_shared::config::DEFAULT_MAX_UPLOAD_BYTES)
        );
    }

    fn field(e: ApiError) -> String {
        match e {
            ApiError::InvalidRequest { details, .. } => details.unwrap().field,
            other => panic!("{other:?}"),
        }
    }

    fn base() -> serde_json::Value {
        json!({"name": "Door", "category": "Doors", "file_name": "Door.rfa",
               "size_bytes": 10, "sha256": "AB".repeat(32)})
    }

    #[test]
    fn a_new_family_needs_a_name_and_category() {
        let ok = check(base()).unwrap();
        assert_eq!(ok.sha256, "ab".repeat(32));
        assert!(ok.family_id.is_none());
        for missing in ["name", "category"] {
            let mut b = base();
            b.as_object_mut().unwrap().remove(missing);
            assert_eq!(field(check(b).err().unwrap()), missing);
        }
        // A new version may leave them out.
        let mut b = base();
        let o = b.as_object_mut().unwrap();
        o.remove("name");
        o.remove("category");
        o.insert("family_id".into(), json!("f1"));
        assert!(check(b).is_ok());
    }

    #[test]
    fn each_bad_field_is_named() {
        for (k, v) in [
            ("file_name", json!("door.rvt")),
            ("file_name", json!(".rfa")),
            ("file_name", json!("a/b.rfa")),
            ("file_name", json!(format!("{}.rfa", "x".repeat(252)))),
            ("size_bytes", json!(0)),
            ("size_bytes", json!(1001)),
            ("sha256", json!("ab")),
            ("sha256", json!("zz".repeat(32))),
            ("name", json!(" ")),
            ("description", json!("x".repeat(2001))),
            ("note", json!("x".repeat(2001))),
        ] {
            let mut b = base();
            b[k] = v;
            assert_eq!(field(check(b).err().unwrap()), k);
        }
        assert!(
            check(json!({"name": "D", "category": "C", "file_name": "D.RFA",
                             "size_bytes": 1000, "sha256": "0".repeat(64)}))
            .is_ok()
        );
    }

    #[test]
    fn malformed_references_are_invalid_references() {
        let mut b = base();
        b["tag_ids"] = json!(["ok", "a#b"]);
        b["project_id"] = json!("p#1");
        match check(b).err().unwrap() {
            ApiError::InvalidItemReference(d) => {
                assert_eq!(d.tag_ids, ["a#b"]);
                assert_eq!(d.project_ids, ["p#1"]);
            }
            other => panic!("{other:?}"),
        }
        let mut b = base();
        b["family_id"] = json!("a#b");
        assert!(matches!(check(b), Err(ApiError::NotFound)));
    }
}
