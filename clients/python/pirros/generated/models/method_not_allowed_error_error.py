from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.method_not_allowed_error_error_code import (
    MethodNotAllowedErrorErrorCode,
    check_method_not_allowed_error_error_code,
)

T = TypeVar("T", bound="MethodNotAllowedErrorError")


@_attrs_define
class MethodNotAllowedErrorError:
    """
    Attributes:
        code (MethodNotAllowedErrorErrorCode): Machine-readable; one of the values listed for this status.
        message (str): Human-readable; may change.
    """

    code: MethodNotAllowedErrorErrorCode
    message: str

    def to_dict(self) -> dict[str, Any]:
        code: str = self.code

        message = self.message

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "code": code,
                "message": message,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        code = check_method_not_allowed_error_error_code(d.pop("code"))

        message = d.pop("message")

        method_not_allowed_error_error = cls(
            code=code,
            message=message,
        )

        return method_not_allowed_error_error
