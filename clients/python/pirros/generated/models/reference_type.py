from typing import Literal

ReferenceType = Literal["detail", "stash"]

REFERENCE_TYPE_VALUES: set[ReferenceType] = {
    "detail",
    "stash",
}


def check_reference_type(value: str) -> ReferenceType:
    if value in REFERENCE_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {REFERENCE_TYPE_VALUES!r}"
    )
