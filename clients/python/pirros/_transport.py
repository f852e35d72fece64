"""What every request of a :class:`pirros.Client` goes through, the generated client's
included: a token kept fresh, an ``Idempotency-Key`` on each POST, and waiting when the
API says so (``Retry-After`` on 429 and 503, docs/sync.md "Waiting when asked").

It is an httpx transport rather than code around each call so that the generated
operations, which only know an ``httpx.Client``, get the same behaviour for free.
"""

from __future__ import annotations

import email.utils
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from .errors import ApiError, AuthenticationError, RetryError, _describe

__all__ = ["ApiTransport", "RetryPolicy", "TokenManager"]

WAIT_STATUSES = frozenset({429, 503})


@dataclass(frozen=True)
class RetryPolicy:
    """How long the SDK waits when the API asks it to.

    ``max_retry_wait``: the longest single ``Retry-After`` it honours, in seconds; a longer
    one raises :class:`pirros.RetryError` at once rather than stalling the caller.
    ``max_attempts``: how many times one request is sent in all.
    """

    max_retry_wait: float = 60.0
    max_attempts: int = 5


def retry_after_seconds(response: httpx.Response) -> float | None:
    """``Retry-After`` in seconds (it may be delta-seconds or an HTTP date), else None."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def send_with_waits(
    send: Callable[[], httpx.Response],
    request: httpx.Request,
    policy: RetryPolicy,
    sleep: Callable[[float], None],
) -> httpx.Response:
    """Sends until the answer is neither 429 nor 503, waiting as told between attempts."""
    attempt = 1
    while True:
        response = send()
        if response.status_code not in WAIT_STATUSES:
            return response
        wait = retry_after_seconds(response)
        # Without Retry-After (a proxy's 503, say), back off 1, 2, 4 ... seconds.
        delay = wait if wait is not None else min(2.0 ** (attempt - 1), policy.max_retry_wait)
        if delay > policy.max_retry_wait or attempt >= policy.max_attempts:
            response.read()
            code, _, _, request_id = _describe(response)
            response.close()
            raise RetryError(
                response.status_code,
                retry_after=wait,
                attempts=attempt,
                max_retry_wait=policy.max_retry_wait,
                max_attempts=policy.max_attempts,
                request=f"{request.method} {request.url.path}",
                request_id=request_id,
                code=code,
            )
        response.close()
        sleep(delay)
        attempt += 1


class TokenManager:
    """A client-credentials token, fetched on first use and again before it runs out.

    A new token is fetched ``renew_margin`` seconds before ``expires_in`` ends (at most a
    tenth of the lifetime, so short-lived tokens are still used), or when the API refused
    the current one. Threads share one token; only one of them fetches at a time.
    """

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        transport: httpx.BaseTransport,
        policy: RetryPolicy,
        sleep: Callable[[float], None] = time.sleep,
        renew_margin: float = 60.0,
        timeout: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._token_url = token_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._transport = transport
        self._policy = policy
        self._sleep = sleep
        self._renew_margin = renew_margin
        self._timeout = httpx.Timeout(timeout)
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._renew_at = 0.0
        self._fetches = 0

    @property
    def fetches(self) -> int:
        """How many tokens were fetched so far."""
        return self._fetches

    def token(self) -> str:
        """A token that is valid now."""
        with self._lock:
            if self._token is None or self._clock() >= self._renew_at:
                self._fetch()
            assert self._token is not None
            return self._token

    def invalidate(self, token: str) -> None:
        """Forget ``token`` because the API refused it; the next :meth:`token` fetches.

        Only if it is still the current one: threads that all saw the same 401 cause a
        single fetch, not one each.
        """
        with self._lock:
            if self._token == token:
                self._token = None

    def _fetch(self) -> None:
        request = httpx.Request(
            "POST",
            self._token_url,
            json={
                "grant_type": "client_credentials",
                "client_id": self._client_id,
                "client_secret": self._client_secret,
            },
            # Sent on the bare transport, which has no default timeout of its own.
            extensions={"timeout": self._timeout.as_dict()},
        )
        started = self._clock()
        response = send_with_waits(
            lambda: self._transport.handle_request(request), request, self._policy, self._sleep
        )
        response.read()
        self._fetches += 1
        if response.status_code != 200:
            error = ApiError.from_response(response)
            raise AuthenticationError(
                error.status_code,
                error.code,
                f"no token for client {self._client_id!r}: {error.message}",
                details=error.details,
                request_id=error.request_id,
            )
        body = response.json()
        expires_in = float(body["expires_in"])
        self._token = str(body["access_token"])
        # From the time the request left: the token's lifetime started no earlier.
        self._renew_at = started + expires_in - min(self._renew_margin, expires_in / 10)


def _refused_token(response: httpx.Response) -> bool:
    # The header says why without reading the body (which a streamed answer would need).
    challenge = response.headers.get("www-authenticate", "")
    return response.status_code == 401 and "invalid_token" in challenge


class ApiTransport(httpx.BaseTransport):
    """Authorises, keys and re-sends the requests of one :class:`pirros.Client`."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        tokens: TokenManager,
        policy: RetryPolicy,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._inner = inner
        self._tokens = tokens
        self._policy = policy
        self._sleep = sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        # Set once, before any attempt, so that every re-send of this POST (after a 429, a
        # 503 or a refused token) carries the same key and the API applies it only once.
        if request.method == "POST" and "idempotency-key" not in request.headers:
            request.headers["Idempotency-Key"] = str(uuid.uuid4())
        # The body is sent again on a retry: keep it in memory rather than as a one-shot stream.
        request.read()
        return send_with_waits(
            lambda: self._send_authorised(request), request, self._policy, self._sleep
        )

    def _send_authorised(self, request: httpx.Request) -> httpx.Response:
        token = self._tokens.token()
        request.headers["Authorization"] = f"Bearer {token}"
        response = self._inner.handle_request(request)
        if not _refused_token(response):
            return response
        # Expired early, or the secret was rolled: one new token, one more try. A second
        # 401 is the caller's (a revoked credential) and is returned as it is.
        response.close()
        self._tokens.invalidate(token)
        request.headers["Authorization"] = f"Bearer {self._tokens.token()}"
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()
