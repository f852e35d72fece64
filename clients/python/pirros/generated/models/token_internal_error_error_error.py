from typing import Literal

TokenInternalErrorErrorError = Literal["internal_error"]

TOKEN_INTERNAL_ERROR_ERROR_ERROR_VALUES: set[TokenInternalErrorErrorError] = {
    "internal_error",
}


def check_token_internal_error_error_error(value: str) -> TokenInternalErrorErrorError:
    if value in TOKEN_INTERNAL_ERROR_ERROR_ERROR_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {TOKEN_INTERNAL_ERROR_ERROR_ERROR_VALUES!r}"
    )
