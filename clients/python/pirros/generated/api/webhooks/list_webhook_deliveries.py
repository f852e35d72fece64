from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.delivery_status import DeliveryStatus
from ...models.envelope_list_page_delivery_no_expansions import (
    EnvelopeListPageDeliveryNoExpansions,
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
    status: DeliveryStatus | Unset = UNSET,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status

    params["status"] = json_status

    params["limit"] = limit

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/workspaces/{ws}/webhook-endpoints/{id}/deliveries".format(
            ws=quote(str(ws), safe=""),
            id=quote(str(id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    EnvelopeListPageDeliveryNoExpansions
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
        response_200 = EnvelopeListPageDeliveryNoExpansions.from_dict(response.json())

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
    EnvelopeListPageDeliveryNoExpansions
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
    status: DeliveryStatus | Unset = UNSET,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
) -> Response[
    EnvelopeListPageDeliveryNoExpansions
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | TooManyRequestsError
]:
    """List an endpoint's deliveries

     What was sent to the endpoint in the last 30 days, newest first: each delivery's state,
    attempts, and the last answer or error. `status` keeps one state.

    Args:
        ws (UUID):
        id (str):
        status (DeliveryStatus | Unset):
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EnvelopeListPageDeliveryNoExpansions | InsufficientScopeError | InternalErrorError | InvalidRequestError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError]
    """

    kwargs = _get_kwargs(
        ws=ws,
        id=id,
        status=status,
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
    status: DeliveryStatus | Unset = UNSET,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
) -> (
    EnvelopeListPageDeliveryNoExpansions
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
    """List an endpoint's deliveries

     What was sent to the endpoint in the last 30 days, newest first: each delivery's state,
    attempts, and the last answer or error. `status` keeps one state.

    Args:
        ws (UUID):
        id (str):
        status (DeliveryStatus | Unset):
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EnvelopeListPageDeliveryNoExpansions | InsufficientScopeError | InternalErrorError | InvalidRequestError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError
    """

    return sync_detailed(
        ws=ws,
        id=id,
        client=client,
        status=status,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    ws: UUID,
    id: str,
    *,
    client: AuthenticatedClient,
    status: DeliveryStatus | Unset = UNSET,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
) -> Response[
    EnvelopeListPageDeliveryNoExpansions
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | TooManyRequestsError
]:
    """List an endpoint's deliveries

     What was sent to the endpoint in the last 30 days, newest first: each delivery's state,
    attempts, and the last answer or error. `status` keeps one state.

    Args:
        ws (UUID):
        id (str):
        status (DeliveryStatus | Unset):
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EnvelopeListPageDeliveryNoExpansions | InsufficientScopeError | InternalErrorError | InvalidRequestError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError]
    """

    kwargs = _get_kwargs(
        ws=ws,
        id=id,
        status=status,
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
    status: DeliveryStatus | Unset = UNSET,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
) -> (
    EnvelopeListPageDeliveryNoExpansions
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
    """List an endpoint's deliveries

     What was sent to the endpoint in the last 30 days, newest first: each delivery's state,
    attempts, and the last answer or error. `status` keeps one state.

    Args:
        ws (UUID):
        id (str):
        status (DeliveryStatus | Unset):
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EnvelopeListPageDeliveryNoExpansions | InsufficientScopeError | InternalErrorError | InvalidRequestError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError
    """

    return (
        await asyncio_detailed(
            ws=ws,
            id=id,
            client=client,
            status=status,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
