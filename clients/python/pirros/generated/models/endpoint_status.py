from typing import Literal

EndpointStatus = Literal["disabled", "enabled"]

ENDPOINT_STATUS_VALUES: set[EndpointStatus] = {
    "disabled",
    "enabled",
}


def check_endpoint_status(value: str) -> EndpointStatus:
    if value in ENDPOINT_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {ENDPOINT_STATUS_VALUES!r}"
    )
