//! The one routing table: what `pirros-local` mounts, what each Lambda answers and what
//! `template.yaml` must route (a test compares them).

use crate::error::ApiError;
use crate::ids::{ResourceId, WorkspaceId};
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

/// Every route: method, path template, function.
pub const ROUTES: &[(&str, &str, Function)] = &[
    ("POST", "/oauth/token", Function::OAuth),
    ("GET", "/v1/workspaces/{ws}/tags", Function::Tags),
    ("GET", "/v1/workspaces/{ws}/details", Function::Details),
    ("GET", "/v1/workspaces/{ws}/details/{id}", Function::Details),
    (
        "GET",
        "/v1/workspaces/{ws}/families/{id}",
        Function::Families,
    ),
    (
        "GET",
        "/v1/workspaces/{ws}/families/{id}/similar",
        Function::Families,
    ),
    ("GET", "/v1/workspaces/{ws}/stashes/{id}", Function::Stashes),
    ("POST", "/v1/workspaces/{ws}/stashes", Function::Stashes),
    (
        "PATCH",
        "/v1/workspaces/{ws}/stashes/{id}",
        Function::Stashes,
    ),
    (
        "GET",
        "/v1/workspaces/{ws}/downloads/pdf/{detailId}",
        Function::Downloads,
    ),
    (
        "GET",
        "/v1/workspaces/{ws}/downloads/rvt/{detailId}",
        Function::Downloads,
    ),
    (
        "GET",
        "/v1/workspaces/{ws}/families/{id}/rfa",
        Function::Downloads,
    ),
    ("GET", "/openapi.json", Function::Docs),
    ("GET", "/docs", Function::Docs),
];

/// A matched route with its path parameters parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Token,
    ListTags(WorkspaceId),
    SearchDetails(WorkspaceId),
    GetDetail(WorkspaceId, ResourceId),
    GetFamily(WorkspaceId, ResourceId),
    SimilarFamilies(WorkspaceId, ResourceId),
    GetStash(WorkspaceId, ResourceId),
    CreateStash(WorkspaceId),
    UpdateStash(WorkspaceId, ResourceId),
    DownloadPdf(WorkspaceId, ResourceId),
    DownloadRvt(WorkspaceId, ResourceId),
    DownloadRfa(WorkspaceId, ResourceId),
    OpenApi,
    Docs,
}

fn segments(path: &str) -> Vec<&str> {
    path.trim_end_matches('/')
        .split('/')
        .skip(1)
        .collect::<Vec<_>>()
}

/// Path parameters of a template match, in order.
fn match_template<'a>(template: &str, path: &[&'a str]) -> Option<Vec<&'a str>> {
    let t = segments(template);
    if t.len() != path.len() {
        return None;
    }
    let mut params = Vec::new();
    for (ts, ps) in t.iter().zip(path) {
        if ts.starts_with('{') {
            if ps.is_empty() {
                return None;
            }
            params.push(*ps);
        } else if ts != ps {
            return None;
        }
    }
    Some(params)
}

/// The function serving `method path`, without looking at the parameters' values:
/// unknown paths are 404, known paths with another method 405.
pub fn function_for(method: &Method, path: &str) -> Result<Function, ApiError> {
    matched(method, path).map(|(_, _, f, _)| f)
}

/// The route template `method path` matches (metrics name routes by it, never by path).
pub fn template_for(method: &Method, path: &str) -> Option<&'static str> {
    matched(method, path).ok().map(|(_, t, _, _)| t)
}

/// Routes `method path`: as `function_for`, and then a malformed workspace id is 400 and a
/// malformed resource id 404 (it can't exist).
pub fn resolve(method: &Method, path: &str) -> Result<Route, ApiError> {
    let (m, template, _, params) = matched(method, path)?;
    build(m, template, &params)
}

type Matched<'a> = (&'static str, &'static str, Function, Vec<&'a str>);

fn matched<'a>(method: &Method, path: &'a str) -> Result<Matched<'a>, ApiError> {
    let segs = segments(path);
    let mut allowed: Vec<&'static str> = Vec::new();
    for (m, template, f) in ROUTES {
        let Some(params) = match_template(template, &segs) else {
            continue;
        };
        if *m != method.as_str() {
            allowed.push(m);
            continue;
        }
        return Ok((m, template, *f, params));
    }
    if allowed.is_empty() {
        Err(ApiError::NotFound)
    } else {
        let allow = match allowed.as_slice() {
            ["GET"] => "GET",
            ["POST"] => "POST",
            ["GET", "PATCH"] | ["PATCH", "GET"] => "GET, PATCH",
            _ => "GET, POST, PATCH",
        };
        Err(ApiError::MethodNotAllowed { allow })
    }
}

fn build(method: &str, template: &str, p: &[&str]) -> Result<Route, ApiError> {
    let ws = || {
        WorkspaceId::parse(p[0]).ok_or_else(|| {
            ApiError::invalid_field("workspaceId", "workspaceId must be a workspace UUID")
        })
    };
    let id = || ResourceId::parse(p[1]).ok_or(ApiError::NotFound);
    Ok(match (method, template) {
        ("POST", "/oauth/token") => Route::Token,
        (_, "/openapi.json") => Route::OpenApi,
        (_, "/docs") => Route::Docs,
        (_, "/v1/workspaces/{ws}/tags") => Route::ListTags(ws()?),
        (_, "/v1/workspaces/{ws}/details") => Route::SearchDetails(ws()?),
        (_, "/v1/workspaces/{ws}/details/{id}") => Route::GetDetail(ws()?, id()?),
        (_, "/v1/workspaces/{ws}/families/{id}") => Route::GetFamily(ws()?, id()?),
        (_, "/v1/workspaces/{ws}/families/{id}/similar") => Route::SimilarFamilies(ws()?, id()?),
        (_, "/v1/workspaces/{ws}/families/{id}/rfa") => Route::DownloadRfa(ws()?, id()?),
        ("GET", "/v1/workspaces/{ws}/stashes/{id}") => Route::GetStash(ws()?, id()?),
        ("PATCH", "/v1/workspaces/{ws}/stashes/{id}") => Route::UpdateStash(ws()?, id()?),
        (_, "/v1/workspaces/{ws}/stashes") => Route::CreateStash(ws()?),
        (_, "/v1/workspaces/{ws}/downloads/pdf/{detailId}") => Route::DownloadPdf(ws()?, id()?),
        (_, "/v1/workspaces/{ws}/downloads/rvt/{detailId}") => Route::DownloadRvt(ws()?, id()?),
        _ => return Err(ApiError::NotFound),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const WS: &str = "6a1f4c4e-0b0e-4f6c-9a43-3f1c2b1d0e11";

    #[test]
    fn resolves_every_template() {
        for (m, t, f) in ROUTES {
            let path = t
                .replace("{ws}", WS)
                .replace("{id}", "x1")
                .replace("{detailId}", "d1");
            let method = Method::from_bytes(m.as_bytes()).unwrap();
            resolve(&method, &path).unwrap();
            assert_eq!(function_for(&method, &path).unwrap(), *f, "{m} {t}");
        }
    }

    #[test]
    fn wrong_method_is_405_and_unknown_is_404() {
        let e = resolve(&Method::DELETE, &format!("/v1/workspaces/{WS}/stashes/s1")).unwrap_err();
        assert!(matches!(
            e,
            ApiError::MethodNotAllowed {
                allow: "GET, PATCH"
            }
        ));
        let e = resolve(&Method::GET, "/v1/nothing").unwrap_err();
        assert!(matches!(e, ApiError::NotFound));
        let e = resolve(&Method::GET, "/v1/workspaces/nope/tags").unwrap_err();
        assert_eq!(e.code(), "invalid_request");
    }
}
