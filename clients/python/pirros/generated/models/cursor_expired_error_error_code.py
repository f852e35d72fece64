from typing import Literal

CursorExpiredErrorErrorCode = Literal["cursor_expired"]

CURSOR_EXPIRED_ERROR_ERROR_CODE_VALUES: set[CursorExpiredErrorErrorCode] = {
    "cursor_expired",
}


def check_cursor_expired_error_error_code(value: str) -> CursorExpiredErrorErrorCode:
    if value in CURSOR_EXPIRED_ERROR_ERROR_CODE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CURSOR_EXPIRED_ERROR_ERROR_CODE_VALUES!r}"
    )
