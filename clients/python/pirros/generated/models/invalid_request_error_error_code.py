from typing import Literal

InvalidRequestErrorErrorCode = Literal["invalid_request"]

INVALID_REQUEST_ERROR_ERROR_CODE_VALUES: set[InvalidRequestErrorErrorCode] = {
    "invalid_request",
}


def check_invalid_request_error_error_code(value: str) -> InvalidRequestErrorErrorCode:
    if value in INVALID_REQUEST_ERROR_ERROR_CODE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {INVALID_REQUEST_ERROR_ERROR_CODE_VALUES!r}"
    )
