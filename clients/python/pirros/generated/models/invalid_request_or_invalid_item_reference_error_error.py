from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.invalid_request_or_invalid_item_reference_error_error_code import (
    InvalidRequestOrInvalidItemReferenceErrorErrorCode,
    check_invalid_request_or_invalid_item_reference_error_error_code,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.field_details import FieldDetails
    from ..models.item_reference_details import ItemReferenceDetails


T = TypeVar("T", bound="InvalidRequestOrInvalidItemReferenceErrorError")


@_attrs_define
class InvalidRequestOrInvalidItemReferenceErrorError:
    """
    Attributes:
        code (InvalidRequestOrInvalidItemReferenceErrorErrorCode): Machine-readable; one of the values listed for this
            status.
        message (str): Human-readable; may change.
        details (FieldDetails | ItemReferenceDetails | Unset):
    """

    code: InvalidRequestOrInvalidItemReferenceErrorErrorCode
    message: str
    details: FieldDetails | ItemReferenceDetails | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.field_details import FieldDetails

        code: str = self.code

        message = self.message

        details: dict[str, Any] | Unset
        if isinstance(self.details, Unset):
            details = UNSET
        elif isinstance(self.details, FieldDetails):
            details = self.details.to_dict()
        else:
            details = self.details.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "code": code,
                "message": message,
            }
        )
        if details is not UNSET:
            field_dict["details"] = details

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.field_details import FieldDetails
        from ..models.item_reference_details import ItemReferenceDetails

        d = dict(src_dict)
        code = check_invalid_request_or_invalid_item_reference_error_error_code(
            d.pop("code")
        )

        message = d.pop("message")

        def _parse_details(data: object) -> FieldDetails | ItemReferenceDetails | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                details_type_0 = FieldDetails.from_dict(data)

                return details_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            details_type_1 = ItemReferenceDetails.from_dict(data)

            return details_type_1

        details = _parse_details(d.pop("details", UNSET))

        invalid_request_or_invalid_item_reference_error_error = cls(
            code=code,
            message=message,
            details=details,
        )

        return invalid_request_or_invalid_item_reference_error_error
