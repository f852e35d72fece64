from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.not_found_error_error_code import (
    NotFoundErrorErrorCode,
    check_not_found_error_error_code,
)

T = TypeVar("T", bound="NotFoundErrorError")


@_attrs_define
class NotFoundErrorError:
    """
    Attributes:
        code (NotFoundErrorErrorCode): Machine-readable; one of the values listed for this status.
        message (str): Human-readable; may change.
    """

    code: NotFoundErrorErrorCode
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
        code = check_not_found_error_error_code(d.pop("code"))

        message = d.pop("message")

        not_found_error_error = cls(
            code=code,
            message=message,
        )

        return not_found_error_error
