from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.cursor_expired_error import CursorExpiredError
from ...models.envelope_event_page import EnvelopeEventPage
from ...models.insufficient_scope_error import InsufficientScopeError
from ...models.internal_error_error import InternalErrorError
from ...models.invalid_request_error import InvalidRequestError
from ...models.invalid_token_error import InvalidTokenError
from ...models.method_not_allowed_error import MethodNotAllowedError
from ...models.not_found_error import NotFoundError
from ...models.service_unavailable_error import ServiceUnavailableError
from ...models.too_many_requests_error import TooManyRequestsError
from ...types import UNSET, Response, Unset


def _get_kwargs(
    ws: UUID,
    *,
    after: str | Unset = UNSET,
    types: str | Unset = UNSET,
    limit: int | Unset = 25,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["after"] = after

    params["types"] = types

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/workspaces/{ws}/events".format(
            ws=quote(str(ws), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    CursorExpiredError
    | EnvelopeEventPage
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
    if response.status_code == 200:
        response_200 = EnvelopeEventPage.from_dict(response.json())

        return response_200

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
    | EnvelopeEventPage
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
    *,
    client: AuthenticatedClient,
    after: str | Unset = UNSET,
    types: str | Unset = UNSET,
    limit: int | Unset = 25,
) -> Response[
    CursorExpiredError
    | EnvelopeEventPage
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | TooManyRequestsError
]:
    """List events

     What changed in the workspace, oldest first: every event you may see exactly once, in
    `sequence` order, also while others write. Each event is shown as your grants see the
    resource before and after the change: an update that takes a resource out of your view
    is shown as `<type>.removed` with `reason: "access"`; one that brings it in, as the
    update it is. Job events are shown to the job's creator, `access.changed` to the
    credential whose grants changed (rebuild your copy then). Follow `next_cursor` (never
    null) as `after`; when `data` is empty, wait and ask again with it. Events are kept 30
    days: an older cursor is 410 `cursor_expired`. Needs a read grant of any kind in the
    workspace.

    Args:
        ws (UUID):
        after (str | Unset):
        types (str | Unset):
        limit (int | Unset):  Default: 25.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CursorExpiredError | EnvelopeEventPage | InsufficientScopeError | InternalErrorError | InvalidRequestError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError]
    """

    kwargs = _get_kwargs(
        ws=ws,
        after=after,
        types=types,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    ws: UUID,
    *,
    client: AuthenticatedClient,
    after: str | Unset = UNSET,
    types: str | Unset = UNSET,
    limit: int | Unset = 25,
) -> (
    CursorExpiredError
    | EnvelopeEventPage
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
    """List events

     What changed in the workspace, oldest first: every event you may see exactly once, in
    `sequence` order, also while others write. Each event is shown as your grants see the
    resource before and after the change: an update that takes a resource out of your view
    is shown as `<type>.removed` with `reason: "access"`; one that brings it in, as the
    update it is. Job events are shown to the job's creator, `access.changed` to the
    credential whose grants changed (rebuild your copy then). Follow `next_cursor` (never
    null) as `after`; when `data` is empty, wait and ask again with it. Events are kept 30
    days: an older cursor is 410 `cursor_expired`. Needs a read grant of any kind in the
    workspace.

    Args:
        ws (UUID):
        after (str | Unset):
        types (str | Unset):
        limit (int | Unset):  Default: 25.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CursorExpiredError | EnvelopeEventPage | InsufficientScopeError | InternalErrorError | InvalidRequestError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError
    """

    return sync_detailed(
        ws=ws,
        client=client,
        after=after,
        types=types,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    ws: UUID,
    *,
    client: AuthenticatedClient,
    after: str | Unset = UNSET,
    types: str | Unset = UNSET,
    limit: int | Unset = 25,
) -> Response[
    CursorExpiredError
    | EnvelopeEventPage
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | TooManyRequestsError
]:
    """List events

     What changed in the workspace, oldest first: every event you may see exactly once, in
    `sequence` order, also while others write. Each event is shown as your grants see the
    resource before and after the change: an update that takes a resource out of your view
    is shown as `<type>.removed` with `reason: "access"`; one that brings it in, as the
    update it is. Job events are shown to the job's creator, `access.changed` to the
    credential whose grants changed (rebuild your copy then). Follow `next_cursor` (never
    null) as `after`; when `data` is empty, wait and ask again with it. Events are kept 30
    days: an older cursor is 410 `cursor_expired`. Needs a read grant of any kind in the
    workspace.

    Args:
        ws (UUID):
        after (str | Unset):
        types (str | Unset):
        limit (int | Unset):  Default: 25.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CursorExpiredError | EnvelopeEventPage | InsufficientScopeError | InternalErrorError | InvalidRequestError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError]
    """

    kwargs = _get_kwargs(
        ws=ws,
        after=after,
        types=types,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    ws: UUID,
    *,
    client: AuthenticatedClient,
    after: str | Unset = UNSET,
    types: str | Unset = UNSET,
    limit: int | Unset = 25,
) -> (
    CursorExpiredError
    | EnvelopeEventPage
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
    """List events

     What changed in the workspace, oldest first: every event you may see exactly once, in
    `sequence` order, also while others write. Each event is shown as your grants see the
    resource before and after the change: an update that takes a resource out of your view
    is shown as `<type>.removed` with `reason: "access"`; one that brings it in, as the
    update it is. Job events are shown to the job's creator, `access.changed` to the
    credential whose grants changed (rebuild your copy then). Follow `next_cursor` (never
    null) as `after`; when `data` is empty, wait and ask again with it. Events are kept 30
    days: an older cursor is 410 `cursor_expired`. Needs a read grant of any kind in the
    workspace.

    Args:
        ws (UUID):
        after (str | Unset):
        types (str | Unset):
        limit (int | Unset):  Default: 25.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CursorExpiredError | EnvelopeEventPage | InsufficientScopeError | InternalErrorError | InvalidRequestError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError
    """

    return (
        await asyncio_detailed(
            ws=ws,
            client=client,
            after=after,
            types=types,
            limit=limit,
        )
    ).parsed
