from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="FamilyFile")


@_attrs_define
class FamilyFile:
    """A family version's RFA file, as checked when it was uploaded (or imported).

    Attributes:
        file_name (str):  Example: Door Single Flush.rfa.
        size_bytes (int):
        sha256 (str): Lowercase hex.
        revit_version (int | None): The Revit release year the file's `BasicFileInfo` names (`Format: 2024`, or
            `Autodesk Revit 2019` in older files); `null` when it names none. Example: 2024.
    """

    file_name: str
    size_bytes: int
    sha256: str
    revit_version: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        file_name = self.file_name

        size_bytes = self.size_bytes

        sha256 = self.sha256

        revit_version: int | None
        revit_version = self.revit_version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "file_name": file_name,
                "size_bytes": size_bytes,
                "sha256": sha256,
                "revit_version": revit_version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        file_name = d.pop("file_name")

        size_bytes = d.pop("size_bytes")

        sha256 = d.pop("sha256")

        def _parse_revit_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        revit_version = _parse_revit_version(d.pop("revit_version"))

        family_file = cls(
            file_name=file_name,
            size_bytes=size_bytes,
            sha256=sha256,
            revit_version=revit_version,
        )

        family_file.additional_properties = d
        return family_file

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
