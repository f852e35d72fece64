from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.envelope_list_page_family_version_no_expansions import (
    EnvelopeListPageFamilyVersionNoExpansions,
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
    id: str,
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
        "url": "/v1/workspaces/{ws}/families/{id}/versions".format(
            ws=quote(str(ws), safe=""),
            id=quote(str(id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    EnvelopeListPageFamilyVersionNoExpansions
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
        response_200 = EnvelopeListPageFamilyVersionNoExpansions.from_dict(
            response.json()
        )

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
    EnvelopeListPageFamilyVersionNoExpansions
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
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
) -> Response[
    EnvelopeListPageFamilyVersionNoExpansions
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | TooManyRequestsError
]:
    """A family's versions

     Every version of the family, newest first: its file (`null` when it had none), the
    uploader's note, who uploaded it (`null` for an imported version) and when. Paged with
    `limit` and `cursor`. Without a read grant on families in this workspace the answer is
    403 `insufficient_scope`; a family that doesn't exist, or that your grants don't cover,
    is 404. Download a version's file with `GET .../families/{id}/rfa?version=N`.

    Args:
        ws (UUID):
        id (str):
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EnvelopeListPageFamilyVersionNoExpansions | InsufficientScopeError | InternalErrorError | InvalidRequestError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError]
    """

    kwargs = _get_kwargs(
        ws=ws,
        id=id,
        limit=limit,
        cursor=cursor,
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
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
) -> (
    EnvelopeListPageFamilyVersionNoExpansions
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
    """A family's versions

     Every version of the family, newest first: its file (`null` when it had none), the
    uploader's note, who uploaded it (`null` for an imported version) and when. Paged with
    `limit` and `cursor`. Without a read grant on families in this workspace the answer is
    403 `insufficient_scope`; a family that doesn't exist, or that your grants don't cover,
    is 404. Download a version's file with `GET .../families/{id}/rfa?version=N`.

    Args:
        ws (UUID):
        id (str):
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EnvelopeListPageFamilyVersionNoExpansions | InsufficientScopeError | InternalErrorError | InvalidRequestError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError
    """

    return sync_detailed(
        ws=ws,
        id=id,
        client=client,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    ws: UUID,
    id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
) -> Response[
    EnvelopeListPageFamilyVersionNoExpansions
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | TooManyRequestsError
]:
    """A family's versions

     Every version of the family, newest first: its file (`null` when it had none), the
    uploader's note, who uploaded it (`null` for an imported version) and when. Paged with
    `limit` and `cursor`. Without a read grant on families in this workspace the answer is
    403 `insufficient_scope`; a family that doesn't exist, or that your grants don't cover,
    is 404. Download a version's file with `GET .../families/{id}/rfa?version=N`.

    Args:
        ws (UUID):
        id (str):
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EnvelopeListPageFamilyVersionNoExpansions | InsufficientScopeError | InternalErrorError | InvalidRequestError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError]
    """

    kwargs = _get_kwargs(
        ws=ws,
        id=id,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    ws: UUID,
    id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
) -> (
    EnvelopeListPageFamilyVersionNoExpansions
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
    """A family's versions

     Every version of the family, newest first: its file (`null` when it had none), the
    uploader's note, who uploaded it (`null` for an imported version) and when. Paged with
    `limit` and `cursor`. Without a read grant on families in this workspace the answer is
    403 `insufficient_scope`; a family that doesn't exist, or that your grants don't cover,
    is 404. Download a version's file with `GET .../families/{id}/rfa?version=N`.

    Args:
        ws (UUID):
        id (str):
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EnvelopeListPageFamilyVersionNoExpansions | InsufficientScopeError | InternalErrorError | InvalidRequestError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError
    """

    return (
        await asyncio_detailed(
            ws=ws,
            id=id,
            client=client,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
