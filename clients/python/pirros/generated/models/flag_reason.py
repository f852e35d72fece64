from typing import Literal

FlagReason = Literal["duplicate", "incorrect", "needs_review", "other", "outdated"]

FLAG_REASON_VALUES: set[FlagReason] = {
    "duplicate",
    "incorrect",
    "needs_review",
    "other",
    "outdated",
}


def check_flag_reason(value: str) -> FlagReason:
    if value in FLAG_REASON_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {FLAG_REASON_VALUES!r}"
    )
