from typing import Literal

InvalidRequestOrInvalidIncludeParamErrorErrorCode = Literal[
    "invalid_include_param", "invalid_request"
]

INVALID_REQUEST_OR_INVALID_INCLUDE_PARAM_ERROR_ERROR_CODE_VALUES: set[
    InvalidRequestOrInvalidIncludeParamErrorErrorCode
] = {
    "invalid_include_param",
    "invalid_request",
}


def check_invalid_request_or_invalid_include_param_error_error_code(
    value: str,
) -> InvalidRequestOrInvalidIncludeParamErrorErrorCode:
    if value in INVALID_REQUEST_OR_INVALID_INCLUDE_PARAM_ERROR_ERROR_CODE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {INVALID_REQUEST_OR_INVALID_INCLUDE_PARAM_ERROR_ERROR_CODE_VALUES!r}"
    )
