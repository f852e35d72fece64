from typing import Literal

TokenTooManyRequestsErrorError = Literal["too_many_requests"]

TOKEN_TOO_MANY_REQUESTS_ERROR_ERROR_VALUES: set[TokenTooManyRequestsErrorError] = {
    "too_many_requests",
}


def check_token_too_many_requests_error_error(
    value: str,
) -> TokenTooManyRequestsErrorError:
    if value in TOKEN_TOO_MANY_REQUESTS_ERROR_ERROR_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {TOKEN_TOO_MANY_REQUESTS_ERROR_ERROR_VALUES!r}"
    )
