from typing import Literal

TooManyRequestsErrorError = Literal["too_many_requests"]

TOO_MANY_REQUESTS_ERROR_ERROR_VALUES: set[TooManyRequestsErrorError] = {
    "too_many_requests",
}


def check_too_many_requests_error_error(value: str) -> TooManyRequestsErrorError:
    if value in TOO_MANY_REQUESTS_ERROR_ERROR_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {TOO_MANY_REQUESTS_ERROR_ERROR_VALUES!r}"
    )
