from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.envelope_upload_started import EnvelopeUploadStarted
from ...models.idempotency_conflict_error import IdempotencyConflictError
from ...models.insufficient_scope_error import InsufficientScopeError
from ...models.internal_error_error import InternalErrorError
from ...models.invalid_request_or_invalid_item_reference_error import (
    InvalidRequestOrInvalidItemReferenceError,
)
from ...models.invalid_token_error import InvalidTokenError
from ...models.method_not_allowed_error import MethodNotAllowedError
from ...models.not_found_error import NotFoundError
from ...models.service_unavailable_error import ServiceUnavailableError
from ...models.too_many_requests_error import TooManyRequestsError
from ...models.upload_family import UploadFamily
from ...types import UNSET, Response, Unset


def _get_kwargs(
    ws: UUID,
    *,
    body: UploadFamily,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/workspaces/{ws}/families/uploads".format(
            ws=quote(str(ws), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    EnvelopeUploadStarted
    | IdempotencyConflictError
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestOrInvalidItemReferenceError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | TooManyRequestsError
    | None
):
    if response.status_code == 202:
        response_202 = EnvelopeUploadStarted.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = InvalidRequestOrInvalidItemReferenceError.from_dict(
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
    EnvelopeUploadStarted
    | IdempotencyConflictError
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestOrInvalidItemReferenceError
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
    body: UploadFamily,
    idempotency_key: str | Unset = UNSET,
) -> Response[
    EnvelopeUploadStarted
    | IdempotencyConflictError
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestOrInvalidItemReferenceError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | TooManyRequestsError
]:
    """Upload a family file

     Starts a family upload: a new family, or (with `family_id`) the next version of one you
    may read and write. Needs a write grant on families covering the family as it is and as
    it will be. Answers 202 with a job (`awaiting_upload`) and a URL: PUT the file's bytes
    to `upload.url` with exactly `upload.headers` before `upload.expires_at` (15 minutes).
    The file is then checked (size, SHA-256, a Revit family container) and becomes the
    family's next version; follow the job (`GET .../jobs/{id}`, `wait_for_completion=true`)
    for `result.version`, or for `error.code` `invalid_rfa`, `checksum_mismatch`,
    `file_too_large` or `access_revoked` (by the time the file arrived, your credential was
    revoked or no longer held write on families covering the family; nothing is written).
    A `family_id` that doesn't exist or that you may not read is 404. `Idempotency-Key`
    replays the first answer (same job, same URL) while you still hold a write grant on
    families (else 403).

    Args:
        ws (UUID):
        idempotency_key (str | Unset):
        body (UploadFamily): The body of `POST .../families/uploads`. Unknown fields are a 400.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EnvelopeUploadStarted | IdempotencyConflictError | InsufficientScopeError | InternalErrorError | InvalidRequestOrInvalidItemReferenceError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError]
    """

    kwargs = _get_kwargs(
        ws=ws,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    ws: UUID,
    *,
    client: AuthenticatedClient,
    body: UploadFamily,
    idempotency_key: str | Unset = UNSET,
) -> (
    EnvelopeUploadStarted
    | IdempotencyConflictError
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestOrInvalidItemReferenceError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | TooManyRequestsError
    | None
):
    """Upload a family file

     Starts a family upload: a new family, or (with `family_id`) the next version of one you
    may read and write. Needs a write grant on families covering the family as it is and as
    it will be. Answers 202 with a job (`awaiting_upload`) and a URL: PUT the file's bytes
    to `upload.url` with exactly `upload.headers` before `upload.expires_at` (15 minutes).
    The file is then checked (size, SHA-256, a Revit family container) and becomes the
    family's next version; follow the job (`GET .../jobs/{id}`, `wait_for_completion=true`)
    for `result.version`, or for `error.code` `invalid_rfa`, `checksum_mismatch`,
    `file_too_large` or `access_revoked` (by the time the file arrived, your credential was
    revoked or no longer held write on families covering the family; nothing is written).
    A `family_id` that doesn't exist or that you may not read is 404. `Idempotency-Key`
    replays the first answer (same job, same URL) while you still hold a write grant on
    families (else 403).

    Args:
        ws (UUID):
        idempotency_key (str | Unset):
        body (UploadFamily): The body of `POST .../families/uploads`. Unknown fields are a 400.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EnvelopeUploadStarted | IdempotencyConflictError | InsufficientScopeError | InternalErrorError | InvalidRequestOrInvalidItemReferenceError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError
    """

    return sync_detailed(
        ws=ws,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    ws: UUID,
    *,
    client: AuthenticatedClient,
    body: UploadFamily,
    idempotency_key: str | Unset = UNSET,
) -> Response[
    EnvelopeUploadStarted
    | IdempotencyConflictError
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestOrInvalidItemReferenceError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | TooManyRequestsError
]:
    """Upload a family file

     Starts a family upload: a new family, or (with `family_id`) the next version of one you
    may read and write. Needs a write grant on families covering the family as it is and as
    it will be. Answers 202 with a job (`awaiting_upload`) and a URL: PUT the file's bytes
    to `upload.url` with exactly `upload.headers` before `upload.expires_at` (15 minutes).
    The file is then checked (size, SHA-256, a Revit family container) and becomes the
    family's next version; follow the job (`GET .../jobs/{id}`, `wait_for_completion=true`)
    for `result.version`, or for `error.code` `invalid_rfa`, `checksum_mismatch`,
    `file_too_large` or `access_revoked` (by the time the file arrived, your credential was
    revoked or no longer held write on families covering the family; nothing is written).
    A `family_id` that doesn't exist or that you may not read is 404. `Idempotency-Key`
    replays the first answer (same job, same URL) while you still hold a write grant on
    families (else 403).

    Args:
        ws (UUID):
        idempotency_key (str | Unset):
        body (UploadFamily): The body of `POST .../families/uploads`. Unknown fields are a 400.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EnvelopeUploadStarted | IdempotencyConflictError | InsufficientScopeError | InternalErrorError | InvalidRequestOrInvalidItemReferenceError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError]
    """

    kwargs = _get_kwargs(
        ws=ws,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    ws: UUID,
    *,
    client: AuthenticatedClient,
    body: UploadFamily,
    idempotency_key: str | Unset = UNSET,
) -> (
    EnvelopeUploadStarted
    | IdempotencyConflictError
    | InsufficientScopeError
    | InternalErrorError
    | InvalidRequestOrInvalidItemReferenceError
    | InvalidTokenError
    | MethodNotAllowedError
    | NotFoundError
    | ServiceUnavailableError
    | TooManyRequestsError
    | None
):
    """Upload a family file

     Starts a family upload: a new family, or (with `family_id`) the next version of one you
    may read and write. Needs a write grant on families covering the family as it is and as
    it will be. Answers 202 with a job (`awaiting_upload`) and a URL: PUT the file's bytes
    to `upload.url` with exactly `upload.headers` before `upload.expires_at` (15 minutes).
    The file is then checked (size, SHA-256, a Revit family container) and becomes the
    family's next version; follow the job (`GET .../jobs/{id}`, `wait_for_completion=true`)
    for `result.version`, or for `error.code` `invalid_rfa`, `checksum_mismatch`,
    `file_too_large` or `access_revoked` (by the time the file arrived, your credential was
    revoked or no longer held write on families covering the family; nothing is written).
    A `family_id` that doesn't exist or that you may not read is 404. `Idempotency-Key`
    replays the first answer (same job, same URL) while you still hold a write grant on
    families (else 403).

    Args:
        ws (UUID):
        idempotency_key (str | Unset):
        body (UploadFamily): The body of `POST .../families/uploads`. Unknown fields are a 400.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EnvelopeUploadStarted | IdempotencyConflictError | InsufficientScopeError | InternalErrorError | InvalidRequestOrInvalidItemReferenceError | InvalidTokenError | MethodNotAllowedError | NotFoundError | ServiceUnavailableError | TooManyRequestsError
    """

    return (
        await asyncio_detailed(
            ws=ws,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
