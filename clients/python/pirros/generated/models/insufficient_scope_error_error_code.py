from typing import Literal

InsufficientScopeErrorErrorCode = Literal["insufficient_scope"]

INSUFFICIENT_SCOPE_ERROR_ERROR_CODE_VALUES: set[InsufficientScopeErrorErrorCode] = {
    "insufficient_scope",
}


def check_insufficient_scope_error_error_code(
    value: str,
) -> InsufficientScopeErrorErrorCode:
    if value in INSUFFICIENT_SCOPE_ERROR_ERROR_CODE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {INSUFFICIENT_SCOPE_ERROR_ERROR_CODE_VALUES!r}"
    )
