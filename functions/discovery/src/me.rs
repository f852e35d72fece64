//! `GET /v1/me`: the credential, its firm, the workspaces where it holds grants (with the
//! filters' names) and its rate-limit state. Any valid token may ask; no grant is needed.

use pirros_shared::AppState;
use pirros_shared::ahead::Ahead;
use pirros_shared::api::{Asking, V1Call};
use pirros_shared::conditional::EntityTag;
use pirros_shared::error::ApiError;
use pirros_shared::grants::{Action, EntityType, Filter, FilterId};
use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::model::{Credential, Workspace};
use pirros_shared::payload::{NoExpansions, Resource};
use pirros_shared::query::NoQuery;
use pirros_shared::response::{Envelope, Reply};
use pirros_shared::store::{Reach, StoreResult};
use serde::Serialize;
use utoipa::ToSchema;

/// Who you are and what you may reach.
#[derive(Serialize, ToSchema)]
pub struct Me {
    /// Your client id.
    pub client_id: String,
    /// The credential's name, as your firm admin gave it.
    pub name: String,
    pub firm: FirmSummary,
    /// The workspaces where the credential holds at least one grant, by name (then id).
    /// A workspace's `id` is what `/v1/workspaces/{ws}/...` takes.
    pub workspaces: Vec<WorkspaceAccess>,
    pub rate_limit: RateLimit,
}

/// The firm the credential belongs to.
#[derive(Serialize, ToSchema)]
pub struct FirmSummary {
    pub id: String,
    /// `null` only if the firm's record is missing.
    #[schema(required)]
    pub name: Option<String>,
}

/// A workspace you may use, and what your grants allow in it.
#[derive(Serialize, ToSchema)]
pub struct WorkspaceAccess {
    #[schema(value_type = String, format = Uuid)]
    pub id: WorkspaceId,
    pub name: String,
    /// `false`: every download of the workspace answers 403 `DOWNLOAD_DISABLED`.
    pub downloads_enabled: bool,
    /// By `entity_type`, then `action` (read, write, download), then `filter_id`.
    pub grants: Vec<GrantSummary>,
}

/// One grant: an action on the resources of one type that a filter matches.
#[derive(Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct GrantSummary {
    #[schema(value_type = ActionName)]
    pub action: Action,
    #[schema(value_type = EntityTypeName)]
    pub entity_type: EntityType,
    /// `default:<type>` (every resource of the type) or a custom filter's id.
    #[schema(value_type = String, example = "default:details")]
    pub filter_id: FilterId,
    #[schema(example = "All details")]
    pub filter_name: String,
}

/// An action a grant allows.
#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ActionName {
    Read,
    Write,
    Download,
}

/// A resource type a grant's filter applies to.
#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum EntityTypeName {
    Detail,
    Family,
    Stash,
    Tag,
}

/// The rate limit as it stands after this request: the `X-RateLimit-*` headers' values.
#[derive(Serialize, ToSchema)]
pub struct RateLimit {
    /// Requests allowed per hour (`X-RateLimit-Limit`).
    pub limit: u64,
    /// Requests left now (`X-RateLimit-Remaining`).
    pub remaining: u64,
    /// In Unix seconds: when the current window ends or, once nothing is left, when one more
    /// request fits (`X-RateLimit-Reset`).
    pub reset: i64,
}

fn action_rank(a: Action) -> u8 {
    match a {
        Action::Read => 0,
        Action::Write => 1,
        Action::Download => 2,
    }
}

/// The credential's grants in `ws`, named. A grant whose custom filter is gone grants
/// nothing and is left out.
fn grants_in(credential: &Credential, ws: WorkspaceId, filters: &[Filter]) -> Vec<GrantSummary> {
    let mut out: Vec<GrantSummary> = credential
        .grants
        .iter()
        .filter(|g| g.workspace_id == ws)
        .filter_map(|g| {
            let (entity_type, filter_name) = match &g.filter_id {
                FilterId::System(e) => (*e, FilterId::system_name(*e)),
                FilterId::Custom(id) => filters
                    .iter()
                    .find(|f| &f.id == id && f.workspace_id == ws)
                    .map(|f| (f.entity_type, f.name.clone()))?,
            };
            Some(GrantSummary {
                action: g.action,
                entity_type,
                filter_id: g.filter_id.clone(),
                filter_name,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (
            a.entity_type,
            action_rank(a.action),
            a.filter_id.to_string(),
        )
            .cmp(&(
                b.entity_type,
                action_rank(b.action),
                b.filter_id.to_string(),
            ))
    });
    out.dedup();
    out
}

/// The workspaces of the credential's own firm where it holds a grant that grants
/// something.
fn workspaces(credential: &Credential, reach: &Reach) -> Vec<WorkspaceAccess> {
    let mut out: Vec<WorkspaceAccess> = reach
        .workspaces
        .iter()
        .filter(|w: &&Workspace| w.firm_id == credential.firm_id)
        .filter_map(|w| {
            let grants = grants_in(credential, w.id, &reach.filters);
            (!grants.is_empty()).then(|| WorkspaceAccess {
                id: w.id,
                name: w.name.clone(),
                downloads_enabled: w.downloads_enabled,
                grants,
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    out
}

/// What `/v1/me` reads: the firm, the workspaces the credential's grants name and the
/// custom filters they name.
#[derive(PartialEq)]
pub struct ReachKeys {
    firm: ResourceId,
    workspaces: Vec<WorkspaceId>,
    filters: Vec<(WorkspaceId, ResourceId)>,
}

impl ReachKeys {
    fn of(credential: &Credential) -> Self {
        let mut workspaces: Vec<WorkspaceId> =
            credential.grants.iter().map(|g| g.workspace_id).collect();
        workspaces.sort();
        workspaces.dedup();
        let mut filters: Vec<(WorkspaceId, ResourceId)> = credential
            .grants
            .iter()
            .filter_map(|g| match &g.filter_id {
                FilterId::Custom(id) => Some((g.workspace_id, id.clone())),
                FilterId::System(_) => None,
            })
            .collect();
        filters.sort();
        filters.dedup();
        Self {
            firm: credential.firm_id.clone(),
            workspaces,
            filters,
        }
    }

    async fn read(&self, state: &AppState) -> StoreResult<Reach> {
        state
            .store
            .get_reach(&self.firm, &self.workspaces, &self.filters)
            .await
    }
}

/// What was read ahead, and by which keys.
pub struct ReachRead {
    keys: ReachKeys,
    reach: StoreResult<Reach>,
}

/// The reach of the credential this client last showed this container, read beside
/// authentication; used only when the credential read for the call names the same keys
/// (a grant changed since: read again). Nothing for a client not seen yet.
pub(crate) async fn read_reach(state: &AppState, asking: Asking<'_>) -> Option<ReachRead> {
    let keys = ReachKeys::of(asking.known?);
    let reach = keys.read(state).await;
    Some(ReachRead { keys, reach })
}

/// Who am I
///
/// The credential behind the token: its client id and name, its firm, every workspace
/// where it holds a grant (with each grant's action, resource type and filter name), and
/// its rate-limit state after this request. Any valid token may ask. Use it to find the
/// workspace ids the other routes take. The `ETag` covers everything but `rate_limit`
/// (whose values every answer, 304 included, also carries in the `X-RateLimit-*` headers),
/// so `If-None-Match` answers 304 while the grants and names stay the same.
#[utoipa::path(
    get,
    path = "/v1/me",
    operation_id = "getMe",
    tag = "discovery",
    responses(
        (status = 200, description = "The credential.",
            body = Envelope<Resource<Me, NoExpansions>>,
            headers(("ETag" = String, description = "A digest of the answer without `rate_limit`."))),
    )
)]
pub async fn me(
    state: &AppState,
    call: &V1Call,
    (NoQuery {}, ahead): (NoQuery, Ahead<Option<ReachRead>>),
) -> Result<Reply, ApiError> {
    let credential = &call.credential;
    let keys = ReachKeys::of(credential);
    let reach = match ahead.into_read().flatten() {
        Some(early) if early.keys == keys => early.reach,
        _ => keys.read(state).await,
    }?;
    let rate = call.rate();
    let me = Me {
        client_id: credential.client_id.to_string(),
        name: credential.name.clone(),
        firm: FirmSummary {
            id: credential.firm_id.to_string(),
            name: reach.firm.as_ref().map(|f| f.name.clone()),
        },
        workspaces: workspaces(credential, &reach),
        rate_limit: RateLimit {
            limit: rate.limit,
            remaining: rate.remaining,
            reset: rate.reset_epoch_secs,
        },
    };
    let tag = EntityTag::of(&(&me.client_id, &me.name, &me.firm, &me.workspaces))?;
    call.reply_tagged(
        &Resource {
            item: &me,
            expanded: NoExpansions {},
        },
        tag,
    )
}
