from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.invalid_request_or_invalid_include_param_error_error_code import (
    InvalidRequestOrInvalidIncludeParamErrorErrorCode,
    check_invalid_request_or_invalid_include_param_error_error_code,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.field_details import FieldDetails


T = TypeVar("T", bound="InvalidRequestOrInvalidIncludeParamErrorError")


@_attrs_define
class InvalidRequestOrInvalidIncludeParamErrorError:
    """
    Attributes:
        code (InvalidRequestOrInvalidIncludeParamErrorErrorCode): Machine-readable; one of the values listed for this
            status.
        message (str): Human-readable; may change.
        details (FieldDetails | Unset): `error.details` of 400 `invalid_request`: the parameter, header or body field at
            fault.
    """

    code: InvalidRequestOrInvalidIncludeParamErrorErrorCode
    message: str
    details: FieldDetails | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        code: str = self.code

        message = self.message

        details: dict[str, Any] | Unset = UNSET
        if not isinstance(self.details, Unset):
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

        d = dict(src_dict)
        code = check_invalid_request_or_invalid_include_param_error_error_code(
            d.pop("code")
        )

        message = d.pop("message")

        _details = d.pop("details", UNSET)
        details: FieldDetails | Unset
        if isinstance(_details, Unset):
            details = UNSET
        else:
            details = FieldDetails.from_dict(_details)

        invalid_request_or_invalid_include_param_error_error = cls(
            code=code,
            message=message,
            details=details,
        )

        return invalid_request_or_invalid_include_param_error_error
