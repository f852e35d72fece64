from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.envelope_list_page_scored_family_expanded import (
    EnvelopeListPageScoredFamilyExpanded,
)
from ...models.include_value import IncludeValue
from ...models.internal_error_error import InternalErrorError
from ...models.invalid_request_or_invalid_include_param_error import (
    InvalidRequestOrInvalidIncludeParamError,
)
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
    limit: int | Unset = 10,
    include: list[IncludeValue] | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_include: list[str] | Unset = UNSET
    if not isinstance(include, Unset):
        json_include = []
        for include_item_data in include:
            include_item: str = include_item_data
            json_include.append(include_item)

    params["include"] = json_include

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/workspaces/{ws}/families/{id}/similar".format(
            ws=quote(str(ws), safe=""),
            id=quote(str(id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    EnvelopeListPageScoredFamilyExpanded
    | InternalErrorError
    | InvalidRequestOrInvalidIncludeParamError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | TooManyRequestsError
    | None
):
    if response.status_code == 200:
        response_200 = EnvelopeListPageScoredFamilyExpanded.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = InvalidRequestOrInvalidIncludeParamError.from_dict(
            response.json()
        )

        return response_400

    if response.status_code == 401:
        response_401 = InvalidTokenError.from_dict(response.json())

        return response_401

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
    EnvelopeListPageScoredFamilyExpanded
    | InternalErrorError
    | InvalidRequestOrInvalidIncludeParamError
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
    limit: int | Unset = 10,
    include: list[IncludeValue] | Unset = UNSET,
) -> Response[
    EnvelopeListPageScoredFamilyExpanded
    | InternalErrorError
    | InvalidRequestOrInvalidIncludeParamError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | TooManyRequestsError
]:
    """Similar families

     The families of the workspace you may read that are most like this one, by descending
    `score` (0 to 1: shared tags, same category, shared name words); only those with a
    score above 0. One page: `next_cursor` is always `null`. Like the family itself, a
    family that doesn't exist or your grants don't cover is 404 `not_found`.

    Args:
        ws (UUID):
        id (str):
        limit (int | Unset):  Default: 10.
        include (list[IncludeValue] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EnvelopeListPageScoredFamilyExpanded | InternalErrorError | InvalidRequestOrInvalidIncludeParamError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError]
    """

    kwargs = _get_kwargs(
        ws=ws,
        id=id,
        limit=limit,
        include=include,
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
    limit: int | Unset = 10,
    include: list[IncludeValue] | Unset = UNSET,
) -> (
    EnvelopeListPageScoredFamilyExpanded
    | InternalErrorError
    | InvalidRequestOrInvalidIncludeParamError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | TooManyRequestsError
    | None
):
    """Similar families

     The families of the workspace you may read that are most like this one, by descending
    `score` (0 to 1: shared tags, same category, shared name words); only those with a
    score above 0. One page: `next_cursor` is always `null`. Like the family itself, a
    family that doesn't exist or your grants don't cover is 404 `not_found`.

    Args:
        ws (UUID):
        id (str):
        limit (int | Unset):  Default: 10.
        include (list[IncludeValue] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EnvelopeListPageScoredFamilyExpanded | InternalErrorError | InvalidRequestOrInvalidIncludeParamError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError
    """

    return sync_detailed(
        ws=ws,
        id=id,
        client=client,
        limit=limit,
        include=include,
    ).parsed


async def asyncio_detailed(
    ws: UUID,
    id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 10,
    include: list[IncludeValue] | Unset = UNSET,
) -> Response[
    EnvelopeListPageScoredFamilyExpanded
    | InternalErrorError
    | InvalidRequestOrInvalidIncludeParamError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | TooManyRequestsError
]:
    """Similar families

     The families of the workspace you may read that are most like this one, by descending
    `score` (0 to 1: shared tags, same category, shared name words); only those with a
    score above 0. One page: `next_cursor` is always `null`. Like the family itself, a
    family that doesn't exist or your grants don't cover is 404 `not_found`.

    Args:
        ws (UUID):
        id (str):
        limit (int | Unset):  Default: 10.
        include (list[IncludeValue] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EnvelopeListPageScoredFamilyExpanded | InternalErrorError | InvalidRequestOrInvalidIncludeParamError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError]
    """

    kwargs = _get_kwargs(
        ws=ws,
        id=id,
        limit=limit,
        include=include,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    ws: UUID,
    id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 10,
    include: list[IncludeValue] | Unset = UNSET,
) -> (
    EnvelopeListPageScoredFamilyExpanded
    | InternalErrorError
    | InvalidRequestOrInvalidIncludeParamError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | TooManyRequestsError
    | None
):
    """Similar families

     The families of the workspace you may read that are most like this one, by descending
    `score` (0 to 1: shared tags, same category, shared name words); only those with a
    score above 0. One page: `next_cursor` is always `null`. Like the family itself, a
    family that doesn't exist or your grants don't cover is 404 `not_found`.

    Args:
        ws (UUID):
        id (str):
        limit (int | Unset):  Default: 10.
        include (list[IncludeValue] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EnvelopeListPageScoredFamilyExpanded | InternalErrorError | InvalidRequestOrInvalidIncludeParamError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError
    """

    return (
        await asyncio_detailed(
            ws=ws,
            id=id,
            client=client,
            limit=limit,
            include=include,
        )
    ).parsed
