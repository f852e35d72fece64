import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.envelope_list_page_detail_expanded import EnvelopeListPageDetailExpanded
from ...models.include_value import IncludeValue
from ...models.insufficient_scope_error import InsufficientScopeError
from ...models.internal_error_error import InternalErrorError
from ...models.invalid_request_or_invalid_include_param_error import (
    InvalidRequestOrInvalidIncludeParamError,
)
from ...models.invalid_token_error import InvalidTokenError
from ...models.method_not_allowed_error import MethodNotAllowedError
from ...models.not_found_error import NotFoundError
from ...models.search_details_library import (
    SearchDetailsLibrary,
)
from ...models.service_unavailable_error import ServiceUnavailableError
from ...models.too_many_requests_error import TooManyRequestsError
from ...types import UNSET, Response, Unset


def _get_kwargs(
    ws: UUID,
    *,
    q: str | Unset = UNSET,
    tag_id: list[str] | Unset = UNSET,
    project_id: str | Unset = UNSET,
    library: SearchDetailsLibrary | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
    include: list[IncludeValue] | Unset = UNSET,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["q"] = q

    json_tag_id: list[str] | Unset = UNSET
    if not isinstance(tag_id, Unset):
        json_tag_id = tag_id

    params["tag_id"] = json_tag_id

    params["project_id"] = project_id

    json_library: str | Unset = UNSET
    if not isinstance(library, Unset):
        json_library = library

    params["library"] = json_library

    json_updated_since: str | Unset = UNSET
    if not isinstance(updated_since, Unset):
        json_updated_since = updated_since.isoformat()
    params["updated_since"] = json_updated_since

    json_include: list[str] | Unset = UNSET
    if not isinstance(include, Unset):
        json_include = []
        for include_item_data in include:
            include_item: str = include_item_data
            json_include.append(include_item)

    params["include"] = json_include

    params["limit"] = limit

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/workspaces/{ws}/details".format(
            ws=quote(str(ws), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    EnvelopeListPageDetailExpanded
    | InsufficientScopeError
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
        response_200 = EnvelopeListPageDetailExpanded.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = InvalidRequestOrInvalidIncludeParamError.from_dict(
            response.json()
        )

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
    EnvelopeListPageDetailExpanded
    | InsufficientScopeError
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
    *,
    client: AuthenticatedClient,
    q: str | Unset = UNSET,
    tag_id: list[str] | Unset = UNSET,
    project_id: str | Unset = UNSET,
    library: SearchDetailsLibrary | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
    include: list[IncludeValue] | Unset = UNSET,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
) -> Response[
    EnvelopeListPageDetailExpanded
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestOrInvalidIncludeParamError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | TooManyRequestsError
]:
    """Search details

     Details of the workspace that you may read and that match every filter given, newest
    `created_at` first (ties by id), or with `updated_since` oldest `updated_at` first,
    paged with `limit` and `cursor`. Each page does bounded work: it may hold fewer than
    `limit` details (even none) while `next_cursor` is set; follow `next_cursor` until it is
    `null`. A walk never returns a detail twice and never skips one (in `updated_since` order, one
    updated during the walk comes again, with its new content). Without a read grant on
    details in this workspace the answer is 403 `insufficient_scope`; a workspace with
    nothing you may see answers an empty `data`.

    Args:
        ws (UUID):
        q (str | Unset):
        tag_id (list[str] | Unset):
        project_id (str | Unset):
        library (SearchDetailsLibrary | Unset):
        updated_since (datetime.datetime | Unset):
        include (list[IncludeValue] | Unset):
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EnvelopeListPageDetailExpanded | InsufficientScopeError | InternalErrorError | InvalidRequestOrInvalidIncludeParamError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError]
    """

    kwargs = _get_kwargs(
        ws=ws,
        q=q,
        tag_id=tag_id,
        project_id=project_id,
        library=library,
        updated_since=updated_since,
        include=include,
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
    q: str | Unset = UNSET,
    tag_id: list[str] | Unset = UNSET,
    project_id: str | Unset = UNSET,
    library: SearchDetailsLibrary | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
    include: list[IncludeValue] | Unset = UNSET,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
) -> (
    EnvelopeListPageDetailExpanded
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestOrInvalidIncludeParamError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | TooManyRequestsError
    | None
):
    """Search details

     Details of the workspace that you may read and that match every filter given, newest
    `created_at` first (ties by id), or with `updated_since` oldest `updated_at` first,
    paged with `limit` and `cursor`. Each page does bounded work: it may hold fewer than
    `limit` details (even none) while `next_cursor` is set; follow `next_cursor` until it is
    `null`. A walk never returns a detail twice and never skips one (in `updated_since` order, one
    updated during the walk comes again, with its new content). Without a read grant on
    details in this workspace the answer is 403 `insufficient_scope`; a workspace with
    nothing you may see answers an empty `data`.

    Args:
        ws (UUID):
        q (str | Unset):
        tag_id (list[str] | Unset):
        project_id (str | Unset):
        library (SearchDetailsLibrary | Unset):
        updated_since (datetime.datetime | Unset):
        include (list[IncludeValue] | Unset):
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EnvelopeListPageDetailExpanded | InsufficientScopeError | InternalErrorError | InvalidRequestOrInvalidIncludeParamError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError
    """

    return sync_detailed(
        ws=ws,
        client=client,
        q=q,
        tag_id=tag_id,
        project_id=project_id,
        library=library,
        updated_since=updated_since,
        include=include,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    ws: UUID,
    *,
    client: AuthenticatedClient,
    q: str | Unset = UNSET,
    tag_id: list[str] | Unset = UNSET,
    project_id: str | Unset = UNSET,
    library: SearchDetailsLibrary | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
    include: list[IncludeValue] | Unset = UNSET,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
) -> Response[
    EnvelopeListPageDetailExpanded
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestOrInvalidIncludeParamError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | TooManyRequestsError
]:
    """Search details

     Details of the workspace that you may read and that match every filter given, newest
    `created_at` first (ties by id), or with `updated_since` oldest `updated_at` first,
    paged with `limit` and `cursor`. Each page does bounded work: it may hold fewer than
    `limit` details (even none) while `next_cursor` is set; follow `next_cursor` until it is
    `null`. A walk never returns a detail twice and never skips one (in `updated_since` order, one
    updated during the walk comes again, with its new content). Without a read grant on
    details in this workspace the answer is 403 `insufficient_scope`; a workspace with
    nothing you may see answers an empty `data`.

    Args:
        ws (UUID):
        q (str | Unset):
        tag_id (list[str] | Unset):
        project_id (str | Unset):
        library (SearchDetailsLibrary | Unset):
        updated_since (datetime.datetime | Unset):
        include (list[IncludeValue] | Unset):
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EnvelopeListPageDetailExpanded | InsufficientScopeError | InternalErrorError | InvalidRequestOrInvalidIncludeParamError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError]
    """

    kwargs = _get_kwargs(
        ws=ws,
        q=q,
        tag_id=tag_id,
        project_id=project_id,
        library=library,
        updated_since=updated_since,
        include=include,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    ws: UUID,
    *,
    client: AuthenticatedClient,
    q: str | Unset = UNSET,
    tag_id: list[str] | Unset = UNSET,
    project_id: str | Unset = UNSET,
    library: SearchDetailsLibrary | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
    include: list[IncludeValue] | Unset = UNSET,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
) -> (
    EnvelopeListPageDetailExpanded
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestOrInvalidIncludeParamError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | TooManyRequestsError
    | None
):
    """Search details

     Details of the workspace that you may read and that match every filter given, newest
    `created_at` first (ties by id), or with `updated_since` oldest `updated_at` first,
    paged with `limit` and `cursor`. Each page does bounded work: it may hold fewer than
    `limit` details (even none) while `next_cursor` is set; follow `next_cursor` until it is
    `null`. A walk never returns a detail twice and never skips one (in `updated_since` order, one
    updated during the walk comes again, with its new content). Without a read grant on
    details in this workspace the answer is 403 `insufficient_scope`; a workspace with
    nothing you may see answers an empty `data`.

    Args:
        ws (UUID):
        q (str | Unset):
        tag_id (list[str] | Unset):
        project_id (str | Unset):
        library (SearchDetailsLibrary | Unset):
        updated_since (datetime.datetime | Unset):
        include (list[IncludeValue] | Unset):
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EnvelopeListPageDetailExpanded | InsufficientScopeError | InternalErrorError | InvalidRequestOrInvalidIncludeParamError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError
    """

    return (
        await asyncio_detailed(
            ws=ws,
            client=client,
            q=q,
            tag_id=tag_id,
            project_id=project_id,
            library=library,
            updated_since=updated_since,
            include=include,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
