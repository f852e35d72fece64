from typing import Literal

ActorType = Literal["admin", "client", "system"]

ACTOR_TYPE_VALUES: set[ActorType] = {
    "admin",
    "client",
    "system",
}


def check_actor_type(value: str) -> ActorType:
    if value in ACTOR_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {ACTOR_TYPE_VALUES!r}"
    )
