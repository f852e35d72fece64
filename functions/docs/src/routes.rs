//! Every function's routes in one table: the docs function's 404s and 405s, the OpenAPI
//! document's paths, and what `pirros-local` mounts (each route to its function, as API
//! Gateway routes them).

use pirros_shared::routes::{FunctionRoute, Joined, RouteDef, Table};
use std::sync::LazyLock;
use utoipa::openapi::OpenApi;

/// `f::<R>()` for each function's route type `R`, in the order the OpenAPI document lists
/// them: a new function is one line here.
macro_rules! each_function {
    ($f:ident) => {
        [
            $f::<pirros_oauth::OAuthRoute>(),
            $f::<pirros_tags::TagsRoute>(),
            $f::<pirros_details::DetailsRoute>(),
            $f::<pirros_families::FamiliesRoute>(),
            $f::<pirros_stashes::StashesRoute>(),
            $f::<pirros_downloads::DownloadsRoute>(),
            $f::<pirros_discovery::DiscoveryRoute>(),
            $f::<pirros_jobs::JobsRoute>(),
            $f::<pirros_webhooks::WebhooksRoute>(),
            $f::<crate::DocsRoute>(),
        ]
        .into_iter()
        .flatten()
        .collect()
    };
}

fn erased<R: FunctionRoute>() -> Vec<RouteDef<()>> {
    R::table().defs().iter().map(RouteDef::erased).collect()
}

/// Each route's operation for the OpenAPI document, in the table's order.
pub fn documented() -> Vec<fn(&mut OpenApi)> {
    each_function!(documented_by)
}

fn documented_by<R: FunctionRoute>() -> Vec<fn(&mut OpenApi)> {
    R::documented()
}

/// Every route of every function, joined once per process.
pub fn all() -> &'static Joined {
    static ALL: LazyLock<Joined> = LazyLock::new(|| Table::new(each_function!(erased)));
    &ALL
}
