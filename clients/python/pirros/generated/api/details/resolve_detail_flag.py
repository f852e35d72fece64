from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.envelope_resource_flag_no_expansions import (
    EnvelopeResourceFlagNoExpansions,
)
from ...models.insufficient_scope_error import InsufficientScopeError
from ...models.internal_error_error import InternalErrorError
from ...models.invalid_request_error import InvalidRequestError
from ...models.invalid_token_error import InvalidTokenError
from ...models.method_not_allowed_error import MethodNotAllowedError
from ...models.not_found_error import NotFoundError
from ...models.resolve_flag import ResolveFlag
from ...models.service_unavailable_error import ServiceUnavailableError
from ...models.stale_precondition_error import StalePreconditionError
from ...models.too_many_requests_error import TooManyRequestsError
from ...types import UNSET, Response, Unset


def _get_kwargs(
    ws: UUID,
    id: str,
    flag_id: str,
    *,
    body: ResolveFlag,
    if_match: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/workspaces/{ws}/details/{id}/flags/{flag_id}".format(
            ws=quote(str(ws), safe=""),
            id=quote(str(id), safe=""),
            flag_id=quote(str(flag_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    EnvelopeResourceFlagNoExpansions
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | StalePreconditionError
    | TooManyRequestsError
    | None
):
    if response.status_code == 200:
        response_200 = EnvelopeResourceFlagNoExpansions.from_dict(response.json())

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

    if response.status_code == 409:
        response_409 = StalePreconditionError.from_dict(response.json())

        return response_409

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
    EnvelopeResourceFlagNoExpansions
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | StalePreconditionError
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
    flag_id: str,
    *,
    client: AuthenticatedClient,
    body: ResolveFlag,
    if_match: str | Unset = UNSET,
) -> Response[
    EnvelopeResourceFlagNoExpansions
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | StalePreconditionError
    | TooManyRequestsError
]:
    """Resolve a flag

     Marks a flag `resolved` (with an optional `resolution_note`); the detail's
    `open_flags` counts it no more. Resolving a resolved flag changes nothing, unless a
    different `resolution_note` is sent, which replaces the note (and is a `flag.resolved`
    event again). With `If-Match` the
    update applies only if the flag is still at that version (else 409
    `stale_precondition`). Needs a write grant on details covering the detail.

    Args:
        ws (UUID):
        id (str):
        flag_id (str):
        if_match (str | Unset):
        body (ResolveFlag): The body of a flag update. Unknown fields are a 400.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EnvelopeResourceFlagNoExpansions | InsufficientScopeError | InternalErrorError | InvalidRequestError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | StalePreconditionError | TooManyRequestsError]
    """

    kwargs = _get_kwargs(
        ws=ws,
        id=id,
        flag_id=flag_id,
        body=body,
        if_match=if_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    ws: UUID,
    id: str,
    flag_id: str,
    *,
    client: AuthenticatedClient,
    body: ResolveFlag,
    if_match: str | Unset = UNSET,
) -> (
    EnvelopeResourceFlagNoExpansions
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | StalePreconditionError
    | TooManyRequestsError
    | None
):
    """Resolve a flag

     Marks a flag `resolved` (with an optional `resolution_note`); the detail's
    `open_flags` counts it no more. Resolving a resolved flag changes nothing, unless a
    different `resolution_note` is sent, which replaces the note (and is a `flag.resolved`
    event again). With `If-Match` the
    update applies only if the flag is still at that version (else 409
    `stale_precondition`). Needs a write grant on details covering the detail.

    Args:
        ws (UUID):
        id (str):
        flag_id (str):
        if_match (str | Unset):
        body (ResolveFlag): The body of a flag update. Unknown fields are a 400.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EnvelopeResourceFlagNoExpansions | InsufficientScopeError | InternalErrorError | InvalidRequestError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | StalePreconditionError | TooManyRequestsError
    """

    return sync_detailed(
        ws=ws,
        id=id,
        flag_id=flag_id,
        client=client,
        body=body,
        if_match=if_match,
    ).parsed


async def asyncio_detailed(
    ws: UUID,
    id: str,
    flag_id: str,
    *,
    client: AuthenticatedClient,
    body: ResolveFlag,
    if_match: str | Unset = UNSET,
) -> Response[
    EnvelopeResourceFlagNoExpansions
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | StalePreconditionError
    | TooManyRequestsError
]:
    """Resolve a flag

     Marks a flag `resolved` (with an optional `resolution_note`); the detail's
    `open_flags` counts it no more. Resolving a resolved flag changes nothing, unless a
    different `resolution_note` is sent, which replaces the note (and is a `flag.resolved`
    event again). With `If-Match` the
    update applies only if the flag is still at that version (else 409
    `stale_precondition`). Needs a write grant on details covering the detail.

    Args:
        ws (UUID):
        id (str):
        flag_id (str):
        if_match (str | Unset):
        body (ResolveFlag): The body of a flag update. Unknown fields are a 400.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EnvelopeResourceFlagNoExpansions | InsufficientScopeError | InternalErrorError | InvalidRequestError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | StalePreconditionError | TooManyRequestsError]
    """

    kwargs = _get_kwargs(
        ws=ws,
        id=id,
        flag_id=flag_id,
        body=body,
        if_match=if_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    ws: UUID,
    id: str,
    flag_id: str,
    *,
    client: AuthenticatedClient,
    body: ResolveFlag,
    if_match: str | Unset = UNSET,
) -> (
    EnvelopeResourceFlagNoExpansions
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | StalePreconditionError
    | TooManyRequestsError
    | None
):
    """Resolve a flag

     Marks a flag `resolved` (with an optional `resolution_note`); the detail's
    `open_flags` counts it no more. Resolving a resolved flag changes nothing, unless a
    different `resolution_note` is sent, which replaces the note (and is a `flag.resolved`
    event again). With `If-Match` the
    update applies only if the flag is still at that version (else 409
    `stale_precondition`). Needs a write grant on details covering the detail.

    Args:
        ws (UUID):
        id (str):
        flag_id (str):
        if_match (str | Unset):
        body (ResolveFlag): The body of a flag update. Unknown fields are a 400.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EnvelopeResourceFlagNoExpansions | InsufficientScopeError | InternalErrorError | InvalidRequestError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | StalePreconditionError | TooManyRequestsError
    """

    return (
        await asyncio_detailed(
            ws=ws,
            id=id,
            flag_id=flag_id,
            client=client,
            body=body,
            if_match=if_match,
        )
    ).parsed
