//! Every function's routes in one table: the docs function's 404s and 405s, the OpenAPI
//! document's paths, and what `pirros-local` mounts (each route to its function, as API
//! Gateway routes them).

use pirros_shared::routes::{FunctionRoute, Joined, RouteDef, Table};
use std::sync::LazyLock;
use utoipa::openapi::OpenApi;

/// Each function's table, in the order the OpenAPI document lists them.
fn tables() -> Vec<Vec<RouteDef<()>>> {
    fn erased<R: FunctionRoute>() -> Vec<RouteDef<()>> {
        R::table().defs().iter().map(RouteDef::erased).collect()
    }
    vec![
        erased::<pirros_oauth::OAuthRoute>(),
        erased::<pirros_tags::TagsRoute>(),
        erased::<pirros_details::DetailsRoute>(),
        erased::<pirros_families::FamiliesRoute>(),
        erased::<pirros_stashes::StashesRoute>(),
        erased::<pirros_downloads::DownloadsRoute>(),
        erased::<pirros_discovery::DiscoveryRoute>(),
        erased::<pirros_jobs::JobsRoute>(),
        erased::<crate::DocsRoute>(),
    ]
}

/// Each route's operation for the OpenAPI document, in the same order.
pub fn documented() -> Vec<fn(&mut OpenApi)> {
    [
        pirros_oauth::OAuthRoute::documented(),
        pirros_tags::TagsRoute::documented(),
        pirros_details::DetailsRoute::documented(),
        pirros_families::FamiliesRoute::documented(),
        pirros_stashes::StashesRoute::documented(),
        pirros_downloads::DownloadsRoute::documented(),
        pirros_discovery::DiscoveryRoute::documented(),
        pirros_jobs::JobsRoute::documented(),
        crate::DocsRoute::documented(),
    ]
    .concat()
}

/// Every route of every function, joined once per process.
pub fn all() -> &'static Joined {
    static ALL: LazyLock<Joined> =
        LazyLock::new(|| Table::new(tables().into_iter().flatten().collect()));
    &ALL
}
