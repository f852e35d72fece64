from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.family_file import FamilyFile


T = TypeVar("T", bound="FamilyVersion")


@_attrs_define
class FamilyVersion:
    """One version of a family: `GET .../families/{id}/versions`.

    Attributes:
        version (int):
        file (FamilyFile | None):
        note (None | str): What the uploader said about this version; `null` when nothing.
        created_by (None | str): The client id that uploaded it; `null` for an imported version.
        created_at (datetime.datetime):  Example: 2026-06-04T12:00:00.000Z.
    """

    version: int
    file: FamilyFile | None
    note: None | str
    created_by: None | str
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.family_file import FamilyFile

        version = self.version

        file: dict[str, Any] | None
        if isinstance(self.file, FamilyFile):
            file = self.file.to_dict()
        else:
            file = self.file

        note: None | str
        note = self.note

        created_by: None | str
        created_by = self.created_by

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "version": version,
                "file": file,
                "note": note,
                "created_by": created_by,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.family_file import FamilyFile

        d = dict(src_dict)
        version = d.pop("version")

        def _parse_file(data: object) -> FamilyFile | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                file_type_1 = FamilyFile.from_dict(data)

                return file_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FamilyFile | None, data)

        file = _parse_file(d.pop("file"))

        def _parse_note(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        note = _parse_note(d.pop("note"))

        def _parse_created_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        created_by = _parse_created_by(d.pop("created_by"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        family_version = cls(
            version=version,
            file=file,
            note=note,
            created_by=created_by,
            created_at=created_at,
        )

        family_version.additional_properties = d
        return family_version

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
