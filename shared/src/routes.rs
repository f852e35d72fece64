//! The one routing table: what `pirros-local` mounts, what each Lambda answers, the `Allow`
//! header of a 405, and what `template.yaml` and the OpenAPI document must list (tests
//! compare them).

use crate::error::ApiError;
use crate::ids::{ResourceId, WorkspaceId};
use Function as F;
use http::Method;

/// The Lambda function (resource group) that serves a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Function {
    OAuth,
    Tags,
    Details,
    Families,
    Stashes,
    Downloads,
    Docs,
}

impl Function {
    pub fn name(self) -> &'static str {
        match self {
            Self::OAuth => "oauth",
            Self::Tags => "tags",
            Self::Details => "details",
            Self::Families => "families",
            Self::Stashes => "stashes",
            Self::Downloads => "downloads",
            Self::Docs => "docs",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OAuthRoute {
    Token,
    Jwks,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TagsRoute {
    List(WorkspaceId),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DetailsRoute {
    Search(WorkspaceId),
    Get(WorkspaceId, ResourceId),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FamiliesRoute {
    Get(WorkspaceId, ResourceId),
    Similar(WorkspaceId, ResourceId),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StashesRoute {
    Get(WorkspaceId, ResourceId),
    Create(WorkspaceId),
    Update(WorkspaceId, ResourceId),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DownloadsRoute {
    Pdf(WorkspaceId, ResourceId),
    Rvt(WorkspaceId, ResourceId),
    Rfa(WorkspaceId, ResourceId),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DocsRoute {
    OpenApi,
    Console,
    Errors,
}

/// The routes of one function: what its handler matches on.
pub trait FunctionRoute: Sized {
    const FUNCTION: Function;
    /// `None` for a route of another function.
    fn from_route(route: Route) -> Option<Self>;
}

macro_rules! function_routes {
    ($($variant:ident($ty:ident)),* $(,)?) => {
        /// A matched route with its path parameters parsed: one enum per function, so each
        /// function's dispatch is an exhaustive match over its own routes.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum Route {
            $($variant($ty),)*
        }

        $(
            impl FunctionRoute for $ty {
                const FUNCTION: Function = Function::$variant;
                fn from_route(route: Route) -> Option<Self> {
                    match route {
                        Route::$variant(r) => Some(r),
                        _ => None,
                    }
                }
            }
        )*

        impl Route {
            pub fn function(&self) -> Function {
                match self {
                    $(Self::$variant(_) => Function::$variant,)*
                }
            }
        }
    };
}

function_routes!(
    OAuth(OAuthRoute),
    Tags(TagsRoute),
    Details(DetailsRoute),
    Families(FamiliesRoute),
    Stashes(StashesRoute),
    Downloads(DownloadsRoute),
    Docs(DocsRoute),
);

/// The path parameters of a template match, in order: `{ws}` first, then the resource id.
#[derive(Clone, Copy, Debug, Default)]
pub struct Params<'a>([&'a str; MAX_PARAMS]);

const MAX_PARAMS: usize = 2;

impl Params<'_> {
    /// A malformed workspace id is a malformed request.
    fn ws(&self) -> Result<WorkspaceId, ApiError> {
        WorkspaceId::parse(self.0[0]).ok_or_else(|| {
            ApiError::invalid_field("workspaceId", "workspaceId must be a workspace UUID")
        })
    }

    /// A malformed resource id can't exist.
    fn id(&self) -> Result<ResourceId, ApiError> {
        ResourceId::parse(self.0[1]).ok_or(ApiError::NotFound)
    }
}

/// How a table entry turns its path parameters into a `Route`.
type Build = fn(&Params<'_>) -> Result<Route, ApiError>;

/// One entry of the routing table.
pub struct RouteDef {
    pub method: &'static str,
    pub path: &'static str,
    pub function: Function,
    build: Build,
}

const fn route(
    method: &'static str,
    path: &'static str,
    function: Function,
    build: Build,
) -> RouteDef {
    RouteDef {
        method,
        path,
        function,
        build,
    }
}

/// Every route: method, path template, function, and how its parameters become a `Route`.
pub const ROUTES: &[RouteDef] = &[
    route("POST", "/oauth/token", F::OAuth, |_| {
        Ok(Route::OAuth(OAuthRoute::Token))
    }),
    route("GET", "/.well-known/jwks.json", F::OAuth, |_| {
        Ok(Route::OAuth(OAuthRoute::Jwks))
    }),
    route("GET", "/v1/workspaces/{ws}/tags", F::Tags, |p| {
        Ok(Route::Tags(TagsRoute::List(p.ws()?)))
    }),
    route("GET", "/v1/workspaces/{ws}/details", F::Details, |p| {
        Ok(Route::Details(DetailsRoute::Search(p.ws()?)))
    }),
    route("GET", "/v1/workspaces/{ws}/details/{id}", F::Details, |p| {
        Ok(Route::Details(DetailsRoute::Get(p.ws()?, p.id()?)))
    }),
    route(
        "GET",
        "/v1/workspaces/{ws}/families/{id}",
        F::Families,
        |p| Ok(Route::Families(FamiliesRoute::Get(p.ws()?, p.id()?))),
    ),
    route(
        "GET",
        "/v1/workspaces/{ws}/families/{id}/similar",
        F::Families,
        |p| Ok(Route::Families(FamiliesRoute::Similar(p.ws()?, p.id()?))),
    ),
    route("GET", "/v1/workspaces/{ws}/stashes/{id}", F::Stashes, |p| {
        Ok(Route::Stashes(StashesRoute::Get(p.ws()?, p.id()?)))
    }),
    route("POST", "/v1/workspaces/{ws}/stashes", F::Stashes, |p| {
        Ok(Route::Stashes(StashesRoute::Create(p.ws()?)))
    }),
    route(
        "PATCH",
        "/v1/workspaces/{ws}/stashes/{id}",
        F::Stashes,
        |p| Ok(Route::Stashes(StashesRoute::Update(p.ws()?, p.id()?))),
    ),
    route(
        "GET",
        "/v1/workspaces/{ws}/downloads/pdf/{detailId}",
        F::Downloads,
        |p| Ok(Route::Downloads(DownloadsRoute::Pdf(p.ws()?, p.id()?))),
    ),
    route(
        "GET",
        "/v1/workspaces/{ws}/downloads/rvt/{detailId}",
        F::Downloads,
        |p| Ok(Route::Downloads(DownloadsRoute::Rvt(p.ws()?, p.id()?))),
    ),
    route(
        "GET",
        "/v1/workspaces/{ws}/families/{id}/rfa",
        F::Downloads,
        |p| Ok(Route::Downloads(DownloadsRoute::Rfa(p.ws()?, p.id()?))),
    ),
    route("GET", "/openapi.json", F::Docs, |_| {
        Ok(Route::Docs(DocsRoute::OpenApi))
    }),
    route("GET", "/docs", F::Docs, |_| {
        Ok(Route::Docs(DocsRoute::Console))
    }),
    route("GET", "/docs/errors", F::Docs, |_| {
        Ok(Route::Docs(DocsRoute::Errors))
    }),
];

/// The path parameters of `path` if it fits `template`. Trailing slashes are ignored; no
/// allocation (this runs for every table entry on every request).
fn match_template<'a>(template: &str, path: &'a str) -> Option<Params<'a>> {
    let mut want = template.split('/').skip(1);
    let mut have = path.trim_end_matches('/').split('/').skip(1);
    let mut params = Params::default();
    let mut n = 0;
    loop {
        match (want.next(), have.next()) {
            (None, None) => return Some(params),
            (Some(w), Some(h)) if w.starts_with('{') => {
                if h.is_empty() || n == MAX_PARAMS {
                    return None;
                }
                params.0[n] = h;
                n += 1;
            }
            (Some(w), Some(h)) if w == h => {}
            _ => return None,
        }
    }
}

/// A request's entry in the routing table, its parameters not yet checked.
pub struct Matched<'a> {
    def: &'static RouteDef,
    params: Params<'a>,
}

impl Matched<'_> {
    pub fn function(&self) -> Function {
        self.def.function
    }

    /// The route with its parameters parsed: a malformed workspace id is 400, a malformed
    /// resource id 404 (it can't exist), and a route of another function 404.
    pub fn resolve<R: FunctionRoute>(&self) -> Result<R, ApiError> {
        R::from_route((self.def.build)(&self.params)?).ok_or(ApiError::NotFound)
    }
}

/// The route template `method path` matches (metrics name routes by it, never by path).
pub fn template_for(method: &Method, path: &str) -> Option<&'static str> {
    find(method, path).ok().map(|m| m.def.path)
}

/// The table entry of `method path`, without looking at the parameters' values: unknown
/// paths are 404, known paths with another method 405 with the methods they take.
pub fn find<'a>(method: &Method, path: &'a str) -> Result<Matched<'a>, ApiError> {
    let mut allowed: Vec<&'static str> = Vec::new();
    for def in ROUTES {
        let Some(params) = match_template(def.path, path) else {
            continue;
        };
        if def.method != method.as_str() {
            if !allowed.contains(&def.method) {
                allowed.push(def.method);
            }
            continue;
        }
        return Ok(Matched { def, params });
    }
    if allowed.is_empty() {
        Err(ApiError::NotFound)
    } else {
        Err(ApiError::MethodNotAllowed {
            allow: allowed.join(", "),
        })
    }
}

/// As `find`, and a route of another function than `R`'s is 404.
pub fn find_for<'a, R: FunctionRoute>(
    method: &Method,
    path: &'a str,
) -> Result<Matched<'a>, ApiError> {
    let matched = find(method, path)?;
    if matched.function() != R::FUNCTION {
        return Err(ApiError::NotFound);
    }
    Ok(matched)
}

/// The function serving `method path` (what `pirros-local` dispatches on).
pub fn function_for(method: &Method, path: &str) -> Result<Function, ApiError> {
    find(method, path).map(|m| m.function())
}

/// `R`'s route for `method path`, parameters parsed.
pub fn resolve<R: FunctionRoute>(method: &Method, path: &str) -> Result<R, ApiError> {
    find_for::<R>(method, path)?.resolve()
}

#[cfg(test)]
mod tests {
    use super::*;

    const WS: &str = "6a1f4c4e-0b0e-4f6c-9a43-3f1c2b1d0e11";

    fn example(template: &str) -> String {
        template
            .replace("{ws}", WS)
            .replace("{id}", "x1")
            .replace("{detailId}", "d1")
    }

    #[test]
    fn every_entry_builds_a_route_of_its_function() {
        for def in ROUTES {
            assert!(def.path.matches('{').count() <= MAX_PARAMS, "{}", def.path);
            let method = Method::from_bytes(def.method.as_bytes()).unwrap();
            let path = example(def.path);
            let m = find(&method, &path).unwrap();
            assert_eq!(m.def.path, def.path);
            let route = (m.def.build)(&m.params).unwrap();
            assert_eq!(
                route.function(),
                def.function,
                "{} {}",
                def.method,
                def.path
            );
            assert_eq!(
                function_for(&method, &format!("{path}/")).unwrap(),
                def.function
            );
        }
    }

    #[test]
    fn wrong_method_is_405_with_the_methods_of_the_path() {
        let e = find(&Method::DELETE, &format!("/v1/workspaces/{WS}/stashes/s1")).err();
        assert!(
            matches!(&e, Some(ApiError::MethodNotAllowed { allow }) if allow == "GET, PATCH"),
            "{e:?}"
        );
        let e = find(&Method::GET, &format!("/v1/workspaces/{WS}/stashes")).err();
        assert!(matches!(&e, Some(ApiError::MethodNotAllowed { allow }) if allow == "POST"));
    }

    #[test]
    fn unknown_paths_bad_parameters_and_other_functions() {
        let e = find(&Method::GET, "/v1/nothing").err();
        assert!(matches!(e, Some(ApiError::NotFound)));
        let e = find(&Method::GET, "/docs/errors/x").err();
        assert!(matches!(e, Some(ApiError::NotFound)));
        let e = resolve::<TagsRoute>(&Method::GET, "/v1/workspaces/nope/tags").unwrap_err();
        assert_eq!(e.code(), "invalid_request");
        let e =
            resolve::<DetailsRoute>(&Method::GET, &format!("/v1/workspaces/{WS}/details/a%23b"))
                .unwrap_err();
        assert!(matches!(e, ApiError::NotFound));
        let e = resolve::<DetailsRoute>(&Method::GET, &format!("/v1/workspaces/{WS}/tags"))
            .unwrap_err();
        assert!(matches!(e, ApiError::NotFound));
        let ws = WorkspaceId::parse(WS).unwrap();
        assert_eq!(
            resolve::<TagsRoute>(&Method::GET, &format!("/v1/workspaces/{WS}/tags")).unwrap(),
            TagsRoute::List(ws)
        );
    }
}
