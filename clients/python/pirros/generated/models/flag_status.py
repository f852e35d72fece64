from typing import Literal

FlagStatus = Literal["open", "resolved"]

FLAG_STATUS_VALUES: set[FlagStatus] = {
    "open",
    "resolved",
}


def check_flag_status(value: str) -> FlagStatus:
    if value in FLAG_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {FLAG_STATUS_VALUES!r}"
    )
