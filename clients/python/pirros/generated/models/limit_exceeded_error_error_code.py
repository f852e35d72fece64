from typing import Literal

LimitExceededErrorErrorCode = Literal["limit_exceeded"]

LIMIT_EXCEEDED_ERROR_ERROR_CODE_VALUES: set[LimitExceededErrorErrorCode] = {
    "limit_exceeded",
}


def check_limit_exceeded_error_error_code(value: str) -> LimitExceededErrorErrorCode:
    if value in LIMIT_EXCEEDED_ERROR_ERROR_CODE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {LIMIT_EXCEEDED_ERROR_ERROR_CODE_VALUES!r}"
    )
