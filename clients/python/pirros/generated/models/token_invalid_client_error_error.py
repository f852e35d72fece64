from typing import Literal

TokenInvalidClientErrorError = Literal["invalid_client"]

TOKEN_INVALID_CLIENT_ERROR_ERROR_VALUES: set[TokenInvalidClientErrorError] = {
    "invalid_client",
}


def check_token_invalid_client_error_error(value: str) -> TokenInvalidClientErrorError:
    if value in TOKEN_INVALID_CLIENT_ERROR_ERROR_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {TOKEN_INVALID_CLIENT_ERROR_ERROR_VALUES!r}"
    )
