from typing import Literal

ListDetailFlagsStatus = Literal["open", "resolved"]

LIST_DETAIL_FLAGS_STATUS_VALUES: set[ListDetailFlagsStatus] = {
    "open",
    "resolved",
}


def check_list_detail_flags_status(value: str) -> ListDetailFlagsStatus:
    if value in LIST_DETAIL_FLAGS_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {LIST_DETAIL_FLAGS_STATUS_VALUES!r}"
    )
