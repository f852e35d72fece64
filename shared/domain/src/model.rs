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
    /// (`default` reads stored copies without it; every answer has it.)
    #[serde(default)]
    #[schema(required)]
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

impl ItemIds {
    /// Each id once, where it first stands: what a stash holds (an item is in it or not).
    pub fn without_repeats(&self) -> ItemIds {
        fn once(ids: &[ResourceId]) -> Vec<ResourceId> {
            let mut seen = std::collections::HashSet::new();
            ids.iter().filter(|id| seen.insert(*id)).cloned().collect()
        }
        ItemIds {
            detail_ids: once(&self.detail_ids),
            family_ids: once(&self.family_ids),
        }
    }
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
    pub secret: crate::secret::SecretHash,
    /// Bumped when the secret is regenerated or rolled; tokens carry it (`sv`), so the
    /// tokens of a replaced secret die with it.
    pub secret_version: u64,
    /// The secret a `roll` replaced, still accepted (with its tokens) until it expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_secret: Option<PreviousSecret>,
    #[serde(default)]
    pub grants: Vec<Grant>,
    pub created_at: Timestamp,
    /// Bumped by every operator write, each conditional on the version it read, so
    /// concurrent writes (a revoke racing grant changes) never undo each other. Records
    /// from before versions existed read as 0.
    #[serde(default)]
    pub version: u64,
}

/// A rolled-over secret and the version its tokens carry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PreviousSecret {
    pub secret: crate::secret::SecretHash,
    pub secret_version: u64,
    pub valid_until: Timestamp,
}

impl PreviousSecret {
    fn is_live(&self, now: Timestamp) -> bool {
        now < self.valid_until
    }
}

impl Credential {
    pub fn is_active(&self) -> bool {
        self.status == CredentialStatus::Active
    }

    /// The secret version `plain` authenticates at `now` (the current secret's, or a
    /// rolled-over one's until it expires); `None` when it is neither.
    pub fn secret_version_of(&self, plain: &str, now: Timestamp) -> Option<u64> {
        if self.secret.verify(plain) {
            return Some(self.secret_version);
        }
        self.previous_secret
            .as_ref()
            .filter(|p| p.is_live(now) && p.secret.verify(plain))
            .map(|p| p.secret_version)
    }

    /// Whether a token issued for secret version `sv` is still good at `now`.
    pub fn accepts_secret_version(&self, sv: u64, now: Timestamp) -> bool {
        sv == self.secret_version
            || self
                .previous_secret
                .as_ref()
                .is_some_and(|p| p.secret_version == sv && p.is_live(now))
    }

    /// A new secret; the old one and its tokens fail at once.
    pub fn regenerate(&mut self, plain: &str) {
        self.secret = crate::secret::SecretHash::of(plain);
        self.secret_version += 1;
        self.previous_secret = None;
    }

    /// A new secret; the current one (and its tokens) keeps working until `valid_until`.
    /// A secret rolled over before is dropped: at most two secrets are ever valid.
    pub fn roll(&mut self, plain: &str, valid_until: Timestamp) {
        let old = std::mem::replace(&mut self.secret, crate::secret::SecretHash::of(plain));
        self.previous_secret = Some(PreviousSecret {
            secret: old,
            secret_version: self.secret_version,
            valid_until,
        });
        self.secret_version += 1;
    }
}

/// The most tags a workspace holds: the tags list reads them all on every call, so the
/// importer refuses a fixture that would take a workspace past it.
pub const MAX_TAGS_PER_WORKSPACE: usize = 500;

/// What a resource references that `include` can expand.
pub trait References {
    fn tag_ids(&self) -> &[ResourceId];
    fn project_id(&self) -> Option<&ResourceId>;
}

impl References for Detail {
    fn tag_ids(&self) -> &[ResourceId] {
        &self.tag_ids
    }
    fn project_id(&self) -> Option<&ResourceId> {
        self.project_id.as_ref()
    }
}

impl References for Family {
    fn tag_ids(&self) -> &[ResourceId] {
        &self.tag_ids
    }
    fn project_id(&self) -> Option<&ResourceId> {
        self.project_id.as_ref()
    }
}
