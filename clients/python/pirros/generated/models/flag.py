from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.flag_reason import FlagReason, check_flag_reason
from ..models.flag_status import FlagStatus, check_flag_status

T = TypeVar("T", bound="Flag")


@_attrs_define
class Flag:
    """A flag on a detail.

    Attributes:
        id (str): Time-ordered (a UUIDv7): a later flag of the same detail has a greater id.
        detail_id (str):
        reason (FlagReason): Why a detail was flagged.
        note (None | str): What the flagger wrote; required with reason `other`.
        status (FlagStatus):
        resolution_note (None | str): What the resolver wrote, if anything.
        created_by (str): The client id that flagged the detail.
        created_at (datetime.datetime):  Example: 2026-06-04T12:00:00.000Z.
        resolved_at (datetime.datetime | None): `null` while the flag is open.
        updated_at (datetime.datetime):  Example: 2026-06-04T12:00:00.000Z.
    """

    id: str
    detail_id: str
    reason: FlagReason
    note: None | str
    status: FlagStatus
    resolution_note: None | str
    created_by: str
    created_at: datetime.datetime
    resolved_at: datetime.datetime | None
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        detail_id = self.detail_id

        reason: str = self.reason

        note: None | str
        note = self.note

        status: str = self.status

        resolution_note: None | str
        resolution_note = self.resolution_note

        created_by = self.created_by

        created_at = self.created_at.isoformat()

        resolved_at: None | str
        if isinstance(self.resolved_at, datetime.datetime):
            resolved_at = self.resolved_at.isoformat()
        else:
            resolved_at = self.resolved_at

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "detail_id": detail_id,
                "reason": reason,
                "note": note,
                "status": status,
                "resolution_note": resolution_note,
                "created_by": created_by,
                "created_at": created_at,
                "resolved_at": resolved_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        detail_id = d.pop("detail_id")

        reason = check_flag_reason(d.pop("reason"))

        def _parse_note(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        note = _parse_note(d.pop("note"))

        status = check_flag_status(d.pop("status"))

        def _parse_resolution_note(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        resolution_note = _parse_resolution_note(d.pop("resolution_note"))

        created_by = d.pop("created_by")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_resolved_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resolved_at_type_0 = datetime.datetime.fromisoformat(data)

                return resolved_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        resolved_at = _parse_resolved_at(d.pop("resolved_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        flag = cls(
            id=id,
            detail_id=detail_id,
            reason=reason,
            note=note,
            status=status,
            resolution_note=resolution_note,
            created_by=created_by,
            created_at=created_at,
            resolved_at=resolved_at,
            updated_at=updated_at,
        )

        flag.additional_properties = d
        return flag

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
