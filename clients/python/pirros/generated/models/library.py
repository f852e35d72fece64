from typing import Literal

Library = Literal["project", "typical"]

LIBRARY_VALUES: set[Library] = {
    "project",
    "typical",
}


def check_library(value: str) -> Library:
    if value in LIBRARY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {LIBRARY_VALUES!r}")
