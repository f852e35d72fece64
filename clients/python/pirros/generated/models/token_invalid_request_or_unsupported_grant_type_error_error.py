from typing import Literal

TokenInvalidRequestOrUnsupportedGrantTypeErrorError = Literal[
    "invalid_request", "unsupported_grant_type"
]

TOKEN_INVALID_REQUEST_OR_UNSUPPORTED_GRANT_TYPE_ERROR_ERROR_VALUES: set[
    TokenInvalidRequestOrUnsupportedGrantTypeErrorError
] = {
    "invalid_request",
    "unsupported_grant_type",
}


def check_token_invalid_request_or_unsupported_grant_type_error_error(
    value: str,
) -> TokenInvalidRequestOrUnsupportedGrantTypeErrorError:
    if value in TOKEN_INVALID_REQUEST_OR_UNSUPPORTED_GRANT_TYPE_ERROR_ERROR_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {TOKEN_INVALID_REQUEST_OR_UNSUPPORTED_GRANT_TYPE_ERROR_ERROR_VALUES!r}"
    )
