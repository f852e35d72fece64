from typing import Literal

ObjectType = Literal[
    "credential", "detail", "family", "flag", "job", "project", "stash", "tag"
]

OBJECT_TYPE_VALUES: set[ObjectType] = {
    "credential",
    "detail",
    "family",
    "flag",
    "job",
    "project",
    "stash",
    "tag",
}


def check_object_type(value: str) -> ObjectType:
    if value in OBJECT_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {OBJECT_TYPE_VALUES!r}"
    )
