from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.envelope_rolled_secret import EnvelopeRolledSecret
from ...models.idempotency_conflict_error import IdempotencyConflictError
from ...models.insufficient_scope_error import InsufficientScopeError
from ...models.internal_error_error import InternalErrorError
from ...models.invalid_request_error import InvalidRequestError
from ...models.invalid_token_error import InvalidTokenError
from ...models.method_not_allowed_error import MethodNotAllowedError
from ...models.not_found_error import NotFoundError
from ...models.roll_secret import RollSecret
from ...models.service_unavailable_error import ServiceUnavailableError
from ...models.too_many_requests_error import TooManyRequestsError
from ...types import UNSET, Response, Unset


def _get_kwargs(
    ws: UUID,
    id: str,
    *,
    body: RollSecret | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/workspaces/{ws}/webhook-endpoints/{id}/secret/roll".format(
            ws=quote(str(ws), safe=""),
            id=quote(str(id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    EnvelopeRolledSecret
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
    if response.status_code == 200:
        response_200 = EnvelopeRolledSecret.from_dict(response.json())

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
        response_409 = IdempotencyConflictError.from_dict(response.json())

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
    EnvelopeRolledSecret
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
    body: RollSecret | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[
    EnvelopeRolledSecret
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
    """Roll an endpoint's secret

     A new secret, shown in this answer only. Until `old_secret_valid_for` seconds have
    passed (default 86400, at most that; 0 ends the old one at once) every delivery carries
    a signature for each secret, so receivers can switch without losing one. Secrets rolled
    before keep signing until their own end, or until this one's if it comes first (0 ends
    them all). Send an `Idempotency-Key`: a retry with the same key gets the original answer
    (the same new secret) instead of rolling again.

    Args:
        ws (UUID):
        id (str):
        idempotency_key (str | Unset):
        body (RollSecret | Unset): A secret roll.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EnvelopeRolledSecret | IdempotencyConflictError | InsufficientScopeError | InternalErrorError | InvalidRequestError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError]
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
    body: RollSecret | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> (
    EnvelopeRolledSecret
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
    """Roll an endpoint's secret

     A new secret, shown in this answer only. Until `old_secret_valid_for` seconds have
    passed (default 86400, at most that; 0 ends the old one at once) every delivery carries
    a signature for each secret, so receivers can switch without losing one. Secrets rolled
    before keep signing until their own end, or until this one's if it comes first (0 ends
    them all). Send an `Idempotency-Key`: a retry with the same key gets the original answer
    (the same new secret) instead of rolling again.

    Args:
        ws (UUID):
        id (str):
        idempotency_key (str | Unset):
        body (RollSecret | Unset): A secret roll.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EnvelopeRolledSecret | IdempotencyConflictError | InsufficientScopeError | InternalErrorError | InvalidRequestError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError
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
    body: RollSecret | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[
    EnvelopeRolledSecret
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
    """Roll an endpoint's secret

     A new secret, shown in this answer only. Until `old_secret_valid_for` seconds have
    passed (default 86400, at most that; 0 ends the old one at once) every delivery carries
    a signature for each secret, so receivers can switch without losing one. Secrets rolled
    before keep signing until their own end, or until this one's if it comes first (0 ends
    them all). Send an `Idempotency-Key`: a retry with the same key gets the original answer
    (the same new secret) instead of rolling again.

    Args:
        ws (UUID):
        id (str):
        idempotency_key (str | Unset):
        body (RollSecret | Unset): A secret roll.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EnvelopeRolledSecret | IdempotencyConflictError | InsufficientScopeError | InternalErrorError | InvalidRequestError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError]
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
    body: RollSecret | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> (
    EnvelopeRolledSecret
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
    """Roll an endpoint's secret

     A new secret, shown in this answer only. Until `old_secret_valid_for` seconds have
    passed (default 86400, at most that; 0 ends the old one at once) every delivery carries
    a signature for each secret, so receivers can switch without losing one. Secrets rolled
    before keep signing until their own end, or until this one's if it comes first (0 ends
    them all). Send an `Idempotency-Key`: a retry with the same key gets the original answer
    (the same new secret) instead of rolling again.

    Args:
        ws (UUID):
        id (str):
        idempotency_key (str | Unset):
        body (RollSecret | Unset): A secret roll.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EnvelopeRolledSecret | IdempotencyConflictError | InsufficientScopeError | InternalErrorError | InvalidRequestError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError
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
