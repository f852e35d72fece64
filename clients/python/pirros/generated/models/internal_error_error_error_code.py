from typing import Literal

InternalErrorErrorErrorCode = Literal["internal_error"]

INTERNAL_ERROR_ERROR_ERROR_CODE_VALUES: set[InternalErrorErrorErrorCode] = {
    "internal_error",
}


def check_internal_error_error_error_code(value: str) -> InternalErrorErrorErrorCode:
    if value in INTERNAL_ERROR_ERROR_ERROR_CODE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {INTERNAL_ERROR_ERROR_ERROR_CODE_VALUES!r}"
    )
