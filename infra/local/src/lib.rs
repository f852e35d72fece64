//! `pirros-local`: every route of every function in one process, through the very handlers
//! the Lambda binaries run, plus the local file server for the embedded store.

pub mod budget;
pub mod files;
pub mod start;
pub mod webhooks;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use pirros_shared::AppState;
use pirros_shared::api::Done;
use pirros_shared::error::{ApiError, Flavor};
use pirros_shared::request::{MAX_BODY_BYTES, new_request_id};
use pirros_shared::routes::Function;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

pub struct App {
    pub state: Arc<AppState>,
    pub files: files::LocalFiles,
    /// The origins whose pages may call the API (`CORS_ALLOWED_ORIGINS`).
    pub cors: pirros_shared::cors::Cors,
}

/// What API Gateway's CORS configuration does around the functions: a listed origin's
/// preflight of a path with routes is answered here, and every answer to it says what its
/// page may read.
pub async fn with_cors(app: &App, req: Request) -> Response<Body> {
    if !app.cors.is_on() {
        return dispatch(app, req).await;
    }
    let path = req.uri().path();
    let routed = path.starts_with("/v1/")
        && pirros_docs::routes::all()
            .find(&http::Method::GET, path)
            .map_or_else(|e| matches!(e, ApiError::MethodNotAllowed { .. }), |_| true);
    let has_routes = routed
        || path == pirros_shared::routes::TOKEN_PATH
        || path == pirros_shared::routes::JWKS_PATH;
    if let Some(resp) = app.cors.preflight(req.method(), req.headers(), has_routes) {
        return resp;
    }
    let origin = app.cors.listed(req.headers()).cloned();
    let mut resp = dispatch(app, req).await;
    app.cors.decorate(origin.as_ref(), &mut resp);
    resp
}

/// Routes a request to the function that serves it, as API Gateway would.
pub async fn dispatch(app: &App, req: Request) -> Response<Body> {
    let path = req.uri().path();
    if is_token_function_path(path) {
        return Box::pin(pirros_oauth::handle(&app.state, req)).await;
    }
    if let Some(resp) = app.files.serve(&req).await {
        return resp;
    }
    let function = match pirros_docs::routes::all().find(req.method(), path) {
        Ok(m) => m.def.function,
        // What API Gateway's `$default` route does: the docs function answers every request
        // no route matches (404, or 405 with the methods the path takes).
        Err(_) => return pirros_docs::handle(req).await,
    };
    let state = &app.state;
    // Boxed: this future would otherwise be as large as the largest function's, and it is
    // moved several times on its way into hyper's connection task (tens of KB copied per
    // request, a quarter of a request's instructions).
    let handled: Pin<Box<dyn Future<Output = Response<Body>> + Send + '_>> = match function {
        Function::OAuth => Box::pin(pirros_oauth::handle(state, req)),
        Function::Tags => Box::pin(pirros_tags::handle(state, req)),
        Function::Details => Box::pin(pirros_details::handle(state, req)),
        Function::Families => Box::pin(pirros_families::handle(state, req)),
        Function::Stashes => Box::pin(pirros_stashes::handle(state, req)),
        Function::Downloads => Box::pin(pirros_downloads::handle(state, req)),
        Function::Docs => Box::pin(pirros_docs::handle(req)),
        Function::Discovery => Box::pin(pirros_discovery::handle(state, req)),
        Function::Jobs => Box::pin(pirros_jobs::handle(state, req)),
        Function::Webhooks => Box::pin(pirros_webhooks::handle(state, req)),
    };
    handled.await
}

/// The token function's paths, which answer in its own (RFC 6749) error shape.
fn is_token_function_path(path: &str) -> bool {
    path.starts_with("/oauth/") || path == "/oauth" || path.starts_with("/.well-known/")
}

/// Turns a hyper request into the `lambda_http` request API Gateway would deliver.
async fn to_lambda(
    req: hyper::Request<Incoming>,
    source_ip: &str,
) -> Result<Request, Response<Body>> {
    let (parts, body) = req.into_parts();
    let collected =
        tokio::time::timeout(BODY_TIMEOUT, Limited::new(body, MAX_BODY_BYTES).collect());
    let refused = match collected.await {
        Ok(Ok(c)) => Ok(c.to_bytes()),
        Ok(Err(_)) => Err(format!("Body is larger than {MAX_BODY_BYTES} bytes")),
        Err(_) => Err(format!(
            "The body did not arrive within {} seconds",
            BODY_TIMEOUT.as_secs()
        )),
    };
    let bytes = match refused {
        Ok(bytes) => bytes,
        Err(why) => {
            let (err, flavor) = if is_token_function_path(parts.uri.path()) {
                (ApiError::OAuthInvalidRequest(why), Flavor::OAuth)
            } else {
                (ApiError::invalid(why), Flavor::V1)
            };
            let fake = http::Request::from_parts(parts, Body::Empty);
            let done = Done {
                request: &fake,
                route: None,
                request_id: &new_request_id(),
                client: None,
                started: Instant::now(),
            };
            return Err(done.finish(Err(err), flavor));
        }
    };
    let body = if bytes.is_empty() {
        Body::Empty
    } else {
        match String::from_utf8(bytes.to_vec()) {
            Ok(s) => Body::Text(s),
            Err(e) => Body::Binary(e.into_bytes()),
        }
    };
    let mut ctx = lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequestContext::default();
    ctx.http.source_ip = Some(source_ip.to_owned());
    ctx.http.method = parts.method.clone();
    ctx.http.path = Some(parts.uri.path().to_owned());
    Ok(http::Request::from_parts(parts, body)
        .with_request_context(RequestContext::ApiGatewayV2(ctx)))
}

fn to_hyper(resp: Response<Body>) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = resp.into_parts();
    let bytes = match body {
        Body::Empty => Bytes::new(),
        Body::Text(t) => Bytes::from(t),
        Body::Binary(b) => Bytes::from(b),
        _ => Bytes::new(),
    };
    hyper::Response::from_parts(parts, Full::new(bytes))
}

/// How long a request's headers, and then its body, may take to arrive: a client that
/// opens a connection and trickles bytes holds it no longer.
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);
const BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves for as long as the process runs. Each connection gets its own task.
pub async fn serve(listener: TcpListener, app: Arc<App>) -> std::io::Result<()> {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors (clients holding many connections open), or a
                // connection reset before it was taken: the server goes on, and tries again
                // once some have closed.
                tracing::warn!(error = %e, "accepting a connection failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        // Printed once per connection, not per request (formatting an address cost about
        // 1,400 instructions of every request on a kept-alive connection).
        let source_ip: Arc<str> = peer.ip().to_string().into();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                let app = app.clone();
                let source_ip = source_ip.clone();
                async move {
                    let resp = if files::LocalFiles::is_upload(&req) {
                        app.files.receive(req, &app.state).await
                    } else {
                        match to_lambda(req, &source_ip).await {
                            Ok(req) => pirros_shared::metrics::scoped(with_cors(&app, req)).await,
                            Err(resp) => resp,
                        }
                    };
                    Ok::<_, Infallible>(to_hyper(resp))
                }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
