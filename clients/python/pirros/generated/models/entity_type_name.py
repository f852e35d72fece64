from typing import Literal

EntityTypeName = Literal["detail", "family", "stash", "tag"]

ENTITY_TYPE_NAME_VALUES: set[EntityTypeName] = {
    "detail",
    "family",
    "stash",
    "tag",
}


def check_entity_type_name(value: str) -> EntityTypeName:
    if value in ENTITY_TYPE_NAME_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {ENTITY_TYPE_NAME_VALUES!r}"
    )
