from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="RollSecret")


@_attrs_define
class RollSecret:
    """A secret roll.

    Attributes:
        old_secret_valid_for (int | None | Unset): How long the old secret keeps signing beside the new one, in seconds
            (0..=86400,
            default 86400); secrets rolled earlier sign no longer than that either.
    """

    old_secret_valid_for: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        old_secret_valid_for: int | None | Unset
        if isinstance(self.old_secret_valid_for, Unset):
            old_secret_valid_for = UNSET
        else:
            old_secret_valid_for = self.old_secret_valid_for

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if old_secret_valid_for is not UNSET:
            field_dict["old_secret_valid_for"] = old_secret_valid_for

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_old_secret_valid_for(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        old_secret_valid_for = _parse_old_secret_valid_for(
            d.pop("old_secret_valid_for", UNSET)
        )

        roll_secret = cls(
            old_secret_valid_for=old_secret_valid_for,
        )

        return roll_secret
