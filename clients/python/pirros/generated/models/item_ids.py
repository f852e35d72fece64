from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="ItemIds")


@_attrs_define
class ItemIds:
    """
    Attributes:
        detail_ids (list[str]):
        family_ids (list[str]):
    """

    detail_ids: list[str]
    family_ids: list[str]

    def to_dict(self) -> dict[str, Any]:
        detail_ids = self.detail_ids

        family_ids = self.family_ids

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "detail_ids": detail_ids,
                "family_ids": family_ids,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        detail_ids = cast(list[str], d.pop("detail_ids"))

        family_ids = cast(list[str], d.pop("family_ids"))

        item_ids = cls(
            detail_ids=detail_ids,
            family_ids=family_ids,
        )

        return item_ids
