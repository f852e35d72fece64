//! The life of a `/v1` request, shared by every function: route, kill switch, token,
//! credential and rate limit, then the handler, then the envelope and headers.

use crate::AppState;
use crate::ahead;
use crate::error::{ApiError, Flavor, ScopeDetails};
use crate::grants::{self, Action, EntityType, Filter, Filterable, HasId, Scope};
use crate::ids::{ClientId, WorkspaceId};
use crate::model::Credential;
use crate::query;
use crate::ratelimit::RateStatus;
use crate::request;
use crate::response::{self, Reply};
use crate::routes::{FunctionRoute, RouteName};
use crate::store::{StoreError, StoreResult};
use crate::timestamp::Timestamp;
use futures::future::OptionFuture;
use http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::time::Instant;
use utoipa::IntoParams;

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(m) => {
                tracing::error!(error = %m, "storage unavailable");
                ApiError::ServiceUnavailable("A dependency is temporarily unavailable; retry later")
            }
            StoreError::Contended(m) => {
                tracing::warn!(error = m, "storage contended");
                ApiError::Contended(m)
            }
            StoreError::Internal(m) => ApiError::Internal(m),
        }
    }
}

/// An authenticated `/v1` request on its way through a handler.
pub struct V1Call {
    pub request_id: String,
    pub request: Request,
    pub credential: Credential,
    rate: RateStatus,
    started: Instant,
    /// The route it matched, for the metrics that name routes by template.
    route: RouteName,
    /// What the route read beside authentication, if it did (`ahead`).
    ahead: ahead::Slot,
    /// The record of the request's `Idempotency-Key`, when it was read ahead.
    key_record: ahead::KeyRecord,
}

/// A `/v1` request as known once its bearer token checks, before its credential is read:
/// what a read ahead may use (`crate::ahead`), and what a list's cursor is bound to.
#[derive(Clone, Copy)]
pub struct Asking<'a> {
    pub request: &'a Request,
    /// The token's subject: whether its credential is still active is not known yet.
    pub client: &'a ClientId,
    /// The credential this client last showed this container (`crate::ahead::known`): a
    /// guess of its grants, for a read ahead to choose its keys with; never an access
    /// decision. The credential read for the call itself, once it is known.
    pub known: Option<&'a Credential>,
}

impl Asking<'_> {
    /// The query string as the operation's query struct, or `None` when it is not one (the
    /// handler, which parses it again, answers why).
    pub fn query<T: DeserializeOwned + IntoParams>(&self) -> Option<T> {
        query::parse(self.request.uri().query()).ok()
    }

    /// The body as the operation's body type, checked, or `None` when it is not one (the
    /// handler, which parses it again, answers why).
    pub fn body<B: crate::extract::RequestBody>(&self, state: &AppState) -> Option<B::Valid> {
        crate::extract::body_of::<B>(state, self.request).ok()
    }
}

/// Answers an error before a call was established (no credential yet).
pub fn early_failure(
    err: ApiError,
    route: Option<RouteName>,
    request_id: &str,
    started: Instant,
    req: &Request,
) -> Response<Body> {
    let done = Done {
        request: req,
        route,
        request_id,
        client: None,
        started,
    };
    done.finish(Err(err), Flavor::V1)
}

/// Where every request of every function ends (`/v1`, the token endpoint, the key set):
/// its answer or its error rendered in its flavour's shape, one log line with the request
/// id, and its metrics.
pub struct Done<'a> {
    pub request: &'a Request,
    /// The route it matched, if any (metrics name routes by template).
    pub route: Option<RouteName>,
    pub request_id: &'a str,
    /// The caller, once known.
    pub client: Option<&'a ClientId>,
    pub started: Instant,
}

impl Done<'_> {
    /// The response to send for `outcome`, logged and counted.
    pub fn finish(
        &self,
        outcome: Result<Response<Body>, ApiError>,
        flavor: Flavor,
    ) -> Response<Body> {
        let (resp, err) = match outcome {
            Ok(resp) => (resp, None),
            Err(e) => (response::failure(&e, flavor, self.request_id), Some(e)),
        };
        let status = resp.status().as_u16();
        log_outcome(
            self.request_id,
            self.request,
            status,
            self.client,
            self.started,
            err.as_ref(),
        );
        crate::metrics::request_finished(
            self.request,
            self.route,
            self.request_id,
            status,
            err.as_ref().map(ApiError::code),
            self.started,
        );
        resp
    }
}

fn log_outcome(
    request_id: &str,
    req: &Request,
    status: u16,
    client: Option<&ClientId>,
    started: Instant,
    err: Option<&ApiError>,
) {
    let latency_us = started.elapsed().as_micros() as u64;
    let client = client.map(|c| c.as_str()).unwrap_or("-");
    match err {
        Some(ApiError::Internal(cause)) => tracing::error!(
            request_id, method = %req.method(), path = req.uri().path(), status, client, latency_us,
            cause = cause.as_str(), "request failed"
        ),
        Some(e) => tracing::info!(
            request_id, method = %req.method(), path = req.uri().path(), status, client, latency_us,
            code = e.code(), reason = %e, "request refused"
        ),
        None => tracing::info!(
            request_id, method = %req.method(), path = req.uri().path(), status, client, latency_us,
            "request served"
        ),
    }
}

/// A function's whole `/v1` handling: `begin`, then `handler` with the function's own
/// route, then `finish`.
pub async fn serve<R, H>(state: &AppState, request: Request, handler: H) -> Response<Body>
where
    R: FunctionRoute,
    H: AsyncFnOnce(R, &V1Call) -> Result<Reply, ApiError>,
{
    match V1Call::begin(state, request).await {
        Ok((route, call)) => {
            let outcome = handler(route, &call).await;
            call.finish(outcome)
        }
        Err(resp) => resp,
    }
}

impl V1Call {
    /// Everything before the handler: the route of function `R` and the call, or the
    /// finished response.
    pub async fn begin<R: FunctionRoute>(
        state: &AppState,
        request: Request,
    ) -> Result<(R, Self), Response<Body>> {
        let started = Instant::now();
        let request_id = request::new_request_id();
        // Unknown routes answer at once; malformed parameters only after authentication,
        // so an anonymous caller learns nothing but 401.
        let matched = match R::table().find(request.method(), request.uri().path()) {
            Ok(m) => m,
            Err(e) => return Err(early_failure(e, None, &request_id, started, &request)),
        };
        let name = matched.def.name();
        let fail =
            |e: ApiError, req: &Request| early_failure(e, Some(name), &request_id, started, req);
        let off = || ApiError::ServiceUnavailable("The API is temporarily disabled; retry later");
        // The switch as cached, or (every 8 s) its read, started here and awaited beside the
        // credential and the rate limit: on Lambda a container that serves a request every
        // few seconds would otherwise pay a round trip of its own on most requests.
        let mut switch = std::pin::pin!(state.kill_switch.is_on(state.store.as_ref()));
        let known = std::future::poll_fn(|cx| {
            use std::task::Poll;
            Poll::Ready(match switch.as_mut().poll(cx) {
                Poll::Ready(on) => Some(on),
                Poll::Pending => None,
            })
        })
        .await;
        if known == Some(true) {
            return Err(fail(off(), &request));
        }
        let verified = match request::bearer_token(&request) {
            Ok(t) => state.verifier.verify(state.store.as_ref(), t).await.map_err(|r| {
                tracing::info!(request_id = %request_id, rejection = ?r, "bearer token refused");
                ApiError::InvalidToken("Invalid or expired access token")
            }),
            Err(e) => Err(e),
        };
        let client = verified.and_then(|claims| {
            let client = ClientId::parse(&claims.sub)
                .ok_or(ApiError::InvalidToken("Invalid access token"))?;
            Ok((claims, client))
        });
        let (claims, client) = match client {
            Ok(c) => c,
            // A switched-off API is off for every caller, a token or not.
            Err(_) if known.is_none() && switch.await => return Err(fail(off(), &request)),
            Err(e) => return Err(fail(e, &request)),
        };
        let switch = async {
            match known {
                Some(on) => on,
                None => switch.await,
            }
        };
        // The route's parameters are parsed now, for its read ahead; a malformed one is
        // still answered only once the call is authenticated.
        let route = matched.resolve(request.uri().path());
        let known = state.known_credentials.get(&client);
        let asking = Asking {
            request: &request,
            client: &client,
            known: known.as_deref(),
        };
        let may_read_ahead = route.is_ok() && state.api_limiter.may_read_ahead(client.as_str());
        let reading = match &route {
            Ok(r) if may_read_ahead => r.read_ahead(state, asking),
            _ => None,
        };
        let key = may_read_ahead.then(|| ahead::key_to_read(asking)).flatten();
        // The credential check, the rate-limit update and the route's read ahead are
        // independent: one round trip.
        let route_key = [name.method, " ", name.template].concat();
        let (on, cred, rate, read, key_read) = tokio::join!(
            switch,
            state.store.get_credential(&client),
            state.api_limiter.hit(
                state.store.as_ref(),
                client.as_str(),
                &route_key,
                state.config.api_rate_limit_per_hour,
                state.config.api_rate_limit_window_secs,
            ),
            OptionFuture::from(reading),
            OptionFuture::from(key.map(|k| async move {
                let read = state.store.get_idempotency(&k).await;
                (k, read)
            })),
        );
        if on {
            return Err(fail(off(), &request));
        }
        let credential = match cred {
            Ok(Some(c))
                if c.is_active() && c.accepts_secret_version(claims.sv, Timestamp::now()) =>
            {
                state.known_credentials.remember(&c, known.as_deref());
                c
            }
            Ok(_) => {
                return Err(fail(
                    ApiError::InvalidToken("Access token was revoked"),
                    &request,
                ));
            }
            Err(e) => return Err(fail(e.into(), &request)),
        };
        let rate = match rate {
            Ok(r) => r,
            Err((e, status)) => {
                let mut resp = fail(e, &request);
                if let Some(s) = status {
                    response::add_rate_headers(&mut resp, &s);
                }
                return Err(resp);
            }
        };
        let route = match route {
            Ok(r) => r,
            Err(e) => {
                let mut resp = fail(e, &request);
                response::add_rate_headers(&mut resp, &rate);
                return Err(resp);
            }
        };
        let call = Self {
            request_id,
            request,
            credential,
            rate,
            started,
            route: name,
            ahead: ahead::Slot::new(read),
            key_record: ahead::KeyRecord::new(key_read),
        };
        Ok((route, call))
    }

    /// Wraps the handler's outcome in the envelope, with the request id and rate headers.
    pub fn finish(self, outcome: Result<Reply, ApiError>) -> Response<Body> {
        let done = Done {
            request: &self.request,
            route: Some(self.route),
            request_id: &self.request_id,
            client: Some(&self.credential.client_id),
            started: self.started,
        };
        let mut resp = done.finish(
            outcome.map(|reply| response::success(reply, &self.request_id)),
            Flavor::V1,
        );
        response::add_rate_headers(&mut resp, &self.rate);
        resp
    }

    /// The request as its read ahead saw it: what its cursors are bound to.
    pub fn asking(&self) -> Asking<'_> {
        Asking {
            request: &self.request,
            client: &self.credential.client_id,
            known: Some(&self.credential),
        }
    }

    /// The record of `key`, if it was read beside authentication (once).
    pub(crate) fn key_read_ahead(&self, key: &crate::store::IdemKey) -> Option<ahead::KeyRead> {
        self.key_record.take(key)
    }

    /// What the route read beside authentication, for its handler's `Ahead`.
    pub(crate) fn read_ahead(&self) -> &ahead::Slot {
        &self.ahead
    }

    /// The caller's rate-limit state, this request counted.
    pub fn rate(&self) -> RateStatus {
        self.rate
    }

    /// The query string, parsed into the operation's query struct.
    pub fn query<T: DeserializeOwned + IntoParams>(&self) -> Result<T, ApiError> {
        query::parse(self.request.uri().query())
    }

    /// A 200 with `payload` in the envelope.
    pub fn reply<T: Serialize>(&self, payload: &T) -> Result<Reply, ApiError> {
        Ok(Reply::new(
            StatusCode::OK,
            response::envelope(payload, &self.request_id)?,
        ))
    }

    /// Custom filters the credential's grants name in `ws`.
    pub async fn granted_filters(
        &self,
        state: &AppState,
        ws: WorkspaceId,
    ) -> Result<Vec<Filter>, ApiError> {
        let ids = grants::custom_filter_ids(&self.credential, ws);
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(state.store.get_filters(ws, &ids).await?)
    }

    /// What the caller may see of `entity` in `ws` for `action` (possibly nothing).
    pub async fn scope(
        &self,
        state: &AppState,
        ws: WorkspaceId,
        entity: EntityType,
        action: Action,
    ) -> Result<Scope, ApiError> {
        // Fast path: a system filter needs no storage read.
        let quick = Scope::resolve(&self.credential, ws, entity, action, &[]);
        if !quick.is_none() {
            return Ok(quick);
        }
        let filters = self.granted_filters(state, ws).await?;
        Ok(Scope::resolve(
            &self.credential,
            ws,
            entity,
            action,
            &filters,
        ))
    }

    /// A resource the caller may read, fetched beside its read scope (one round trip).
    /// Missing, in another workspace or firm, or not covered by a grant: all the same 404.
    pub async fn readable<R, T: Filterable>(
        &self,
        state: &AppState,
        ws: WorkspaceId,
        fetch: impl Future<Output = StoreResult<Option<R>>>,
        item: fn(&R) -> &T,
    ) -> Result<(R, Scope), ApiError> {
        let (scope, record) =
            tokio::try_join!(self.scope(state, ws, T::ENTITY, Action::Read), async {
                Ok(fetch.await?)
            },)?;
        match record {
            Some(r) if scope.allows(item(&r)) => Ok((r, scope)),
            _ => Err(ApiError::NotFound),
        }
    }

    /// The scope for writing `item`: 403 `insufficient_scope` naming it unless a grant for
    /// `action` covers it.
    pub async fn require_scope_over<T: Filterable + HasId>(
        &self,
        state: &AppState,
        ws: WorkspaceId,
        action: Action,
        item: &T,
    ) -> Result<Scope, ApiError> {
        let scope = self
            .require_scope(state, ws, T::ENTITY, action, Some(item.id_str()))
            .await?;
        if scope.allows(item) {
            return Ok(scope);
        }
        let filters = self.granted_filters(state, ws).await?;
        Err(self.scope_error(ws, T::ENTITY, action, Some(item.id_str()), &filters))
    }

    fn scope_error(
        &self,
        ws: WorkspaceId,
        entity: EntityType,
        action: Action,
        entity_id: Option<&str>,
        filters: &[Filter],
    ) -> ApiError {
        let (granted_filter_ids, granted_filter_names) =
            grants::granted_filters(&self.credential, ws, filters);
        ApiError::InsufficientScope(Box::new(ScopeDetails {
            required_action: action.as_str(),
            entity_type: entity.as_str(),
            entity_id: entity_id.map(str::to_owned),
            granted_filter_ids,
            granted_filter_names,
        }))
    }

    /// The custom filters the caller's grants name in `ws`, when some read grant of any
    /// resource type covers something there (what projects, the events feed and snapshots
    /// need); otherwise 403 `insufficient_scope` naming `entity_type` and the filters held.
    pub async fn require_any_read(
        &self,
        state: &AppState,
        ws: WorkspaceId,
        entity_type: &'static str,
    ) -> Result<Vec<Filter>, ApiError> {
        // Read only when a grant names a custom filter (`granted_filters`).
        let filters = self.granted_filters(state, ws).await?;
        let reads = |e| !Scope::resolve(&self.credential, ws, e, Action::Read, &filters).is_none();
        if EntityType::ALL.into_iter().any(reads) {
            return Ok(filters);
        }
        let (granted_filter_ids, granted_filter_names) =
            grants::granted_filters(&self.credential, ws, &filters);
        Err(ApiError::InsufficientScope(Box::new(ScopeDetails {
            required_action: Action::Read.as_str(),
            entity_type,
            entity_id: None,
            granted_filter_ids,
            granted_filter_names,
        })))
    }

    /// The scope for a list or write: 403 `insufficient_scope` when there is none.
    pub async fn require_scope(
        &self,
        state: &AppState,
        ws: WorkspaceId,
        entity: EntityType,
        action: Action,
        entity_id: Option<&str>,
    ) -> Result<Scope, ApiError> {
        let quick = Scope::resolve(&self.credential, ws, entity, action, &[]);
        if !quick.is_none() {
            return Ok(quick);
        }
        let filters = self.granted_filters(state, ws).await?;
        let scope = Scope::resolve(&self.credential, ws, entity, action, &filters);
        if !scope.is_none() {
            return Ok(scope);
        }
        Err(self.scope_error(ws, entity, action, entity_id, &filters))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_contention_is_a_503_to_retry_at_once() {
        let e: ApiError = StoreError::Contended("busy").into();
        assert!(matches!(e, ApiError::Contended("busy")), "{e:?}");
        assert_eq!(e.code(), "service_unavailable");
        let e: ApiError = StoreError::Unavailable("down".into()).into();
        assert!(matches!(e, ApiError::ServiceUnavailable(_)), "{e:?}");
    }
}
