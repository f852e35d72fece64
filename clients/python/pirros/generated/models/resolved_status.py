from typing import Literal

ResolvedStatus = Literal["resolved"]

RESOLVED_STATUS_VALUES: set[ResolvedStatus] = {
    "resolved",
}


def check_resolved_status(value: str) -> ResolvedStatus:
    if value in RESOLVED_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {RESOLVED_STATUS_VALUES!r}"
    )
