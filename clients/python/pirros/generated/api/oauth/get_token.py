from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.token_internal_error_error import TokenInternalErrorError
from ...models.token_invalid_client_error import TokenInvalidClientError
from ...models.token_invalid_request_or_unsupported_grant_type_error import (
    TokenInvalidRequestOrUnsupportedGrantTypeError,
)
from ...models.token_method_not_allowed_error import TokenMethodNotAllowedError
from ...models.token_request import TokenRequest
from ...models.token_response import TokenResponse
from ...models.token_service_unavailable_error import TokenServiceUnavailableError
from ...models.token_too_many_requests_error import TokenTooManyRequestsError
from ...types import UNSET, Response


def _get_kwargs(
    *,
    body: TokenRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/oauth/token",
    }

    if isinstance(body, TokenRequest):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"
    if isinstance(body, TokenRequest):
        _kwargs["data"] = body.to_dict()
        headers["Content-Type"] = "application/x-www-form-urlencoded"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    TokenInternalErrorError
    | TokenInvalidClientError
    | TokenInvalidRequestOrUnsupportedGrantTypeError
    | TokenMethodNotAllowedError
    | TokenResponse
    | TokenServiceUnavailableError
    | TokenTooManyRequestsError
    | None
):
    if response.status_code == 200:
        response_200 = TokenResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = TokenInvalidRequestOrUnsupportedGrantTypeError.from_dict(
            response.json()
        )

        return response_400

    if response.status_code == 401:
        response_401 = TokenInvalidClientError.from_dict(response.json())

        return response_401

    if response.status_code == 405:
        response_405 = TokenMethodNotAllowedError.from_dict(response.json())

        return response_405

    if response.status_code == 429:
        response_429 = TokenTooManyRequestsError.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = TokenInternalErrorError.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = TokenServiceUnavailableError.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    TokenInternalErrorError
    | TokenInvalidClientError
    | TokenInvalidRequestOrUnsupportedGrantTypeError
    | TokenMethodNotAllowedError
    | TokenResponse
    | TokenServiceUnavailableError
    | TokenTooManyRequestsError
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: TokenRequest | Unset = UNSET,
) -> Response[
    TokenInternalErrorError
    | TokenInvalidClientError
    | TokenInvalidRequestOrUnsupportedGrantTypeError
    | TokenMethodNotAllowedError
    | TokenResponse
    | TokenServiceUnavailableError
    | TokenTooManyRequestsError
]:
    """Get an access token

     The OAuth 2.0 client-credentials exchange (RFC 6749 §4.4): your client id and secret for
    a JWT that lasts an hour. No refresh tokens: ask again when it expires. At most 5
    attempts per 15 minutes per client id and source IP, and 25 per client id over all IPs;
    a success resets both counts. Errors use RFC 6749's flat shape, not the `/v1` envelope.
    Tokens are EdDSA-signed JWTs; `/.well-known/jwks.json` holds the keys that verify them.

    Args:
        body (TokenRequest): The token request, from a JSON or a form body, with the client id and
            secret. (They may
            go in HTTP Basic instead, `Authorization: Basic base64(client_id:client_secret)`, and
            then not here; the schema states the body form, since a body's schema can't depend on a
            header.) Other parameters are ignored (in JSON they must still be strings).
        body (TokenRequest): The token request, from a JSON or a form body, with the client id and
            secret. (They may
            go in HTTP Basic instead, `Authorization: Basic base64(client_id:client_secret)`, and
            then not here; the schema states the body form, since a body's schema can't depend on a
            header.) Other parameters are ignored (in JSON they must still be strings).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[TokenInternalErrorError | TokenInvalidClientError | TokenInvalidRequestOrUnsupportedGrantTypeError | TokenMethodNotAllowedError | TokenResponse | TokenServiceUnavailableError | TokenTooManyRequestsError]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: TokenRequest | Unset = UNSET,
) -> (
    TokenInternalErrorError
    | TokenInvalidClientError
    | TokenInvalidRequestOrUnsupportedGrantTypeError
    | TokenMethodNotAllowedError
    | TokenResponse
    | TokenServiceUnavailableError
    | TokenTooManyRequestsError
    | None
):
    """Get an access token

     The OAuth 2.0 client-credentials exchange (RFC 6749 §4.4): your client id and secret for
    a JWT that lasts an hour. No refresh tokens: ask again when it expires. At most 5
    attempts per 15 minutes per client id and source IP, and 25 per client id over all IPs;
    a success resets both counts. Errors use RFC 6749's flat shape, not the `/v1` envelope.
    Tokens are EdDSA-signed JWTs; `/.well-known/jwks.json` holds the keys that verify them.

    Args:
        body (TokenRequest): The token request, from a JSON or a form body, with the client id and
            secret. (They may
            go in HTTP Basic instead, `Authorization: Basic base64(client_id:client_secret)`, and
            then not here; the schema states the body form, since a body's schema can't depend on a
            header.) Other parameters are ignored (in JSON they must still be strings).
        body (TokenRequest): The token request, from a JSON or a form body, with the client id and
            secret. (They may
            go in HTTP Basic instead, `Authorization: Basic base64(client_id:client_secret)`, and
            then not here; the schema states the body form, since a body's schema can't depend on a
            header.) Other parameters are ignored (in JSON they must still be strings).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        TokenInternalErrorError | TokenInvalidClientError | TokenInvalidRequestOrUnsupportedGrantTypeError | TokenMethodNotAllowedError | TokenResponse | TokenServiceUnavailableError | TokenTooManyRequestsError
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: TokenRequest | Unset = UNSET,
) -> Response[
    TokenInternalErrorError
    | TokenInvalidClientError
    | TokenInvalidRequestOrUnsupportedGrantTypeError
    | TokenMethodNotAllowedError
    | TokenResponse
    | TokenServiceUnavailableError
    | TokenTooManyRequestsError
]:
    """Get an access token

     The OAuth 2.0 client-credentials exchange (RFC 6749 §4.4): your client id and secret for
    a JWT that lasts an hour. No refresh tokens: ask again when it expires. At most 5
    attempts per 15 minutes per client id and source IP, and 25 per client id over all IPs;
    a success resets both counts. Errors use RFC 6749's flat shape, not the `/v1` envelope.
    Tokens are EdDSA-signed JWTs; `/.well-known/jwks.json` holds the keys that verify them.

    Args:
        body (TokenRequest): The token request, from a JSON or a form body, with the client id and
            secret. (They may
            go in HTTP Basic instead, `Authorization: Basic base64(client_id:client_secret)`, and
            then not here; the schema states the body form, since a body's schema can't depend on a
            header.) Other parameters are ignored (in JSON they must still be strings).
        body (TokenRequest): The token request, from a JSON or a form body, with the client id and
            secret. (They may
            go in HTTP Basic instead, `Authorization: Basic base64(client_id:client_secret)`, and
            then not here; the schema states the body form, since a body's schema can't depend on a
            header.) Other parameters are ignored (in JSON they must still be strings).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[TokenInternalErrorError | TokenInvalidClientError | TokenInvalidRequestOrUnsupportedGrantTypeError | TokenMethodNotAllowedError | TokenResponse | TokenServiceUnavailableError | TokenTooManyRequestsError]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: TokenRequest | Unset = UNSET,
) -> (
    TokenInternalErrorError
    | TokenInvalidClientError
    | TokenInvalidRequestOrUnsupportedGrantTypeError
    | TokenMethodNotAllowedError
    | TokenResponse
    | TokenServiceUnavailableError
    | TokenTooManyRequestsError
    | None
):
    """Get an access token

     The OAuth 2.0 client-credentials exchange (RFC 6749 §4.4): your client id and secret for
    a JWT that lasts an hour. No refresh tokens: ask again when it expires. At most 5
    attempts per 15 minutes per client id and source IP, and 25 per client id over all IPs;
    a success resets both counts. Errors use RFC 6749's flat shape, not the `/v1` envelope.
    Tokens are EdDSA-signed JWTs; `/.well-known/jwks.json` holds the keys that verify them.

    Args:
        body (TokenRequest): The token request, from a JSON or a form body, with the client id and
            secret. (They may
            go in HTTP Basic instead, `Authorization: Basic base64(client_id:client_secret)`, and
            then not here; the schema states the body form, since a body's schema can't depend on a
            header.) Other parameters are ignored (in JSON they must still be strings).
        body (TokenRequest): The token request, from a JSON or a form body, with the client id and
            secret. (They may
            go in HTTP Basic instead, `Authorization: Basic base64(client_id:client_secret)`, and
            then not here; the schema states the body form, since a body's schema can't depend on a
            header.) Other parameters are ignored (in JSON they must still be strings).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        TokenInternalErrorError | TokenInvalidClientError | TokenInvalidRequestOrUnsupportedGrantTypeError | TokenMethodNotAllowedError | TokenResponse | TokenServiceUnavailableError | TokenTooManyRequestsError
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
