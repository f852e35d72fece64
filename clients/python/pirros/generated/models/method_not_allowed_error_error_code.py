from typing import Literal

MethodNotAllowedErrorErrorCode = Literal["method_not_allowed"]

METHOD_NOT_ALLOWED_ERROR_ERROR_CODE_VALUES: set[MethodNotAllowedErrorErrorCode] = {
    "method_not_allowed",
}


def check_method_not_allowed_error_error_code(
    value: str,
) -> MethodNotAllowedErrorErrorCode:
    if value in METHOD_NOT_ALLOWED_ERROR_ERROR_CODE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {METHOD_NOT_ALLOWED_ERROR_ERROR_CODE_VALUES!r}"
    )
