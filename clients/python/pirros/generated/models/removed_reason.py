from typing import Literal

RemovedReason = Literal["access", "deleted"]

REMOVED_REASON_VALUES: set[RemovedReason] = {
    "access",
    "deleted",
}


def check_removed_reason(value: str) -> RemovedReason:
    if value in REMOVED_REASON_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {REMOVED_REASON_VALUES!r}"
    )
