//! The one routing table: what `pirros-local` mounts, what each Lambda answers, the `Allow`
//! header of a 405, and what `template.yaml` and the OpenAPI document must list (tests
//! compare them).

use crate::error::ApiError;
use crate::ids::{ResourceId, WorkspaceId};
use Function as F;
use http::Method;
use std::sync::LazyLock;

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
    Discovery,
    Jobs,
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
            Self::Discovery => "discovery",
            Self::Jobs => "jobs",
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
    CreateFlag(WorkspaceId, ResourceId),
    ListFlags(WorkspaceId, ResourceId),
    /// The detail, then the flag.
    ResolveFlag(WorkspaceId, ResourceId, ResourceId),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FamiliesRoute {
    Get(WorkspaceId, ResourceId),
    Similar(WorkspaceId, ResourceId),
    Search(WorkspaceId),
    References(WorkspaceId, ResourceId),
    Group(WorkspaceId, ResourceId),
    Versions(WorkspaceId, ResourceId),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StashesRoute {
    Get(WorkspaceId, ResourceId),
    Create(WorkspaceId),
    Update(WorkspaceId, ResourceId),
    List(WorkspaceId),
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

/// Who the caller is and what it can reach: not tied to one resource type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiscoveryRoute {
    Me,
    Projects(WorkspaceId),
}

/// Family uploads, stash exports and the jobs they start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobsRoute {
    Upload(WorkspaceId),
    Export(WorkspaceId, ResourceId),
    Get(WorkspaceId, ResourceId),
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
    Discovery(DiscoveryRoute),
    Jobs(JobsRoute),
);

/// The path parameters of a template match, in order: `{ws}` first, then the resource id,
/// then a sub-resource's id.
#[derive(Clone, Copy, Debug, Default)]
pub struct Params<'a>([&'a str; MAX_PARAMS]);

const MAX_PARAMS: usize = 3;

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

    /// A sub-resource's id (a detail's flag), malformed or not, is like `id`.
    fn sub_id(&self) -> Result<ResourceId, ApiError> {
        ResourceId::parse(self.0[2]).ok_or(ApiError::NotFound)
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
    // Detail flags, family references, family groups.
    route(
        "POST",
        "/v1/workspaces/{ws}/details/{id}/flags",
        F::Details,
        |p| Ok(Route::Details(DetailsRoute::CreateFlag(p.ws()?, p.id()?))),
    ),
    route(
        "GET",
        "/v1/workspaces/{ws}/details/{id}/flags",
        F::Details,
        |p| Ok(Route::Details(DetailsRoute::ListFlags(p.ws()?, p.id()?))),
    ),
    route(
        "PATCH",
        "/v1/workspaces/{ws}/details/{id}/flags/{flag_id}",
        F::Details,
        |p| {
            Ok(Route::Details(DetailsRoute::ResolveFlag(
                p.ws()?,
                p.id()?,
                p.sub_id()?,
            )))
        },
    ),
    route(
        "GET",
        "/v1/workspaces/{ws}/families/{id}/references",
        F::Families,
        |p| Ok(Route::Families(FamiliesRoute::References(p.ws()?, p.id()?))),
    ),
    route(
        "GET",
        "/v1/workspaces/{ws}/families/{id}/group",
        F::Families,
        |p| Ok(Route::Families(FamiliesRoute::Group(p.ws()?, p.id()?))),
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
    // Search of families.
    route("GET", "/v1/workspaces/{ws}/families", F::Families, |p| {
        Ok(Route::Families(FamiliesRoute::Search(p.ws()?)))
    }),
    // Discovery.
    route("GET", "/v1/me", F::Discovery, |_| {
        Ok(Route::Discovery(DiscoveryRoute::Me))
    }),
    route("GET", "/v1/workspaces/{ws}/projects", F::Discovery, |p| {
        Ok(Route::Discovery(DiscoveryRoute::Projects(p.ws()?)))
    }),
    route("GET", "/v1/workspaces/{ws}/stashes", F::Stashes, |p| {
        Ok(Route::Stashes(StashesRoute::List(p.ws()?)))
    }),
    // ---- Family uploads, jobs and history.
    route(
        "GET",
        "/v1/workspaces/{ws}/families/{id}/versions",
        F::Families,
        |p| Ok(Route::Families(FamiliesRoute::Versions(p.ws()?, p.id()?))),
    ),
    route(
        "POST",
        "/v1/workspaces/{ws}/families/uploads",
        F::Jobs,
        |p| Ok(Route::Jobs(JobsRoute::Upload(p.ws()?))),
    ),
    route(
        "POST",
        "/v1/workspaces/{ws}/stashes/{id}/exports",
        F::Jobs,
        |p| Ok(Route::Jobs(JobsRoute::Export(p.ws()?, p.id()?))),
    ),
    route("GET", "/v1/workspaces/{ws}/jobs/{id}", F::Jobs, |p| {
        Ok(Route::Jobs(JobsRoute::Get(p.ws()?, p.id()?)))
    }),
];

/// Most segments any template has; a longer path matches nothing.
const MAX_SEGMENTS: usize = 8;

/// A template's segment: a literal, or a parameter (`{ws}`, `{id}`, ...).
#[derive(Clone, Copy)]
enum Segment {
    Literal(&'static str),
    Param,
}

/// A template split once, for every request to match against.
struct Compiled {
    segments: Vec<Segment>,
    /// How many literal segments it has: where two templates fit a path, the one with more
    /// literals wins (`.../families/uploads` over `.../families/{id}`).
    literals: usize,
}

fn compile(template: &'static str) -> Compiled {
    let segments: Vec<Segment> = template
        .split('/')
        .skip(1)
        .map(|s| {
            if s.starts_with('{') {
                Segment::Param
            } else {
                Segment::Literal(s)
            }
        })
        .collect();
    let literals = segments
        .iter()
        .filter(|s| matches!(s, Segment::Literal(_)))
        .count();
    Compiled { segments, literals }
}

/// `ROUTES`, compiled in the same order, once per process.
static COMPILED: LazyLock<Vec<Compiled>> =
    LazyLock::new(|| ROUTES.iter().map(|d| compile(d.path)).collect());

/// A path split into its segments (trailing slashes ignored); `None` when it has more
/// than any template.
fn segments(path: &str) -> Option<([&str; MAX_SEGMENTS], usize)> {
    let mut out = [""; MAX_SEGMENTS];
    let mut n = 0;
    for s in path.trim_end_matches('/').split('/').skip(1) {
        *out.get_mut(n)? = s;
        n += 1;
    }
    Some((out, n))
}

/// The path parameters of a path (as `segments` split it) if it fits `template`.
fn match_compiled<'a>(template: &Compiled, path: &[&'a str]) -> Option<Params<'a>> {
    if template.segments.len() != path.len() {
        return None;
    }
    let mut params = Params::default();
    let mut n = 0;
    for (want, have) in template.segments.iter().zip(path) {
        match want {
            Segment::Literal(w) if w == have => {}
            Segment::Param if !have.is_empty() && n < MAX_PARAMS => {
                params.0[n] = have;
                n += 1;
            }
            _ => return None,
        }
    }
    Some(params)
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
    let Some((split, n)) = segments(path) else {
        return Err(ApiError::NotFound);
    };
    let split = &split[..n];
    let mut best: Option<usize> = None;
    let mut hit: Option<Matched<'a>> = None;
    let mut allowed: Vec<&'static str> = Vec::new();
    for (def, compiled) in ROUTES.iter().zip(COMPILED.iter()) {
        let Some(params) = match_compiled(compiled, split) else {
            continue;
        };
        match best {
            Some(b) if compiled.literals < b => continue,
            Some(b) if compiled.literals > b => {
                hit = None;
                allowed.clear();
            }
            _ => {}
        }
        best = Some(compiled.literals);
        if def.method == method.as_str() {
            hit = hit.or(Some(Matched { def, params }));
        } else if !allowed.contains(&def.method) {
            allowed.push(def.method);
        }
    }
    if let Some(matched) = hit {
        return Ok(matched);
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
            .replace("{flag_id}", "fl1")
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
        let e = find(&Method::PUT, &format!("/v1/workspaces/{WS}/stashes")).err();
        assert!(matches!(&e, Some(ApiError::MethodNotAllowed { allow }) if allow == "POST, GET"));
    }

    #[test]
    fn a_literal_segment_beats_a_parameter() {
        let uploads = format!("/v1/workspaces/{WS}/families/uploads");
        let m = find(&Method::POST, &uploads).unwrap();
        assert_eq!(m.function(), Function::Jobs);
        let e = find(&Method::GET, &uploads).err();
        assert!(
            matches!(&e, Some(ApiError::MethodNotAllowed { allow }) if allow == "POST"),
            "{e:?}"
        );
        let family = format!("/v1/workspaces/{WS}/families/f1");
        assert_eq!(
            find(&Method::GET, &family).unwrap().function(),
            Function::Families
        );
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

    #[test]
    fn trailing_slashes_empty_parameters_and_overlong_paths() {
        let tags = format!("/v1/workspaces/{WS}/tags//");
        assert_eq!(
            find(&Method::GET, &tags).unwrap().def.path,
            "/v1/workspaces/{ws}/tags"
        );
        for path in [
            "/v1/workspaces//tags".to_owned(),
            format!("/v1/workspaces/{WS}/details//flags"),
            format!("/v1/workspaces/{WS}/details/d1/flags/f1/x/y/z/w"),
            "/".to_owned(),
            String::new(),
        ] {
            let e = find(&Method::GET, &path).err();
            assert!(matches!(e, Some(ApiError::NotFound)), "{path}");
        }
    }
}
