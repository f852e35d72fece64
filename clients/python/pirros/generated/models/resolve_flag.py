from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.resolved_status import ResolvedStatus, check_resolved_status
from ..types import UNSET, Unset

T = TypeVar("T", bound="ResolveFlag")


@_attrs_define
class ResolveFlag:
    """The body of a flag update. Unknown fields are a 400.

    Attributes:
        status (ResolvedStatus): What a flag can be set to: resolved (a resolved flag is not reopened).
        resolution_note (None | str | Unset): At most 2,000 characters. Sent again for a resolved flag, it replaces the
            note.
    """

    status: ResolvedStatus
    resolution_note: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        status: str = self.status

        resolution_note: None | str | Unset
        if isinstance(self.resolution_note, Unset):
            resolution_note = UNSET
        else:
            resolution_note = self.resolution_note

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "status": status,
            }
        )
        if resolution_note is not UNSET:
            field_dict["resolution_note"] = resolution_note

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        status = check_resolved_status(d.pop("status"))

        def _parse_resolution_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        resolution_note = _parse_resolution_note(d.pop("resolution_note", UNSET))

        resolve_flag = cls(
            status=status,
            resolution_note=resolution_note,
        )

        return resolve_flag
