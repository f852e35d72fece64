//! Every route of every function as the tests walk them: read off the routes' declarations
//! (the docs function joins them), never written out here.

use http::Method;
use pirros_shared::routes::Function;
use std::sync::LazyLock;

/// One declared route.
#[derive(Clone, Copy, Debug)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub function: Function,
}

/// Every route, in declaration order.
pub static ROUTES: LazyLock<Vec<Route>> = LazyLock::new(|| {
    pirros_docs::routes::all()
        .defs()
        .iter()
        .map(|d| Route {
            method: d.method.as_str().to_owned().leak(),
            path: d.path,
            function: d.function,
        })
        .collect()
});

/// The template of the route `method path` takes, as API Gateway would choose it.
pub fn template_for(method: &Method, path: &str) -> Option<&'static str> {
    pirros_docs::routes::all()
        .find(method, path)
        .ok()
        .map(|m| m.def.path)
}

/// The function serving `method path`.
pub fn function_for(method: &Method, path: &str) -> Option<Function> {
    pirros_docs::routes::all()
        .find(method, path)
        .ok()
        .map(|m| m.def.function)
}
