from typing import Literal

TokenServiceUnavailableErrorError = Literal["service_unavailable"]

TOKEN_SERVICE_UNAVAILABLE_ERROR_ERROR_VALUES: set[TokenServiceUnavailableErrorError] = {
    "service_unavailable",
}


def check_token_service_unavailable_error_error(
    value: str,
) -> TokenServiceUnavailableErrorError:
    if value in TOKEN_SERVICE_UNAVAILABLE_ERROR_ERROR_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {TOKEN_SERVICE_UNAVAILABLE_ERROR_ERROR_VALUES!r}"
    )
