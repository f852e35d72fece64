from typing import Literal

ActionName = Literal["download", "read", "write"]

ACTION_NAME_VALUES: set[ActionName] = {
    "download",
    "read",
    "write",
}


def check_action_name(value: str) -> ActionName:
    if value in ACTION_NAME_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {ACTION_NAME_VALUES!r}"
    )
