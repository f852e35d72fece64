from typing import Literal

TokenMethodNotAllowedErrorError = Literal["method_not_allowed"]

TOKEN_METHOD_NOT_ALLOWED_ERROR_ERROR_VALUES: set[TokenMethodNotAllowedErrorError] = {
    "method_not_allowed",
}


def check_token_method_not_allowed_error_error(
    value: str,
) -> TokenMethodNotAllowedErrorError:
    if value in TOKEN_METHOD_NOT_ALLOWED_ERROR_ERROR_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {TOKEN_METHOD_NOT_ALLOWED_ERROR_ERROR_VALUES!r}"
    )
