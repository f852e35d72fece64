from typing import Literal

SearchDetailsLibrary = Literal["project", "typical"]

SEARCH_DETAILS_LIBRARY_VALUES: set[SearchDetailsLibrary] = {
    "project",
    "typical",
}


def check_search_details_library(value: str) -> SearchDetailsLibrary:
    if value in SEARCH_DETAILS_LIBRARY_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SEARCH_DETAILS_LIBRARY_VALUES!r}"
    )
