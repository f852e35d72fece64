from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.jwks import Jwks
from ...models.token_internal_error_error import TokenInternalErrorError
from ...models.token_method_not_allowed_error import TokenMethodNotAllowedError
from ...models.token_service_unavailable_error import TokenServiceUnavailableError
from ...models.token_too_many_requests_error import TokenTooManyRequestsError
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/.well-known/jwks.json",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    Jwks
    | TokenInternalErrorError
    | TokenMethodNotAllowedError
    | TokenServiceUnavailableError
    | TokenTooManyRequestsError
    | None
):
    if response.status_code == 200:
        response_200 = Jwks.from_dict(response.json())

        return response_200

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
    Jwks
    | TokenInternalErrorError
    | TokenMethodNotAllowedError
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
) -> Response[
    Jwks
    | TokenInternalErrorError
    | TokenMethodNotAllowedError
    | TokenServiceUnavailableError
    | TokenTooManyRequestsError
]:
    """The token signing keys (JWKS)

     The public keys that verify access tokens (RFC 7517; Ed25519 keys used with EdDSA, RFC
    8037): the current key, and the previous one while tokens it signed may still be live. A
    token's `kid` header names its key. Any standard JWT library can verify a token with this
    set (algorithm `EdDSA`, issuer `https://auth.pirros.com`, audience
    `https://external-api.pirros.com`). Cacheable for 5 minutes; fetch it again when a token
    names a `kid` the cached set lacks.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Jwks | TokenInternalErrorError | TokenMethodNotAllowedError | TokenServiceUnavailableError | TokenTooManyRequestsError]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
) -> (
    Jwks
    | TokenInternalErrorError
    | TokenMethodNotAllowedError
    | TokenServiceUnavailableError
    | TokenTooManyRequestsError
    | None
):
    """The token signing keys (JWKS)

     The public keys that verify access tokens (RFC 7517; Ed25519 keys used with EdDSA, RFC
    8037): the current key, and the previous one while tokens it signed may still be live. A
    token's `kid` header names its key. Any standard JWT library can verify a token with this
    set (algorithm `EdDSA`, issuer `https://auth.pirros.com`, audience
    `https://external-api.pirros.com`). Cacheable for 5 minutes; fetch it again when a token
    names a `kid` the cached set lacks.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Jwks | TokenInternalErrorError | TokenMethodNotAllowedError | TokenServiceUnavailableError | TokenTooManyRequestsError
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
) -> Response[
    Jwks
    | TokenInternalErrorError
    | TokenMethodNotAllowedError
    | TokenServiceUnavailableError
    | TokenTooManyRequestsError
]:
    """The token signing keys (JWKS)

     The public keys that verify access tokens (RFC 7517; Ed25519 keys used with EdDSA, RFC
    8037): the current key, and the previous one while tokens it signed may still be live. A
    token's `kid` header names its key. Any standard JWT library can verify a token with this
    set (algorithm `EdDSA`, issuer `https://auth.pirros.com`, audience
    `https://external-api.pirros.com`). Cacheable for 5 minutes; fetch it again when a token
    names a `kid` the cached set lacks.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Jwks | TokenInternalErrorError | TokenMethodNotAllowedError | TokenServiceUnavailableError | TokenTooManyRequestsError]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
) -> (
    Jwks
    | TokenInternalErrorError
    | TokenMethodNotAllowedError
    | TokenServiceUnavailableError
    | TokenTooManyRequestsError
    | None
):
    """The token signing keys (JWKS)

     The public keys that verify access tokens (RFC 7517; Ed25519 keys used with EdDSA, RFC
    8037): the current key, and the previous one while tokens it signed may still be live. A
    token's `kid` header names its key. Any standard JWT library can verify a token with this
    set (algorithm `EdDSA`, issuer `https://auth.pirros.com`, audience
    `https://external-api.pirros.com`). Cacheable for 5 minutes; fetch it again when a token
    names a `kid` the cached set lacks.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Jwks | TokenInternalErrorError | TokenMethodNotAllowedError | TokenServiceUnavailableError | TokenTooManyRequestsError
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
