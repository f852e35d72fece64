//! The shapes of `/v1` payloads (what goes under `response`), generic over the resource:
//! the same types serialise the answers and describe them in the OpenAPI document.

use serde::Serialize;
use utoipa::ToSchema;

/// One page of a list: `{data, next_cursor, expanded}`.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListPage<T, E> {
    pub data: Vec<T>,
    /// Pass it back as `cursor` for the next page; `null` on the last page, and always on
    /// lists that are never paged.
    #[schema(required)]
    pub next_cursor: Option<String>,
    pub expanded: E,
}

/// One resource: its own fields and `expanded`.
#[derive(Serialize, ToSchema)]
pub struct Resource<T, E> {
    #[serde(flatten)]
    pub item: T,
    pub expanded: E,
}

/// `expanded` where nothing can be expanded: always `{}`.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoExpansions {}
