from typing import Literal

IncludeValue = Literal["project", "tags"]

INCLUDE_VALUE_VALUES: set[IncludeValue] = {
    "project",
    "tags",
}


def check_include_value(value: str) -> IncludeValue:
    if value in INCLUDE_VALUE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {INCLUDE_VALUE_VALUES!r}"
    )
