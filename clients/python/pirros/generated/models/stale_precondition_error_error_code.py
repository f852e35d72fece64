from typing import Literal

StalePreconditionErrorErrorCode = Literal["stale_precondition"]

STALE_PRECONDITION_ERROR_ERROR_CODE_VALUES: set[StalePreconditionErrorErrorCode] = {
    "stale_precondition",
}


def check_stale_precondition_error_error_code(
    value: str,
) -> StalePreconditionErrorErrorCode:
    if value in STALE_PRECONDITION_ERROR_ERROR_CODE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {STALE_PRECONDITION_ERROR_ERROR_CODE_VALUES!r}"
    )
