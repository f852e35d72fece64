from typing import Literal

NotFoundErrorErrorCode = Literal["not_found"]

NOT_FOUND_ERROR_ERROR_CODE_VALUES: set[NotFoundErrorErrorCode] = {
    "not_found",
}


def check_not_found_error_error_code(value: str) -> NotFoundErrorErrorCode:
    if value in NOT_FOUND_ERROR_ERROR_CODE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {NOT_FOUND_ERROR_ERROR_CODE_VALUES!r}"
    )
