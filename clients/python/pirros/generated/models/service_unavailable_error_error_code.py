from typing import Literal

ServiceUnavailableErrorErrorCode = Literal["service_unavailable"]

SERVICE_UNAVAILABLE_ERROR_ERROR_CODE_VALUES: set[ServiceUnavailableErrorErrorCode] = {
    "service_unavailable",
}


def check_service_unavailable_error_error_code(
    value: str,
) -> ServiceUnavailableErrorErrorCode:
    if value in SERVICE_UNAVAILABLE_ERROR_ERROR_CODE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SERVICE_UNAVAILABLE_ERROR_ERROR_CODE_VALUES!r}"
    )
