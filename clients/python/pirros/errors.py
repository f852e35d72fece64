"""The exceptions the SDK raises. Every one is a :class:`PirrosError`."""

from __future__ import annotations

from typing import Any

import httpx

__all__ = [
    "ApiError",
    "AuthenticationError",
    "CursorExpiredError",
    "PirrosError",
    "RetryError",
    "WebhookVerificationError",
]


class PirrosError(Exception):
    """Base class of the SDK's exceptions."""


class ApiError(PirrosError):
    """The API answered a status the call cannot go on from (4xx or 5xx).

    ``code`` is the machine-readable ``error.code`` of a ``/v1`` answer, or the flat
    ``error`` of ``/oauth/token`` and of 429 answers (RFC 6749's shape); ``details`` is
    ``error.details`` when the API gave one (``{"field": ...}`` names the faulty input).
    """

    def __init__(
        self,
        status_code: int,
        code: str,
        message: str,
        *,
        details: Any = None,
        request_id: str | None = None,
    ) -> None:
        self.status_code = status_code
        self.code = code
        self.message = message
        self.details = details
        self.request_id = request_id
        where = f" (request id {request_id})" if request_id else ""
        super().__init__(f"{status_code} {code}: {message}{where}")

    @classmethod
    def from_response(cls, response: httpx.Response) -> ApiError:
        """The error an answer describes, as the most specific subclass that fits."""
        code, message, details, request_id = _describe(response)
        kind: type[ApiError] = cls
        if cls is ApiError:
            if response.status_code == 410 and code == "cursor_expired":
                kind = CursorExpiredError
            elif response.status_code == 401:
                kind = AuthenticationError
        return kind(response.status_code, code, message, details=details, request_id=request_id)


class AuthenticationError(ApiError):
    """No token could be had (``invalid_client``: a wrong or revoked secret), or the API
    refused a fresh one too (the credential was revoked or regenerated)."""


class CursorExpiredError(ApiError):
    """410 ``cursor_expired``: the events after this cursor are no longer kept (30 days).
    Build the copy again from a snapshot (docs/sync.md)."""


class RetryError(PirrosError):
    """The API asked to wait (429 or 503) longer than ``max_retry_wait`` allows, or still
    did after ``max_attempts`` attempts; the request was not sent again."""

    def __init__(
        self,
        status_code: int,
        *,
        retry_after: float | None,
        attempts: int,
        max_retry_wait: float,
        max_attempts: int,
        request: str,
        request_id: str | None,
        code: str,
    ) -> None:
        self.status_code = status_code
        self.retry_after = retry_after
        self.attempts = attempts
        self.request_id = request_id
        self.code = code
        if retry_after is not None and retry_after > max_retry_wait:
            why = f"Retry-After {retry_after:g} s is more than max_retry_wait={max_retry_wait:g} s"
        else:
            why = f"still {status_code} after max_attempts={max_attempts} attempts"
        where = f", request id {request_id}" if request_id else ""
        super().__init__(f"gave up on {request}: {status_code} {code}, {why}{where}")


class WebhookVerificationError(PirrosError):
    """A webhook delivery's signature, id or timestamp does not check out: do not trust
    its body (answer 400)."""


def _describe(response: httpx.Response) -> tuple[str, str, Any, str | None]:
    """(code, message, details, request id) of an error answer in either of its shapes."""
    request_id = response.headers.get("x-request-id")
    code = f"http_{response.status_code}"
    message = response.reason_phrase or "error"
    details: Any = None
    try:
        body = response.json()
    except ValueError:
        return code, message, details, request_id
    if not isinstance(body, dict):
        return code, message, details, request_id
    error = body.get("error")
    if isinstance(error, dict):
        # /v1: {"error": {"code", "message", "details"?}, "meta": {"request_id"}}
        code = str(error.get("code", code))
        message = str(error.get("message", message))
        details = error.get("details")
        meta = body.get("meta")
        if isinstance(meta, dict) and meta.get("request_id"):
            request_id = str(meta["request_id"])
    elif isinstance(error, str):
        # /oauth/token and 429: {"error", "error_description", "request_id"?}
        code = error
        message = str(body.get("error_description", message))
        if body.get("request_id"):
            request_id = str(body["request_id"])
    return code, message, details, request_id
