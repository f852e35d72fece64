from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.item_type import ItemType, check_item_type
from ..models.skip_reason import SkipReason, check_skip_reason

T = TypeVar("T", bound="Skipped")


@_attrs_define
class Skipped:
    """An item of the stash whose files are not in the export.

    Attributes:
        type_ (ItemType):
        id (str):
        reason (SkipReason): Why an item of the stash has no file in the export.
    """

    type_: ItemType
    id: str
    reason: SkipReason
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_: str = self.type_

        id = self.id

        reason: str = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "id": id,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        type_ = check_item_type(d.pop("type"))

        id = d.pop("id")

        reason = check_skip_reason(d.pop("reason"))

        skipped = cls(
            type_=type_,
            id=id,
            reason=reason,
        )

        skipped.additional_properties = d
        return skipped

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
