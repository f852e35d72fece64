from typing import Literal

InvalidTokenErrorErrorCode = Literal["invalid_token"]

INVALID_TOKEN_ERROR_ERROR_CODE_VALUES: set[InvalidTokenErrorErrorCode] = {
    "invalid_token",
}


def check_invalid_token_error_error_code(value: str) -> InvalidTokenErrorErrorCode:
    if value in INVALID_TOKEN_ERROR_ERROR_CODE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {INVALID_TOKEN_ERROR_ERROR_CODE_VALUES!r}"
    )
