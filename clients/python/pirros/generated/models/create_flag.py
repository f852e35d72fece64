from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.flag_reason import FlagReason, check_flag_reason
from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateFlag")


@_attrs_define
class CreateFlag:
    """The body of a flag create. Unknown fields are a 400.

    Attributes:
        reason (FlagReason): Why a detail was flagged.
        note (None | str | Unset): At most 2,000 characters; required (not blank) when `reason` is `other`. Example: The
            sill height changed in the 2026 standard..
    """

    reason: FlagReason
    note: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        reason: str = self.reason

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "reason": reason,
            }
        )
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        reason = check_flag_reason(d.pop("reason"))

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        create_flag = cls(
            reason=reason,
            note=note,
        )

        return create_flag
