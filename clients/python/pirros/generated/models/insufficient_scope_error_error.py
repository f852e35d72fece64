from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.insufficient_scope_error_error_code import (
    InsufficientScopeErrorErrorCode,
    check_insufficient_scope_error_error_code,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.scope_details import ScopeDetails


T = TypeVar("T", bound="InsufficientScopeErrorError")


@_attrs_define
class InsufficientScopeErrorError:
    """
    Attributes:
        code (InsufficientScopeErrorErrorCode): Machine-readable; one of the values listed for this status.
        message (str): Human-readable; may change.
        details (ScopeDetails | Unset): The `error.details` of a 403 `insufficient_scope`.
    """

    code: InsufficientScopeErrorErrorCode
    message: str
    details: ScopeDetails | Unset = UNSET

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
        from ..models.scope_details import ScopeDetails

        d = dict(src_dict)
        code = check_insufficient_scope_error_error_code(d.pop("code"))

        message = d.pop("message")

        _details = d.pop("details", UNSET)
        details: ScopeDetails | Unset
        if isinstance(_details, Unset):
            details = UNSET
        else:
            details = ScopeDetails.from_dict(_details)

        insufficient_scope_error_error = cls(
            code=code,
            message=message,
            details=details,
        )

        return insufficient_scope_error_error
