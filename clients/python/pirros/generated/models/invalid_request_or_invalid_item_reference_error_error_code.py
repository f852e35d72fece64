from typing import Literal

InvalidRequestOrInvalidItemReferenceErrorErrorCode = Literal[
    "INVALID_ITEM_REFERENCE", "invalid_request"
]

INVALID_REQUEST_OR_INVALID_ITEM_REFERENCE_ERROR_ERROR_CODE_VALUES: set[
    InvalidRequestOrInvalidItemReferenceErrorErrorCode
] = {
    "INVALID_ITEM_REFERENCE",
    "invalid_request",
}


def check_invalid_request_or_invalid_item_reference_error_error_code(
    value: str,
) -> InvalidRequestOrInvalidItemReferenceErrorErrorCode:
    if value in INVALID_REQUEST_OR_INVALID_ITEM_REFERENCE_ERROR_ERROR_CODE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {INVALID_REQUEST_OR_INVALID_ITEM_REFERENCE_ERROR_ERROR_CODE_VALUES!r}"
    )
