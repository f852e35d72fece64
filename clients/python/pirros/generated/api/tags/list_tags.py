from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.envelope_list_page_tag_no_expansions import (
    EnvelopeListPageTagNoExpansions,
)
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
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/workspaces/{ws}/tags".format(
            ws=quote(str(ws), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    EnvelopeListPageTagNoExpansions
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
        response_200 = EnvelopeListPageTagNoExpansions.from_dict(response.json())

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
    EnvelopeListPageTagNoExpansions
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
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
) -> Response[
    EnvelopeListPageTagNoExpansions
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | TooManyRequestsError
]:
    """List tags

     Every tag the caller may read in the workspace, sorted by name, in one response of at
    most 500: tags are never paged, so `next_cursor` is always `null`. `limit` is taken as on
    every list (1 to 100, else 400), so a client that sends it everywhere works here, but the
    page holds every tag whatever it says; no cursor is ever issued, so a `cursor` is 400.

    Args:
        ws (UUID):
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EnvelopeListPageTagNoExpansions | InsufficientScopeError | InternalErrorError | InvalidRequestError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError]
    """

    kwargs = _get_kwargs(
        ws=ws,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    ws: UUID,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
) -> (
    EnvelopeListPageTagNoExpansions
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
    """List tags

     Every tag the caller may read in the workspace, sorted by name, in one response of at
    most 500: tags are never paged, so `next_cursor` is always `null`. `limit` is taken as on
    every list (1 to 100, else 400), so a client that sends it everywhere works here, but the
    page holds every tag whatever it says; no cursor is ever issued, so a `cursor` is 400.

    Args:
        ws (UUID):
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EnvelopeListPageTagNoExpansions | InsufficientScopeError | InternalErrorError | InvalidRequestError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError
    """

    return sync_detailed(
        ws=ws,
        client=client,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    ws: UUID,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
) -> Response[
    EnvelopeListPageTagNoExpansions
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | TooManyRequestsError
]:
    """List tags

     Every tag the caller may read in the workspace, sorted by name, in one response of at
    most 500: tags are never paged, so `next_cursor` is always `null`. `limit` is taken as on
    every list (1 to 100, else 400), so a client that sends it everywhere works here, but the
    page holds every tag whatever it says; no cursor is ever issued, so a `cursor` is 400.

    Args:
        ws (UUID):
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EnvelopeListPageTagNoExpansions | InsufficientScopeError | InternalErrorError | InvalidRequestError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError]
    """

    kwargs = _get_kwargs(
        ws=ws,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    ws: UUID,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
) -> (
    EnvelopeListPageTagNoExpansions
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
    """List tags

     Every tag the caller may read in the workspace, sorted by name, in one response of at
    most 500: tags are never paged, so `next_cursor` is always `null`. `limit` is taken as on
    every list (1 to 100, else 400), so a client that sends it everywhere works here, but the
    page holds every tag whatever it says; no cursor is ever issued, so a `cursor` is 400.

    Args:
        ws (UUID):
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EnvelopeListPageTagNoExpansions | InsufficientScopeError | InternalErrorError | InvalidRequestError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError
    """

    return (
        await asyncio_detailed(
            ws=ws,
            client=client,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
