//! Routes, each declared once, beside its handler, with `declare_routes!`: the method and
//! path template are read off the handler's `#[utoipa::path]` (the one place they are
//! written), and the declaration gives the function's route enum, its routing table, its
//! dispatch and its OpenAPI operations. The docs function joins every function's table into
//! one (`Joined`: its 404s and 405s, the OpenAPI paths, `pirros-local`'s mounting), and the
//! tests check `template.yaml` against that.
//!
//! This module holds what every table shares: matching a path against templates, parsing
//! path parameters, and the `Allow` header of a 405.

use crate::catalogue::ErrorKind;
use crate::conditional::IfNoneMatch;
use crate::error::ApiError;
use crate::extract::Described;
use crate::grants::{Action, EntityType};
use crate::ids::{ResourceId, WorkspaceId};
use http::Method;
use utoipa::IntoParams;
pub use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::OpenApi;
use utoipa::openapi::path::HttpMethod;

/// The token endpoint: its route, the token URL of the OAuth flow the document describes,
/// and the surface the error catalogue names.
pub const TOKEN_PATH: &str = "/oauth/token";

/// The token function's public keys: its route, and where `pirros-local` answers CORS
/// preflights for the token function.
pub const JWKS_PATH: &str = "/.well-known/jwks.json";

/// The OpenAPI document: its route, and what the console loads.
pub const OPENAPI_PATH: &str = "/openapi.json";

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
    Webhooks,
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
            Self::Webhooks => "webhooks",
        }
    }
}

/// What a route needs the caller's grants to hold in the workspace before it looks at
/// anything, else 403 `insufficient_scope` naming it (`details.required_action`,
/// `details.entity_type`). Declared beside the route (`needs read(Tag)`); the OpenAPI
/// document's 403 comes from it. A route that declares none answers 404 for what the
/// caller may not read, never 403.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grant {
    /// A grant of the action on the resource type, whatever its filter covers.
    Of(Action, EntityType),
    /// A read grant on any resource type; the 403 names this type.
    AnyRead(&'static str),
}

impl Grant {
    /// What its 403 names: the action, then the resource type.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Self::Of(action, entity) => (action.as_str(), entity.as_str()),
            Self::AnyRead(entity_type) => (Action::Read.as_str(), entity_type),
        }
    }
}

/// A path parameter's type: how its raw segment becomes a value, or the error it is.
pub trait FromParam: Sized {
    fn from_param(raw: &str) -> Result<Self, ApiError>;
}

impl FromParam for WorkspaceId {
    /// A malformed workspace id is a malformed request.
    fn from_param(raw: &str) -> Result<Self, ApiError> {
        WorkspaceId::parse(raw).ok_or_else(|| {
            ApiError::invalid_field("workspaceId", "workspaceId must be a workspace UUID")
        })
    }
}

impl FromParam for ResourceId {
    /// A malformed resource id can't exist.
    fn from_param(raw: &str) -> Result<Self, ApiError> {
        ResourceId::parse(raw).ok_or(ApiError::NotFound)
    }
}

/// How a parsed parameter is handed to its handler: a workspace id by value, an id by
/// reference (what the handlers take).
pub trait Pass {
    type Out<'a>
    where
        Self: 'a;
    fn pass(&self) -> Self::Out<'_>;
}

impl Pass for WorkspaceId {
    type Out<'a> = WorkspaceId;
    fn pass(&self) -> WorkspaceId {
        *self
    }
}

impl Pass for ResourceId {
    type Out<'a> = &'a ResourceId;
    fn pass(&self) -> &ResourceId {
        self
    }
}

/// The route a request matched, for the metrics that name routes by template, never by
/// path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RouteName {
    pub method: &'static str,
    pub template: &'static str,
    pub function: Function,
}

/// Where a segment is in its path: byte offsets, so a match borrows nothing of the request.
type Span = (usize, usize);

/// The path parameters of a template match, in template order.
#[derive(Clone, Copy, Debug)]
pub struct Params<'a> {
    path: &'a str,
    spans: [Span; MAX_PARAMS],
}

const MAX_PARAMS: usize = 3;

impl Params<'_> {
    /// The `i`th parameter, percent-decoded, then parsed: `det%3Aa` is the id `det:a`, as
    /// clients that encode every path segment (the SDKs) send it. A segment that does not
    /// decode to UTF-8 is parsed as it came, and refused as any malformed one.
    pub fn get<T: FromParam>(&self, i: usize) -> Result<T, ApiError> {
        let (start, end) = self.spans[i];
        let raw = &self.path[start..end];
        if !raw.contains('%') {
            return T::from_param(raw);
        }
        match percent_encoding::percent_decode_str(raw).decode_utf8() {
            Ok(decoded) => T::from_param(&decoded),
            Err(_) => T::from_param(raw),
        }
    }
}

/// One declared route.
pub struct RouteDef<R> {
    pub method: Method,
    pub path: &'static str,
    pub function: Function,
    pub grant: Option<Grant>,
    method_name: &'static str,
    build: fn(&Params<'_>) -> Result<R, ApiError>,
}

/// Adds `P`'s operation and the schemas it names to `api`. Kept out of the tables, so only
/// the binary that renders the document links what it takes.
/// A `/v1` operation (`v1`) takes the parameters and body its handler's signature extracts
/// (`taken`, after the path parameters its attribute names), and answers what every `/v1`
/// operation answers, what its handler lists, what extracting its parameters raises and,
/// when it declares a grant, 403 `insufficient_scope`.
pub fn document<P>(api: &mut OpenApi, v1: bool, taken: Described, grant: Option<Grant>)
where
    P: utoipa::Path + utoipa::__dev::SchemaReferences + for<'t> utoipa::__dev::Tags<'t>,
{
    // `Path::operation` leaves out the `tag` of the attribute, which `#[derive(OpenApi)]`
    // adds from `Tags`: so does this.
    let mut operation = P::operation();
    let Described {
        raises: mut raised,
        mut parameters,
        body,
        schemas: body_schemas,
    } = taken;
    if answers_etag_to_get::<P>(&operation) {
        parameters.extend(IfNoneMatch::into_params(|| None));
    }
    if !parameters.is_empty() {
        operation
            .parameters
            .get_or_insert_with(Vec::new)
            .extend(parameters);
    }
    if body.is_some() {
        operation.request_body = body;
    }
    if grant.is_some() {
        raised.push(ErrorKind::InsufficientScope);
    }
    crate::openapi::settle_errors(&mut operation.responses.responses, v1, &raised);
    let tags = operation.tags.get_or_insert_with(Vec::new);
    tags.extend(P::tags().into_iter().map(str::to_owned));
    api.paths
        .add_path_operation(P::path(), P::methods(), operation);
    let mut schemas = body_schemas;
    P::schemas(&mut schemas);
    let components = api.components.get_or_insert_with(Default::default);
    components.schemas.extend(schemas);
}

/// Whether `P` is a read whose 200 carries an `ETag`: every such read answers 304 to
/// `If-None-Match` (`conditional`), so its document takes that header.
fn answers_etag_to_get<P: utoipa::Path>(operation: &utoipa::openapi::path::Operation) -> bool {
    P::methods() == [HttpMethod::Get]
        && operation.responses.responses.get("200").is_some_and(|r| {
            matches!(r, utoipa::openapi::RefOr::T(r) if r.headers.contains_key(crate::headers::shown::ETAG))
        })
}

impl<R> RouteDef<R> {
    /// The route whose handler `P` documents: its one method and its path template.
    pub fn of<P: utoipa::Path>(
        function: Function,
        grant: Option<Grant>,
        build: fn(&Params<'_>) -> Result<R, ApiError>,
    ) -> Self {
        let methods = P::methods();
        let [method] = methods.as_slice() else {
            panic!("{}: a route has exactly one method", P::path());
        };
        let (method, method_name) = match method {
            HttpMethod::Get => (Method::GET, "GET"),
            HttpMethod::Post => (Method::POST, "POST"),
            HttpMethod::Put => (Method::PUT, "PUT"),
            HttpMethod::Patch => (Method::PATCH, "PATCH"),
            HttpMethod::Delete => (Method::DELETE, "DELETE"),
            HttpMethod::Head => (Method::HEAD, "HEAD"),
            HttpMethod::Options => (Method::OPTIONS, "OPTIONS"),
            HttpMethod::Trace => (Method::TRACE, "TRACE"),
        };
        // Once per route per process, for the table's life: the process's.
        let path: &'static str = Box::leak(P::path().into_boxed_str());
        Self {
            method,
            path,
            function,
            grant,
            method_name,
            build,
        }
    }

    pub fn name(&self) -> RouteName {
        RouteName {
            method: self.method_name,
            template: self.path,
            function: self.function,
        }
    }
}

/// The routes of one function: what its dispatch matches on (`declare_routes!` makes it).
pub trait FunctionRoute: Sized + 'static {
    const FUNCTION: Function;
    fn table() -> &'static Table<Self>;
    /// Each route's `document`, in the table's order.
    fn documented() -> Vec<fn(&mut OpenApi)>;
    /// The route's read ahead, started (`crate::ahead`), if it declares one.
    fn read_ahead<'a>(
        &'a self,
        state: &'a crate::AppState,
        asking: crate::api::Asking<'a>,
    ) -> Option<crate::ahead::Started<'a>>;
}

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
    assert!(
        segments.len() <= MAX_SEGMENTS
            && segments
                .iter()
                .filter(|s| matches!(s, Segment::Param))
                .count()
                <= MAX_PARAMS,
        "{template}: too many segments or parameters"
    );
    let literals = segments
        .iter()
        .filter(|s| matches!(s, Segment::Literal(_)))
        .count();
    Compiled { segments, literals }
}

/// Where a path's segments are (trailing slashes ignored); `None` when it has more than
/// any template.
fn segments(path: &str) -> Option<([Span; MAX_SEGMENTS], usize)> {
    // What `path.trim_end_matches('/').split('/').skip(1)` gives, as spans: one pass over
    // the bytes (the `Split` iterator cost about 900 instructions a request, twice).
    let path = path.trim_end_matches('/');
    let mut out = [(0, 0); MAX_SEGMENTS];
    let mut n = 0;
    let mut start = None;
    for (i, b) in path.bytes().enumerate() {
        if b == b'/' {
            if let Some(s) = start {
                *out.get_mut(n)? = (s, i);
                n += 1;
            }
            start = Some(i + 1);
        }
    }
    if let Some(s) = start {
        *out.get_mut(n)? = (s, path.len());
        n += 1;
    }
    Some((out, n))
}

/// The spans of the path parameters if `path` (whose segments are at `spans`) fits
/// `template`.
fn match_compiled(template: &Compiled, path: &str, spans: &[Span]) -> Option<[Span; MAX_PARAMS]> {
    if template.segments.len() != spans.len() {
        return None;
    }
    // Literals last to first before anything else: templates of one length differ mostly
    // in their last segment (`.../tags`, `.../details`), so most misses end at once.
    for (want, &(start, end)) in template.segments.iter().zip(spans).rev() {
        if let Segment::Literal(w) = want
            && *w != &path[start..end]
        {
            return None;
        }
    }
    let mut params = [(0, 0); MAX_PARAMS];
    let mut n = 0;
    for (want, &(start, end)) in template.segments.iter().zip(spans) {
        // Literals matched above; a parameter must not be empty.
        match want {
            Segment::Literal(_) => {}
            Segment::Param if end > start && n < MAX_PARAMS => {
                params[n] = (start, end);
                n += 1;
            }
            Segment::Param => return None,
        }
    }
    Some(params)
}

/// A routing table: routes and their compiled templates.
pub struct Table<R> {
    defs: Vec<RouteDef<R>>,
    compiled: Vec<Compiled>,
    /// The routes (indices, in declaration order) by their templates' segment count: only
    /// those of a path's count can fit it, so a request tries a handful, not every route.
    by_segments: [Vec<usize>; MAX_SEGMENTS + 1],
}

/// A request's entry in a table, its parameters not yet checked.
pub struct Matched<'t, R> {
    pub def: &'t RouteDef<R>,
    spans: [Span; MAX_PARAMS],
}

impl<R> Matched<'_, R> {
    /// The route with its parameters (read off `path`, the path it matched) parsed: a
    /// malformed workspace id is 400, a malformed resource id 404 (it can't exist).
    pub fn resolve(&self, path: &str) -> Result<R, ApiError> {
        (self.def.build)(&Params {
            path,
            spans: self.spans,
        })
    }
}

impl<R> Table<R> {
    pub fn new(defs: Vec<RouteDef<R>>) -> Self {
        let compiled: Vec<Compiled> = defs.iter().map(|d| compile(d.path)).collect();
        let mut by_segments: [Vec<usize>; MAX_SEGMENTS + 1] = Default::default();
        for (i, c) in compiled.iter().enumerate() {
            by_segments[c.segments.len()].push(i);
        }
        Self {
            defs,
            compiled,
            by_segments,
        }
    }

    pub fn defs(&self) -> &[RouteDef<R>] {
        &self.defs
    }

    /// The entry of `method path`, without looking at the parameters' values, chosen as API
    /// Gateway chooses: among the templates of `method` that fit, the one with the most
    /// literal segments. A path that only templates of other methods fit is 405 with the
    /// methods of the most literal of them; one that no template fits, 404.
    pub fn find(&self, method: &Method, path: &str) -> Result<Matched<'_, R>, ApiError> {
        let Some((split, n)) = segments(path) else {
            return Err(ApiError::NotFound);
        };
        let split = &split[..n];
        let mut hit: Option<(usize, Matched<'_, R>)> = None;
        let mut others: Option<usize> = None;
        let mut allowed: Vec<&str> = Vec::new();
        for &i in &self.by_segments[n] {
            let (def, compiled) = (&self.defs[i], &self.compiled[i]);
            let Some(spans) = match_compiled(compiled, path, split) else {
                continue;
            };
            let literals = compiled.literals;
            if def.method == method {
                if hit.as_ref().is_none_or(|(best, _)| literals > *best) {
                    hit = Some((literals, Matched { def, spans }));
                }
                continue;
            }
            match others {
                Some(best) if literals < best => continue,
                Some(best) if literals > best => allowed.clear(),
                _ => {}
            }
            others = Some(literals);
            if !allowed.contains(&def.method.as_str()) {
                allowed.push(def.method.as_str());
            }
        }
        if let Some((_, matched)) = hit {
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

    /// The route for `method path`, parameters parsed.
    pub fn resolve(&self, method: &Method, path: &str) -> Result<R, ApiError> {
        self.find(method, path)?.resolve(path)
    }
}

/// Every function's routes in one table (what `pirros-local` dispatches on, where the docs
/// function finds a 405's methods, what the OpenAPI document lists): each entry names its
/// function, and resolves to nothing more.
pub type Joined = Table<()>;

impl<R> RouteDef<R> {
    /// The route as an entry of a `Joined` table.
    pub fn erased(&self) -> RouteDef<()> {
        RouteDef {
            method: self.method.clone(),
            path: self.path,
            function: self.function,
            grant: self.grant,
            method_name: self.method_name,
            build: |_| Ok(()),
        }
    }
}

impl<R> Table<R> {
    /// The route of `method path` with its parameters parsed, and its name when a template
    /// fits (for functions with a pipeline of their own: the token endpoint, the docs).
    pub fn route(&self, method: &Method, path: &str) -> (Option<RouteName>, Result<R, ApiError>) {
        match self.find(method, path) {
            Ok(m) => (Some(m.def.name()), m.resolve(path)),
            Err(e) => (None, Err(e)),
        }
    }
}

/// Declares a function's routes once: the route enum (one variant per route, holding its
/// path parameters), its table, and, for `/v1` functions, `handle`, the Lambda's whole
/// handling (the request pipeline of `api::serve`, then the handler of the route).
///
/// ```ignore
/// declare_routes! {
///     v1 TagsRoute for Tags {
///         List(ws: WorkspaceId) => {list} needs read(Tag),
///         Flags(ws: WorkspaceId, id: ResourceId) => flags::{list},
///     }
/// }
/// ```
///
/// Each handler carries `#[utoipa::path(method, path = "...")]`: the table reads the method
/// and template there. A `/v1` handler is `async fn(&AppState, &V1Call, params..., query) ->
/// Result<Reply, ApiError>`: its path parameters in template order (a workspace id by value,
/// ids by reference), then what else it takes (`extract`: its query struct, `NoQuery` for
/// none; or a tuple of the query, the body, `If-Match` and `Idempotency-Key`), which is
/// extracted before the handler runs and refused with the one error type. `needs` names the
/// grant a route checks first (`Grant`): `read(Type)`, `write(Type)` or `any_read("type")`.
/// `ahead(read_fn)` names a read the route makes for any caller, which the pipeline starts
/// beside authentication (`crate::ahead`): `read_fn` takes the state, the request as known
/// then (`api::Asking`: its query, the token's client) and the route's path parameters as
/// the handler does, and the handler takes its output as `Ahead<T>`.
/// Without `v1`, only the enum and the table are made.
#[macro_export]
macro_rules! declare_routes {
    (v1 $name:ident for $function:ident {
        $( $(#[$doc:meta])* $variant:ident ( $($param:ident : $ty:ty),* ) =>
            $($module:ident ::)* { $handler:ident }
            $(needs $grant:ident ( $($what:tt)* ))?
            $(ahead ( $ahead:path ))? ),* $(,)?
    }) => {
        $crate::declare_routes!(@table v1 $name for $function {
            $( $(#[$doc])* $variant ( $($param : $ty),* ) => $($module ::)* { $handler }
                $(needs $grant ( $($what)* ))? $(ahead ( $ahead ))? ),*
        });

        /// Everything a request to this function goes through: the `/v1` pipeline, then
        /// the handler of its route.
        pub async fn handle(
            state: &$crate::AppState,
            req: ::lambda_http::Request,
        ) -> ::lambda_http::Response<::lambda_http::Body> {
            $crate::api::serve(state, req, async |route: $name, call| match route {
                $( $name::$variant($($param),*) => {
                    $($module ::)* $handler(
                        state,
                        call,
                        $( $crate::routes::Pass::pass(&$param), )*
                        // What its last parameter names (the query struct, the body,
                        // preconditions, or a tuple of them), extracted before it runs.
                        $crate::extract::Extract::extract(state, call)?,
                    ).await
                } )*
            })
            .await
        }
    };
    ($name:ident for $function:ident {
        $( $(#[$doc:meta])* $variant:ident ( $($param:ident : $ty:ty),* ) =>
            $($module:ident ::)* { $handler:ident }
            $(needs $grant:ident ( $($what:tt)* ))?
            $(ahead ( $ahead:path ))? ),* $(,)?
    }) => {
        $crate::declare_routes!(@table plain $name for $function {
            $( $(#[$doc])* $variant ( $($param : $ty),* ) => $($module ::)* { $handler }
                $(needs $grant ( $($what)* ))? $(ahead ( $ahead ))? ),*
        });
    };
    (@table $flavor:ident $name:ident for $function:ident {
        $( $(#[$doc:meta])* $variant:ident ( $($param:ident : $ty:ty),* ) =>
            $($module:ident ::)* { $handler:ident }
            $(needs $grant:ident ( $($what:tt)* ))?
            $(ahead ( $ahead:path ))? ),* $(,)?
    }) => {
        /// This function's routes, with their path parameters parsed.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum $name {
            $( $(#[$doc])* $variant($($ty),*), )*
        }

        impl $crate::routes::FunctionRoute for $name {
            const FUNCTION: $crate::routes::Function = $crate::routes::Function::$function;

            fn table() -> &'static $crate::routes::Table<Self> {
                static TABLE: ::std::sync::LazyLock<$crate::routes::Table<$name>> =
                    ::std::sync::LazyLock::new(|| {
                        $crate::routes::Table::new(vec![$(
                            $crate::routes::RouteDef::of::<
                                $crate::__path_struct!($($module ::)* { $handler })
                            >(
                                $crate::routes::Function::$function,
                                $crate::__grant!($($grant ( $($what)* ))?),
                                #[allow(unused_variables, unused_mut, unused_assignments)]
                                |p| {
                                    let mut i = 0;
                                    $(
                                        let $param: $ty = p.get(i)?;
                                        i += 1;
                                    )*
                                    Ok($name::$variant($($param),*))
                                },
                            ),
                        )*])
                    });
                &TABLE
            }

            #[allow(unused_variables)]
            fn read_ahead<'a>(
                &'a self,
                state: &'a $crate::AppState,
                asking: $crate::api::Asking<'a>,
            ) -> Option<$crate::ahead::Started<'a>> {
                match self {
                    $( $name::$variant($($param),*) => {
                        $crate::__ahead!(state asking ($($param),*) $($ahead)?)
                    } )*
                }
            }

            fn documented() -> Vec<fn(&mut $crate::routes::Document)> {
                vec![$(
                    $crate::__document_route!(
                        $flavor $($module ::)* { $handler } ($($param),*)
                        $crate::__grant!($($grant ( $($what)* ))?)
                    ),
                )*]
            }
        }
    };
}

/// How a route is documented: a `/v1` handler's operation says what its last parameter
/// takes and raises, read off its type by a call that type-checks and never runs.
#[macro_export]
#[doc(hidden)]
macro_rules! __document_route {
    (plain $($module:ident ::)* { $handler:ident } ($($param:ident),*) $grant:expr) => {
        |api: &mut $crate::routes::Document| {
            $crate::routes::document::<$crate::__path_struct!($($module ::)* { $handler })>(
                api,
                false,
                Default::default(),
                $grant,
            )
        }
    };
    (v1 $($module:ident ::)* { $handler:ident } ($($param:ident),*) $grant:expr) => {
        |api: &mut $crate::routes::Document| {
            #[allow(unreachable_code, unused_variables, clippy::diverging_sub_expression)]
            let taken = $crate::extract::described_by(|last| {
                $($module ::)* $handler(
                    unreachable!(),
                    unreachable!(),
                    $( $crate::__never!($param), )*
                    last,
                )
            });
            $crate::routes::document::<$crate::__path_struct!($($module ::)* { $handler })>(
                api,
                true,
                taken,
                $grant,
            )
        }
    };
}

/// A route's read ahead (`crate::ahead`): its `ahead(read_fn)` called with the state, the
/// request as known before its credential is read (`api::Asking`) and the route's
/// parameters as its handler gets them, or none.
#[macro_export]
#[doc(hidden)]
macro_rules! __ahead {
    ($state:ident $asking:ident ($($param:ident),*)) => {
        None
    };
    ($state:ident $asking:ident ($($param:ident),*) $ahead:path) => {
        Some($crate::ahead::start($ahead(
            $state,
            $asking,
            $( $crate::routes::Pass::pass($param), )*
        )))
    };
}

/// A route's declared grant: `read(Tag)`, `write(Stash)`, `any_read("project")`, or none.
#[macro_export]
#[doc(hidden)]
macro_rules! __grant {
    () => {
        None
    };
    (read ($entity:ident)) => {
        Some($crate::routes::Grant::Of(
            $crate::grants::Action::Read,
            $crate::grants::EntityType::$entity,
        ))
    };
    (write ($entity:ident)) => {
        Some($crate::routes::Grant::Of(
            $crate::grants::Action::Write,
            $crate::grants::EntityType::$entity,
        ))
    };
    (any_read ($entity_type:expr)) => {
        Some($crate::routes::Grant::AnyRead($entity_type))
    };
}

/// An argument never evaluated, standing for path parameter `$param`.
#[macro_export]
#[doc(hidden)]
macro_rules! __never {
    ($param:ident) => {
        unreachable!()
    };
}

/// The type `#[utoipa::path]` makes for handler `module::{handler}`: `module::__path_handler`.
#[macro_export]
#[doc(hidden)]
macro_rules! __path_struct {
    ($($module:ident ::)* { $handler:ident }) => {
        $crate::__paste::paste! { $($module ::)* [<__path_ $handler>] }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    const WS: &str = "6a1f4c4e-0b0e-4f6c-9a43-3f1c2b1d0e11";

    #[test]
    fn segments_are_the_split_of_the_path_after_its_first_slash() {
        for path in [
            "",
            "/",
            "//",
            "///x",
            "/v1",
            "/v1/",
            "/v1//tags",
            "/v1/workspaces/ws/tags",
            "/v1/workspaces/ws/tags///",
            "v1/tags",
            "no-slash",
            "/a/b/c/d/e/f/g/h",
            "/a/b/c/d/e/f/g/h/",
        ] {
            let trimmed = path.trim_end_matches('/');
            let want: Vec<&str> = trimmed.split('/').skip(1).collect();
            let (spans, n) = segments(path).expect("at most 8 segments");
            let got: Vec<&str> = spans[..n].iter().map(|&(a, b)| &path[a..b]).collect();
            assert_eq!(got, want, "{path:?}");
        }
        assert!(segments("/a/b/c/d/e/f/g/h/i").is_none(), "nine segments");
    }

    /// Two routes of a made-up function, as a function crate declares them.
    mod made_up {
        use crate::error::ApiError;
        use crate::ids::{ResourceId, WorkspaceId};

        #[utoipa::path(get, path = "/v1/workspaces/{ws}/things/{id}")]
        #[allow(dead_code)]
        pub fn get() {}

        #[utoipa::path(patch, path = "/v1/workspaces/{ws}/things/{id}")]
        #[allow(dead_code)]
        pub fn update() {}

        #[utoipa::path(post, path = "/v1/workspaces/{ws}/things/uploads")]
        #[allow(dead_code)]
        pub fn upload() {}

        #[utoipa::path(get, path = "/v1/workspaces/{ws}/things")]
        #[allow(dead_code)]
        pub fn list() {}

        crate::declare_routes! {
            ThingsRoute for Tags {
                Get(ws: WorkspaceId, id: ResourceId) => {get},
                Update(ws: WorkspaceId, id: ResourceId) => {update},
                Upload(ws: WorkspaceId) => {upload},
                List(ws: WorkspaceId) => {list},
            }
        }

        pub fn _unused(_: ApiError) {}
    }

    use made_up::ThingsRoute;

    /// Two `/v1` routes of a made-up function: one lists no error of its own, one declares
    /// the grant it needs.
    #[allow(dead_code)]
    mod made_up_v1 {
        use crate::AppState;
        use crate::api::V1Call;
        use crate::error::ApiError;
        use crate::etag::IfMatch;
        use crate::idempotency::IdempotencyKey;
        use crate::ids::{ResourceId, WorkspaceId};
        use crate::query::IncludeQuery;
        use crate::response::Reply;

        #[utoipa::path(
            delete,
            path = "/v1/workspaces/{ws}/widgets/{id}",
            responses((status = 204, description = "Deleted."))
        )]
        pub async fn delete(
            _: &AppState,
            _: &V1Call,
            _: WorkspaceId,
            _: &ResourceId,
            _: (IncludeQuery, Option<IfMatch>, Option<IdempotencyKey>),
        ) -> Result<Reply, ApiError> {
            Err(ApiError::NotFound)
        }

        #[utoipa::path(
            get,
            path = "/v1/workspaces/{ws}/widgets",
            responses((status = 200, description = "Widgets."))
        )]
        pub async fn list(
            _: &AppState,
            _: &V1Call,
            _: WorkspaceId,
            _: crate::query::NoQuery,
        ) -> Result<Reply, ApiError> {
            Err(ApiError::NotFound)
        }

        crate::declare_routes! {
            v1 WidgetsRoute for Tags {
                Delete(ws: WorkspaceId, id: ResourceId) => {delete},
                List(ws: WorkspaceId) => {list} needs read(Tag),
            }
        }
    }

    #[test]
    fn a_v1_operation_answers_what_its_signature_raises_and_its_grant_needs() {
        let mut api = OpenApi::default();
        for document in <made_up_v1::WidgetsRoute as FunctionRoute>::documented() {
            document(&mut api);
        }
        let statuses = |path: &str, method: HttpMethod| -> Vec<(String, String)> {
            let item = &api.paths.paths[path];
            let op = match method {
                HttpMethod::Delete => item.delete.as_ref(),
                _ => item.get.as_ref(),
            };
            op.unwrap()
                .responses
                .responses
                .iter()
                .map(|(status, r)| {
                    let utoipa::openapi::RefOr::T(r) = r else {
                        panic!("{status} is inline until the docs share it")
                    };
                    assert!(
                        r.extensions
                            .as_ref()
                            .is_none_or(|e| !e.contains_key("x-pirros-listed")),
                        "{status} keeps its mark"
                    );
                    (status.clone(), r.description.clone())
                })
                .collect()
        };
        let delete = statuses("/v1/workspaces/{ws}/widgets/{id}", HttpMethod::Delete);
        let codes: Vec<&str> = delete.iter().map(|(s, _)| s.as_str()).collect();
        // Every `/v1` operation's, then 409 for `If-Match` and `Idempotency-Key`: none listed.
        assert_eq!(
            codes,
            [
                "204", "400", "401", "404", "405", "409", "429", "500", "503"
            ]
        );
        let said = |status: &str| -> &str { &delete.iter().find(|(s, _)| s == status).unwrap().1 };
        assert!(
            said("400").contains("invalid_include_param"),
            "{}",
            said("400")
        );
        assert!(
            said("409").contains("stale_precondition"),
            "{}",
            said("409")
        );
        assert!(
            said("409").contains("IDEMPOTENCY_CONFLICT"),
            "{}",
            said("409")
        );
        let list = statuses("/v1/workspaces/{ws}/widgets", HttpMethod::Get);
        let codes: Vec<&str> = list.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            codes,
            [
                "200", "400", "401", "403", "404", "405", "429", "500", "503"
            ]
        );
        assert!(!list[1].1.contains("invalid_include_param"));
        // The declaration's grant is the table's too.
        let grants: Vec<Option<Grant>> = <made_up_v1::WidgetsRoute as FunctionRoute>::table()
            .defs()
            .iter()
            .map(|d| d.grant)
            .collect();
        assert_eq!(
            grants,
            [None, Some(Grant::Of(Action::Read, EntityType::Tag))]
        );
    }

    fn table() -> &'static Table<ThingsRoute> {
        <ThingsRoute as FunctionRoute>::table()
    }

    #[test]
    fn the_table_reads_method_and_template_off_the_handler() {
        let defs: Vec<(&str, &str)> = table()
            .defs()
            .iter()
            .map(|d| (d.method.as_str(), d.path))
            .collect();
        assert_eq!(
            defs,
            [
                ("GET", "/v1/workspaces/{ws}/things/{id}"),
                ("PATCH", "/v1/workspaces/{ws}/things/{id}"),
                ("POST", "/v1/workspaces/{ws}/things/uploads"),
                ("GET", "/v1/workspaces/{ws}/things"),
            ]
        );
        let ws = WorkspaceId::parse(WS).unwrap();
        let id = ResourceId::parse("x1").unwrap();
        assert_eq!(
            table()
                .resolve(&Method::GET, &format!("/v1/workspaces/{WS}/things/x1/"))
                .unwrap(),
            ThingsRoute::Get(ws, id)
        );
    }

    #[test]
    fn wrong_method_is_405_with_the_methods_of_the_path() {
        let e = table()
            .find(&Method::DELETE, &format!("/v1/workspaces/{WS}/things/s1"))
            .err();
        assert!(
            matches!(&e, Some(ApiError::MethodNotAllowed { allow }) if allow == "GET, PATCH"),
            "{e:?}"
        );
    }

    #[test]
    fn a_literal_segment_beats_a_parameter_of_the_same_method() {
        let uploads = format!("/v1/workspaces/{WS}/things/uploads");
        let ws = WorkspaceId::parse(WS).unwrap();
        assert_eq!(
            table().resolve(&Method::POST, &uploads).unwrap(),
            ThingsRoute::Upload(ws)
        );
        // As on API Gateway, a GET takes the GET route that fits: `uploads` is an id there.
        assert_eq!(
            table().resolve(&Method::GET, &uploads).unwrap(),
            ThingsRoute::Get(ws, ResourceId::parse("uploads").unwrap())
        );
        // A method no template of the path takes: the methods of the most literal one.
        let e = table().find(&Method::DELETE, &uploads).err();
        assert!(
            matches!(&e, Some(ApiError::MethodNotAllowed { allow }) if allow == "POST"),
            "{e:?}"
        );
    }

    #[test]
    fn bad_parameters_and_unknown_paths() {
        let e = table()
            .resolve(&Method::GET, "/v1/workspaces/nope/things")
            .unwrap_err();
        assert_eq!(e.code(), "invalid_request");
        let e = table()
            .resolve(&Method::GET, &format!("/v1/workspaces/{WS}/things/a%23b"))
            .unwrap_err();
        assert!(matches!(e, ApiError::NotFound));
        for path in [
            "/v1/nothing".to_owned(),
            "/v1/workspaces//things".to_owned(),
            format!("/v1/workspaces/{WS}/things//x"),
            format!("/v1/workspaces/{WS}/things/t1/x/y/z/w/v"),
            "/".to_owned(),
            String::new(),
        ] {
            let e = table().find(&Method::GET, &path).err();
            assert!(matches!(e, Some(ApiError::NotFound)), "{path}");
        }
    }

    #[test]
    fn a_joined_table_names_each_route_s_function() {
        let joined = Joined::new(table().defs().iter().map(RouteDef::erased).collect());
        let m = joined
            .find(&Method::PATCH, &format!("/v1/workspaces/{WS}/things/t1"))
            .unwrap();
        assert_eq!(m.def.function, Function::Tags);
        assert_eq!(m.def.path, "/v1/workspaces/{ws}/things/{id}");
        let mut api = OpenApi::default();
        for document in ThingsRoute::documented() {
            document(&mut api);
        }
        assert_eq!(api.paths.paths.len(), 3);
    }
}
