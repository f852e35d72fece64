from typing import Literal

SkipReason = Literal["downloads_disabled", "no_file", "not_downloadable", "not_found"]

SKIP_REASON_VALUES: set[SkipReason] = {
    "downloads_disabled",
    "no_file",
    "not_downloadable",
    "not_found",
}


def check_skip_reason(value: str) -> SkipReason:
    if value in SKIP_REASON_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SKIP_REASON_VALUES!r}"
    )
