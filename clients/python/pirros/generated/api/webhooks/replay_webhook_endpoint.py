from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.cursor_expired_error import CursorExpiredError
from ...models.envelope_replayed import EnvelopeReplayed
from ...models.idempotency_conflict_error import IdempotencyConflictError
from ...models.insufficient_scope_error import InsufficientScopeError
from ...models.internal_error_error import InternalErrorError
from ...models.invalid_request_error import InvalidRequestError
from ...models.invalid_token_error import InvalidTokenError
from ...models.method_not_allowed_error import MethodNotAllowedError
from ...models.not_found_error import NotFoundError
from ...models.replay_type_0 import ReplayType0
from ...models.replay_type_1 import ReplayType1
from ...models.service_unavailable_error import ServiceUnavailableError
from ...models.too_many_requests_error import TooManyRequestsError
from ...types import UNSET, Response, Unset


def _get_kwargs(
    ws: UUID,
    id: str,
    *,
    body: ReplayType0 | ReplayType1,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/workspaces/{ws}/webhook-endpoints/{id}/replay".format(
            ws=quote(str(ws), safe=""),
            id=quote(str(id), safe=""),
        ),
    }

    if isinstance(body, ReplayType0):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    CursorExpiredError
    | EnvelopeReplayed
    | IdempotencyConflictError
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | TooManyRequestsError
    | None
):
    if response.status_code == 202:
        response_202 = EnvelopeReplayed.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = InvalidRequestError.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = InvalidTokenError.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = InsufficientScopeError.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = NotFoundError.from_dict(response.json())

        return response_404

    if response.status_code == 405:
        response_405 = MethodNotAllowedError.from_dict(response.json())

        return response_405

    if response.status_code == 409:
        response_409 = IdempotencyConflictError.from_dict(response.json())

        return response_409

    if response.status_code == 410:
        response_410 = CursorExpiredError.from_dict(response.json())

        return response_410

    if response.status_code == 429:
        response_429 = TooManyRequestsError.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = InternalErrorError.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = ServiceUnavailableError.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    CursorExpiredError
    | EnvelopeReplayed
    | IdempotencyConflictError
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | TooManyRequestsError
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    ws: UUID,
    id: str,
    *,
    client: AuthenticatedClient,
    body: ReplayType0 | ReplayType1,
    idempotency_key: str | Unset = UNSET,
) -> Response[
    CursorExpiredError
    | EnvelopeReplayed
    | IdempotencyConflictError
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | TooManyRequestsError
]:
    """Replay events to an endpoint

     Queues a new delivery of each event after `after` (a cursor of the events feed, as
    `GET .../events` or a snapshot gives it), or of each event named in `event_ids` (at
    most 100), that the endpoint takes and that your credential may see now; at most 1000
    per call. Each keeps its event's id as `webhook-id`, so receivers that dedupe by it
    see no event twice. `Idempotency-Key`: a retry with the same key and body gets the
    first answer and queues nothing more.

    Args:
        ws (UUID):
        id (str):
        idempotency_key (str | Unset):
        body (ReplayType0 | ReplayType1): What to deliver again: the events after a feed cursor,
            or some events by id.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CursorExpiredError | EnvelopeReplayed | IdempotencyConflictError | InsufficientScopeError | InternalErrorError | InvalidRequestError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError]
    """

    kwargs = _get_kwargs(
        ws=ws,
        id=id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    ws: UUID,
    id: str,
    *,
    client: AuthenticatedClient,
    body: ReplayType0 | ReplayType1,
    idempotency_key: str | Unset = UNSET,
) -> (
    CursorExpiredError
    | EnvelopeReplayed
    | IdempotencyConflictError
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | TooManyRequestsError
    | None
):
    """Replay events to an endpoint

     Queues a new delivery of each event after `after` (a cursor of the events feed, as
    `GET .../events` or a snapshot gives it), or of each event named in `event_ids` (at
    most 100), that the endpoint takes and that your credential may see now; at most 1000
    per call. Each keeps its event's id as `webhook-id`, so receivers that dedupe by it
    see no event twice. `Idempotency-Key`: a retry with the same key and body gets the
    first answer and queues nothing more.

    Args:
        ws (UUID):
        id (str):
        idempotency_key (str | Unset):
        body (ReplayType0 | ReplayType1): What to deliver again: the events after a feed cursor,
            or some events by id.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CursorExpiredError | EnvelopeReplayed | IdempotencyConflictError | InsufficientScopeError | InternalErrorError | InvalidRequestError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError
    """

    return sync_detailed(
        ws=ws,
        id=id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    ws: UUID,
    id: str,
    *,
    client: AuthenticatedClient,
    body: ReplayType0 | ReplayType1,
    idempotency_key: str | Unset = UNSET,
) -> Response[
    CursorExpiredError
    | EnvelopeReplayed
    | IdempotencyConflictError
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | TooManyRequestsError
]:
    """Replay events to an endpoint

     Queues a new delivery of each event after `after` (a cursor of the events feed, as
    `GET .../events` or a snapshot gives it), or of each event named in `event_ids` (at
    most 100), that the endpoint takes and that your credential may see now; at most 1000
    per call. Each keeps its event's id as `webhook-id`, so receivers that dedupe by it
    see no event twice. `Idempotency-Key`: a retry with the same key and body gets the
    first answer and queues nothing more.

    Args:
        ws (UUID):
        id (str):
        idempotency_key (str | Unset):
        body (ReplayType0 | ReplayType1): What to deliver again: the events after a feed cursor,
            or some events by id.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CursorExpiredError | EnvelopeReplayed | IdempotencyConflictError | InsufficientScopeError | InternalErrorError | InvalidRequestError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError]
    """

    kwargs = _get_kwargs(
        ws=ws,
        id=id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    ws: UUID,
    id: str,
    *,
    client: AuthenticatedClient,
    body: ReplayType0 | ReplayType1,
    idempotency_key: str | Unset = UNSET,
) -> (
    CursorExpiredError
    | EnvelopeReplayed
    | IdempotencyConflictError
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | TooManyRequestsError
    | None
):
    """Replay events to an endpoint

     Queues a new delivery of each event after `after` (a cursor of the events feed, as
    `GET .../events` or a snapshot gives it), or of each event named in `event_ids` (at
    most 100), that the endpoint takes and that your credential may see now; at most 1000
    per call. Each keeps its event's id as `webhook-id`, so receivers that dedupe by it
    see no event twice. `Idempotency-Key`: a retry with the same key and body gets the
    first answer and queues nothing more.

    Args:
        ws (UUID):
        id (str):
        idempotency_key (str | Unset):
        body (ReplayType0 | ReplayType1): What to deliver again: the events after a feed cursor,
            or some events by id.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CursorExpiredError | EnvelopeReplayed | IdempotencyConflictError | InsufficientScopeError | InternalErrorError | InvalidRequestError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError
    """

    return (
        await asyncio_detailed(
            ws=ws,
            id=id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
