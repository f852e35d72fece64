//! The resources of the API. Their serde form is exactly the JSON integrators see;
//! what only storage needs (file keys, secret hashes) lives in the `*Record` types.

use crate::grants::{Action, FilterId};
use crate::ids::{ClientId, ResourceId, WorkspaceId};
use crate::timestamp::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Library {
    Typical,
    Project,
}

impl Library {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "typical" => Some(Self::Typical),
            "project" => Some(Self::Project),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Firm {
    pub id: ResourceId,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Workspace {
    pub id: WorkspaceId,
    pub firm_id: ResourceId,
    pub name: String,
    #[serde(default = "yes")]
    pub downloads_enabled: bool,
}

fn yes() -> bool {
    true
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Project {
    #[schema(value_type = String)]
    pub id: ResourceId,
    #[schema(value_type = String, format = Uuid)]
    pub workspace_id: WorkspaceId,
    pub name: String,
    #[schema(value_type = String, format = DateTime, example = "2026-06-04T12:00:00.000Z")]
    pub created_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Tag {
    #[schema(value_type = String)]
    pub id: ResourceId,
    pub name: String,
    #[schema(value_type = String, format = Uuid)]
    pub workspace_id: WorkspaceId,
    #[schema(value_type = String, format = DateTime, example = "2026-06-04T12:00:00.000Z")]
    pub created_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Detail {
    #[schema(value_type = String)]
    pub id: ResourceId,
    #[schema(value_type = String, format = Uuid)]
    pub workspace_id: WorkspaceId,
    pub name: String,
    pub description: String,
    pub library: Library,
    #[schema(value_type = Vec<String>)]
    pub tag_ids: Vec<ResourceId>,
    /// `null` when the resource belongs to no project.
    #[schema(required, value_type = Option<String>)]
    pub project_id: Option<ResourceId>,
    pub has_pdf: bool,
    pub has_rvt: bool,
    #[schema(value_type = String, format = DateTime, example = "2026-06-04T12:00:00.000Z")]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime, example = "2026-06-04T12:00:00.000Z")]
    pub updated_at: Timestamp,
    /// How many of the detail's flags are open. Stored copies of a detail carry no count
    /// worth trusting: answers take it from the detail's flag counter (`flags.rs`).
    #[serde(default)]
    pub open_flags: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Family {
    #[schema(value_type = String)]
    pub id: ResourceId,
    #[schema(value_type = String, format = Uuid)]
    pub workspace_id: WorkspaceId,
    pub name: String,
    pub category: String,
    pub description: String,
    #[schema(value_type = Vec<String>)]
    pub tag_ids: Vec<ResourceId>,
    /// `null` when the resource belongs to no project.
    #[schema(required, value_type = Option<String>)]
    pub project_id: Option<ResourceId>,
    pub has_rfa: bool,
    /// 1 for a family that was imported; each upload adds one.
    #[serde(default = "first_version")]
    #[schema(minimum = 1)]
    pub version: u64,
    /// The latest version's RFA file; `null` when the family has none.
    #[serde(default)]
    #[schema(required)]
    pub file: Option<FamilyFile>,
    #[schema(value_type = String, format = DateTime, example = "2026-06-04T12:00:00.000Z")]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime, example = "2026-06-04T12:00:00.000Z")]
    pub updated_at: Timestamp,
    /// The family group it belongs to (`GET .../families/{id}/group`); `null` for none.
    #[serde(default)]
    #[schema(required, value_type = Option<String>)]
    pub group_id: Option<ResourceId>,
}

fn first_version() -> u64 {
    1
}

/// A family version's RFA file, as checked when it was uploaded (or imported).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FamilyFile {
    #[schema(example = "Door Single Flush.rfa")]
    pub file_name: String,
    pub size_bytes: u64,
    /// Lowercase hex.
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub sha256: String,
    /// The Revit release year the file's `BasicFileInfo` names (`Format: 2024`, or
    /// `Autodesk Revit 2019` in older files); `null` when it names none.
    #[schema(required, example = 2024)]
    pub revit_version: Option<u16>,
}

/// One version of a family: `GET .../families/{id}/versions`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FamilyVersion {
    #[schema(minimum = 1)]
    pub version: u64,
    #[schema(required)]
    pub file: Option<FamilyFile>,
    /// What the uploader said about this version; `null` when nothing.
    #[schema(required)]
    pub note: Option<String>,
    /// The client id that uploaded it; `null` for an imported version.
    #[schema(required)]
    pub created_by: Option<String>,
    #[schema(value_type = String, format = DateTime, example = "2026-06-04T12:00:00.000Z")]
    pub created_at: Timestamp,
}

/// A stored family version: what is answered, and where its file is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FamilyVersionRecord {
    pub workspace_id: WorkspaceId,
    pub family_id: ResourceId,
    #[serde(flatten)]
    pub version: FamilyVersion,
    #[serde(default)]
    pub file_key: Option<String>,
}

impl FamilyRecord {
    /// The version record of the family as it stands (what an import writes as version 1).
    pub fn current_version(
        &self,
        note: Option<String>,
        created_by: Option<String>,
    ) -> FamilyVersionRecord {
        FamilyVersionRecord {
            workspace_id: self.family.workspace_id,
            family_id: self.family.id.clone(),
            version: FamilyVersion {
                version: self.family.version,
                file: self.family.file.clone(),
                note,
                created_by,
                created_at: self.family.updated_at,
            },
            file_key: self.files.rfa.clone(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ItemIds {
    #[schema(value_type = Vec<String>)]
    pub detail_ids: Vec<ResourceId>,
    #[schema(value_type = Vec<String>)]
    pub family_ids: Vec<ResourceId>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Stash {
    #[schema(value_type = String)]
    pub id: ResourceId,
    #[schema(value_type = String, format = Uuid)]
    pub workspace_id: WorkspaceId,
    pub name: String,
    #[schema(required)]
    pub description: Option<String>,
    #[schema(value_type = String)]
    pub project_id: ResourceId,
    pub is_permanent: bool,
    pub item_ids: ItemIds,
    /// The client id (API) or user id (web app) that created it.
    pub created_by: String,
    #[schema(value_type = String, format = DateTime, example = "2026-06-04T12:00:00.000Z")]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime, example = "2026-06-04T12:00:00.000Z")]
    pub updated_at: Timestamp,
}

/// Keys of a resource's files in the files bucket.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FileKeys {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pdf: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rvt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rfa: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DetailRecord {
    #[serde(flatten)]
    pub detail: Detail,
    #[serde(default)]
    pub files: FileKeys,
    /// The families the detail places (what `GET .../families/{id}/references` lists).
    #[serde(default)]
    pub family_ids: Vec<ResourceId>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FamilyRecord {
    #[serde(flatten)]
    pub family: Family,
    #[serde(default)]
    pub files: FileKeys,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StashRecord {
    #[serde(flatten)]
    pub stash: Stash,
    /// Optimistic-concurrency version, exposed as the ETag.
    pub version: u64,
}

/// Families that belong together (sizes or variants of one product); a family is in at
/// most one group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FamilyGroup {
    #[schema(value_type = String)]
    pub id: ResourceId,
    #[schema(value_type = String, format = Uuid)]
    pub workspace_id: WorkspaceId,
    pub name: String,
    /// The member families (in an answer, only those you may read).
    #[schema(value_type = Vec<String>)]
    pub family_ids: Vec<ResourceId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum CredentialStatus {
    Active,
    Revoked,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Grant {
    pub workspace_id: WorkspaceId,
    pub filter_id: FilterId,
    pub action: Action,
}

/// A stored credential: never the plain secret, only its keyed hash.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Credential {
    pub client_id: ClientId,
    pub name: String,
    pub firm_id: ResourceId,
    pub status: CredentialStatus,
    pub secret: crate::auth::secret::SecretHash,
    /// Bumped when the secret is regenerated; tokens carry it, so old tokens die at once.
    pub secret_version: u64,
    #[serde(default)]
    pub grants: Vec<Grant>,
    pub created_at: Timestamp,
}

impl Credential {
    pub fn is_active(&self) -> bool {
        self.status == CredentialStatus::Active
    }
}
