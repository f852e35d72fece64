"""The hand-written client: tokens, paging, the events feed, conditional reads.

Everything the API offers is also reachable, typed, through :attr:`Client.api` (the
generated client of ``pirros.generated``, authenticated by the same transport).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Self, TypeVar
from urllib.parse import quote
from uuid import UUID

import httpx

from ._transport import ApiTransport, RetryPolicy, TokenManager
from .errors import ApiError
from .generated.client import AuthenticatedClient
from .generated.models import (
    Delivery,
    Detail,
    Event,
    Family,
    FamilyReference,
    FamilyVersion,
    Flag,
    Me,
    Project,
    ScoredFamily,
    Stash,
    Tag,
    WebhookEndpoint,
)

__all__ = ["Client", "EventFeed", "Page", "Result"]

T = TypeVar("T")
Id = str | UUID
Params = Mapping[str, Any]


@dataclass(frozen=True)
class Result(Generic[T]):
    """One answer of the API.

    ``value`` is the envelope's ``response`` (parsed into a model by the typed methods);
    it is ``None`` when the answer has no body: ``304 Not Modified`` and ``204``.
    """

    status_code: int
    headers: httpx.Headers
    value: T | None
    #: ``response.expanded`` of a single resource read with ``include=`` (``tags`` and
    #: ``projects`` keyed by id); empty otherwise.
    expanded: Mapping[str, Any] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        """The ``etag`` sent is still current: keep the copy you have."""
        return self.status_code == 304

    @property
    def etag(self) -> str | None:
        """What to send back as ``etag=`` (``If-None-Match``) or ``If-Match``."""
        etag: str | None = self.headers.get("etag")
        return etag

    @property
    def replayed(self) -> bool:
        """The API answered from an earlier request with the same ``Idempotency-Key``."""
        replayed: str = self.headers.get("idempotent-replayed", "")
        return replayed.lower() == "true"

    @property
    def request_id(self) -> str | None:
        """Quote it to support."""
        request_id: str | None = self.headers.get("x-request-id")
        return request_id


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list or of the events feed."""

    items: list[T]
    next_cursor: str | None
    has_more: bool
    expanded: dict[str, Any] = field(default_factory=dict)


class Client:
    """A client of the Pirros External API for one credential.

    >>> with Client("http://127.0.0.1:3000", "pirros-demo-client", "demo-secret-...") as pirros:
    ...     ws = pirros.me().value.workspaces[0].id
    ...     names = [tag.name for tag in pirros.tags(ws)]

    It fetches a client-credentials token on first use and again before ``expires_in``
    runs out (or once when the API refuses it), adds an ``Idempotency-Key`` to every POST
    that has none, and waits as told on 429 and 503 (``Retry-After``, at most
    ``max_retry_wait`` seconds each time, ``max_attempts`` sends in all; beyond that it
    raises :class:`pirros.RetryError`). One client may be shared by threads.

    ``transport`` replaces the httpx transport underneath (a proxy, a test double); the
    SDK's own behaviour sits above it.
    """

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        *,
        max_retry_wait: float = 60.0,
        max_attempts: int = 5,
        renew_margin: float = 60.0,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.base_url = base_url.rstrip("/")
        self._policy = RetryPolicy(max_retry_wait=max_retry_wait, max_attempts=max_attempts)
        inner = transport if transport is not None else httpx.HTTPTransport()
        self._tokens = TokenManager(
            f"{self.base_url}/oauth/token",
            client_id,
            client_secret,
            transport=inner,
            policy=self._policy,
            renew_margin=renew_margin,
            timeout=timeout,
        )
        self._http = httpx.Client(
            base_url=self.base_url,
            transport=ApiTransport(inner, self._tokens, self._policy),
            timeout=timeout,
            headers=dict(headers or {}),
        )
        # The token argument is never sent: the transport sets Authorization on each request.
        self._api = AuthenticatedClient(
            base_url=self.base_url, token="", raise_on_unexpected_status=True
        ).set_httpx_client(self._http)

    @property
    def api(self) -> AuthenticatedClient:
        """The generated client, authenticated: pass it as ``client=`` to any operation of
        ``pirros.generated.api`` (``create_stash.sync_detailed(ws, client=c.api, body=...)``).
        Its requests get the same token, ``Idempotency-Key`` and waiting as this client's."""
        return self._api

    @property
    def http(self) -> httpx.Client:
        """The authenticated httpx client underneath, for requests of your own."""
        return self._http

    @property
    def token_fetches(self) -> int:
        """How many tokens this client has fetched."""
        return self._tokens.fetches

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        etag: str | None = None,
        if_match: str | None = None,
        idempotency_key: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Result[Any]:
        """Sends one request; ``value`` is the envelope's ``response``.

        ``etag`` makes it conditional (``If-None-Match``): while the resource is unchanged
        the answer is a :class:`Result` whose ``not_modified`` is true. Raises
        :class:`pirros.ApiError` on any other 4xx or 5xx.
        """
        sent = dict(headers or {})
        if etag is not None:
            sent["If-None-Match"] = etag
        if if_match is not None:
            sent["If-Match"] = if_match
        if idempotency_key is not None:
            sent["Idempotency-Key"] = idempotency_key
        response = self._http.request(method, path, params=_query(params), json=json, headers=sent)
        if response.status_code >= 400:
            raise ApiError.from_response(response)
        if response.status_code in (204, 304) or not response.content:
            return Result(response.status_code, response.headers, None)
        body = response.json()
        value = body.get("response", body) if isinstance(body, dict) else body
        return Result(response.status_code, response.headers, value)

    def get(
        self, path: str, *, params: Params | None = None, etag: str | None = None
    ) -> Result[Any]:
        return self.request("GET", path, params=params, etag=etag)

    def post(
        self, path: str, json: Any = None, *, idempotency_key: str | None = None
    ) -> Result[Any]:
        """A POST; without ``idempotency_key`` the SDK makes one (a uuid4)."""
        return self.request("POST", path, json=json, idempotency_key=idempotency_key)

    def patch(self, path: str, json: Any, *, if_match: str | None = None) -> Result[Any]:
        return self.request("PATCH", path, json=json, if_match=if_match)

    def delete(self, path: str, *, if_match: str | None = None) -> Result[Any]:
        return self.request("DELETE", path, if_match=if_match)

    def pages(self, path: str, params: Params | None = None) -> Iterator[Page[dict[str, Any]]]:
        """Every page of any list, following ``next_cursor`` until it is null.

        A page may hold fewer items than ``limit``, even none, while more follow (each page
        reads a bounded number of stored items): only a null cursor ends the walk.
        """
        return self._pages(path, params or {}, _as_json)

    def paginate(self, path: str, params: Params | None = None) -> Iterator[dict[str, Any]]:
        """Every item of any list, as the JSON objects the API answers."""
        for page in self.pages(path, params):
            yield from page.items

    def tags(self, ws: Id) -> Iterator[Tag]:
        """The tags you may read (one page of at most 500: tags are never paged)."""
        return self._items(f"{_ws(ws)}/tags", {}, Tag.from_dict)

    def projects(self, ws: Id, *, limit: int | None = None) -> Iterator[Project]:
        return self._items(f"{_ws(ws)}/projects", {"limit": limit}, Project.from_dict)

    def details(
        self,
        ws: Id,
        *,
        q: str | None = None,
        tag_ids: Sequence[str] = (),
        project_id: str | None = None,
        library: str | None = None,
        updated_since: datetime | str | None = None,
        include: Sequence[str] = (),
        limit: int | None = None,
    ) -> Iterator[Detail]:
        """The details you may read, newest first; with ``updated_since``, only those
        updated at or after it, oldest first (the order to sync in)."""
        params = {
            "q": q,
            "tag_id": list(tag_ids),
            "project_id": project_id,
            "library": library,
            "updated_since": updated_since,
            "include": include,
            "limit": limit,
        }
        return self._items(f"{_ws(ws)}/details", params, Detail.from_dict)

    def search_details(self, ws: Id, q: str, **filters: Any) -> Iterator[Detail]:
        """Details whose name or description has words starting with each word of ``q``
        (see :meth:`details` for the other filters)."""
        return self.details(ws, q=q, **filters)

    def families(
        self,
        ws: Id,
        *,
        q: str | None = None,
        tag_ids: Sequence[str] = (),
        project_id: str | None = None,
        category: str | None = None,
        updated_since: datetime | str | None = None,
        include: Sequence[str] = (),
        limit: int | None = None,
    ) -> Iterator[Family]:
        params = {
            "q": q,
            "tag_id": list(tag_ids),
            "project_id": project_id,
            "category": category,
            "updated_since": updated_since,
            "include": include,
            "limit": limit,
        }
        return self._items(f"{_ws(ws)}/families", params, Family.from_dict)

    def search_families(self, ws: Id, q: str, **filters: Any) -> Iterator[Family]:
        return self.families(ws, q=q, **filters)

    def similar_families(
        self, ws: Id, family_id: str, *, limit: int | None = None
    ) -> Iterator[ScoredFamily]:
        """The most similar families, best first: ``limit`` of them (1 to 50, default 10)."""
        path = f"{_ws(ws)}/families/{_seg(family_id)}/similar"
        return self._items(path, {"limit": limit}, ScoredFamily.from_dict)

    def references(
        self, ws: Id, family_id: str, *, limit: int | None = None
    ) -> Iterator[FamilyReference]:
        """The details and stashes that use a family, details first."""
        path = f"{_ws(ws)}/families/{_seg(family_id)}/references"
        return self._items(path, {"limit": limit}, FamilyReference.from_dict)

    def versions(
        self, ws: Id, family_id: str, *, limit: int | None = None
    ) -> Iterator[FamilyVersion]:
        path = f"{_ws(ws)}/families/{_seg(family_id)}/versions"
        return self._items(path, {"limit": limit}, FamilyVersion.from_dict)

    def stashes(
        self,
        ws: Id,
        *,
        project_id: str | None = None,
        created_by: str | None = None,
        limit: int | None = None,
    ) -> Iterator[Stash]:
        params = {"project_id": project_id, "created_by": created_by, "limit": limit}
        return self._items(f"{_ws(ws)}/stashes", params, Stash.from_dict)

    def flags(
        self, ws: Id, detail_id: str, *, status: str | None = None, limit: int | None = None
    ) -> Iterator[Flag]:
        path = f"{_ws(ws)}/details/{_seg(detail_id)}/flags"
        return self._items(path, {"status": status, "limit": limit}, Flag.from_dict)

    def webhook_endpoints(self, ws: Id, *, limit: int | None = None) -> Iterator[WebhookEndpoint]:
        return self._items(
            f"{_ws(ws)}/webhook-endpoints", {"limit": limit}, WebhookEndpoint.from_dict
        )

    def deliveries(
        self, ws: Id, endpoint_id: str, *, status: str | None = None, limit: int | None = None
    ) -> Iterator[Delivery]:
        path = f"{_ws(ws)}/webhook-endpoints/{_seg(endpoint_id)}/deliveries"
        return self._items(path, {"status": status, "limit": limit}, Delivery.from_dict)

    def events(
        self,
        ws: Id,
        *,
        after: str | None = None,
        types: Sequence[str] | str | None = None,
        limit: int | None = None,
        follow: bool = False,
        poll_interval: float = 5.0,
        stop: threading.Event | None = None,
    ) -> EventFeed:
        """The workspace's events after ``after`` (a page's ``next_cursor`` or a snapshot's
        ``events_cursor``; none: the oldest kept). See :class:`EventFeed`."""
        return EventFeed(
            self,
            ws,
            after=after,
            types=types,
            limit=limit,
            follow=follow,
            poll_interval=poll_interval,
            stop=stop,
        )

    def me(self, *, etag: str | None = None) -> Result[Me]:
        """Who the token belongs to: its workspaces and grants, the rate limit."""
        return self._one("/v1/me", {}, etag, Me.from_dict)

    def get_detail(
        self, ws: Id, detail_id: str, *, include: Sequence[str] = (), etag: str | None = None
    ) -> Result[Detail]:
        path = f"{_ws(ws)}/details/{_seg(detail_id)}"
        return self._one(path, {"include": include}, etag, Detail.from_dict)

    def get_family(
        self, ws: Id, family_id: str, *, include: Sequence[str] = (), etag: str | None = None
    ) -> Result[Family]:
        path = f"{_ws(ws)}/families/{_seg(family_id)}"
        return self._one(path, {"include": include}, etag, Family.from_dict)

    def get_stash(self, ws: Id, stash_id: str, *, etag: str | None = None) -> Result[Stash]:
        return self._one(f"{_ws(ws)}/stashes/{_seg(stash_id)}", {}, etag, Stash.from_dict)

    def _one(
        self,
        path: str,
        params: Params,
        etag: str | None,
        parse: Callable[[Mapping[str, Any]], T],
    ) -> Result[T]:
        raw = self.get(path, params=params, etag=etag)
        value = parse(raw.value) if raw.value is not None else None
        expanded = raw.value.get("expanded") if isinstance(raw.value, dict) else None
        return Result(raw.status_code, raw.headers, value, expanded or {})

    def _page(
        self,
        path: str,
        params: Params,
        parse: Callable[[Mapping[str, Any]], T],
    ) -> Page[T]:
        body = self.get(path, params=params).value
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise ApiError(200, "unexpected_answer", f"{path} did not answer a page")
        cursor = body.get("next_cursor")
        items = [parse(item) for item in body["data"]]
        return Page(
            items=items,
            next_cursor=cursor,
            has_more=bool(body.get("has_more", cursor is not None)),
            expanded=body.get("expanded") or {},
        )

    def _pages(
        self, path: str, params: Params, parse: Callable[[Mapping[str, Any]], T]
    ) -> Iterator[Page[T]]:
        query = dict(params)
        while True:
            page = self._page(path, query, parse)
            yield page
            if page.next_cursor is None:
                return
            query["cursor"] = page.next_cursor

    def _items(
        self, path: str, params: Params, parse: Callable[[Mapping[str, Any]], T]
    ) -> Iterator[T]:
        for page in self._pages(path, params, parse):
            yield from page.items


class EventFeed:
    """A workspace's events feed, iterated event by event (or page by page, :meth:`pages`).

    Without ``follow`` the iteration ends once the feed has nothing more (``has_more`` is
    false); with it, it asks again every ``poll_interval`` seconds, until ``stop`` is set or
    the loop is left.

    :attr:`cursor` is where to resume: keep it with your copy and pass it as ``after``
    next time (it is never None once a page was read). It moves past a page once every
    event of that page was handed out, so a loop left in the middle of a page gets that
    page again when resumed; applying an event twice leaves a copy as it was
    (docs/sync.md). A cursor older than the 30 days events are kept raises
    :class:`pirros.CursorExpiredError`.
    """

    def __init__(
        self,
        client: Client,
        ws: Id,
        *,
        after: str | None,
        types: Sequence[str] | str | None,
        limit: int | None,
        follow: bool,
        poll_interval: float,
        stop: threading.Event | None,
    ) -> None:
        self.cursor = after
        self._client = client
        self._path = f"{_ws(ws)}/events"
        joined = types if isinstance(types, str) or types is None else ",".join(types)
        self._params = {"types": joined, "limit": limit}
        self._follow = follow
        self._poll_interval = poll_interval
        self._stop = stop

    def __iter__(self) -> Iterator[Event]:
        for page in self.pages():
            yield from page.items

    def pages(self) -> Iterator[Page[Event]]:
        """The feed's pages; :attr:`cursor` moves to a page's ``next_cursor`` when the next
        one is asked for."""
        while True:
            page = self._client._page(
                self._path, {**self._params, "after": self.cursor}, Event.from_dict
            )
            yield page
            # An empty page still hands back where to ask again: the cursor never goes
            # back to None, so a caller may save it after any page.
            self.cursor = page.next_cursor or self.cursor
            if page.has_more:
                continue
            if not self._follow or self._stopped():
                return

    def _stopped(self) -> bool:
        if self._stop is not None:
            return self._stop.wait(self._poll_interval)
        time.sleep(self._poll_interval)
        return False


def _as_json(item: Mapping[str, Any]) -> dict[str, Any]:
    return dict(item)


def _ws(ws: Id) -> str:
    return f"/v1/workspaces/{_seg(ws)}"


def _seg(value: Id) -> str:
    text = quote(str(value), safe="")
    # `.` and `..` are valid ids, but as path segments URL resolution would drop them.
    return text.replace(".", "%2E") if text in (".", "..") else text


def _query(params: Params | None) -> dict[str, Any]:
    """Drops unset filters and writes values as the API reads them."""
    query: dict[str, Any] = {}
    for name, value in (params or {}).items():
        if value is None or (isinstance(value, (list, tuple)) and not value):
            continue
        if name == "include" and isinstance(value, (list, tuple)):
            # style=form, explode=false: one comma-separated value.
            query[name] = ",".join(value)
        elif isinstance(value, datetime):
            if value.tzinfo is None:
                # RFC 3339 needs an offset, and which one a naive time means is a guess.
                raise ValueError(f"{name} must be a timezone-aware datetime, got {value!r}")
            query[name] = value.isoformat()
        elif isinstance(value, bool):
            query[name] = "true" if value else "false"
        else:
            query[name] = value
    return query
