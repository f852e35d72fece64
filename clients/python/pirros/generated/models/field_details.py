from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="FieldDetails")


@_attrs_define
class FieldDetails:
    """`error.details` of 400 `invalid_request`: the parameter, header or body field at fault.

    Attributes:
        field (str):
    """

    field: str

    def to_dict(self) -> dict[str, Any]:
        field = self.field

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "field": field,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        field = d.pop("field")

        field_details = cls(
            field=field,
        )

        return field_details
