from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="UploadFamily")


@_attrs_define
class UploadFamily:
    """The body of `POST .../families/uploads`. Unknown fields are a 400.

    Attributes:
        file_name (str): The file's name, ending in `.rfa`: 1 to 255 characters, no slashes or control
            characters. Example: Door Single Flush.rfa.
        size_bytes (int): The exact size of the file you will PUT: 1 to `MAX_UPLOAD_BYTES` (200 MiB unless
            the deployment configures another cap; the maximum below is that default). Example: 1048576.
        sha256 (str): The file's SHA-256, 64 hex digits.
        family_id (None | str | Unset): A family of this workspace that the file becomes the next version of. Leave it
            out
            for a new family. Example: fam-door-single.
        name (None | str | Unset): 1 to 200 characters, not blank. Required for a new family; for a new version it
            renames the family. Example: Door Single Flush.
        category (None | str | Unset): 1 to 200 characters, not blank. Required for a new family. Example: Doors.
        description (None | str | Unset): At most 2,000 characters.
        tag_ids (list[str] | None | Unset): At most 100 tags of this workspace that you may read (else 400
            `INVALID_ITEM_REFERENCE`).
        project_id (None | str | Unset): A project of this workspace (else 400 `INVALID_ITEM_REFERENCE`).
        note (None | str | Unset): About this version, at most 2,000 characters.
    """

    file_name: str
    size_bytes: int
    sha256: str
    family_id: None | str | Unset = UNSET
    name: None | str | Unset = UNSET
    category: None | str | Unset = UNSET
    description: None | str | Unset = UNSET
    tag_ids: list[str] | None | Unset = UNSET
    project_id: None | str | Unset = UNSET
    note: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        file_name = self.file_name

        size_bytes = self.size_bytes

        sha256 = self.sha256

        family_id: None | str | Unset
        if isinstance(self.family_id, Unset):
            family_id = UNSET
        else:
            family_id = self.family_id

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        category: None | str | Unset
        if isinstance(self.category, Unset):
            category = UNSET
        else:
            category = self.category

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        tag_ids: list[str] | None | Unset
        if isinstance(self.tag_ids, Unset):
            tag_ids = UNSET
        elif isinstance(self.tag_ids, list):
            tag_ids = self.tag_ids

        else:
            tag_ids = self.tag_ids

        project_id: None | str | Unset
        if isinstance(self.project_id, Unset):
            project_id = UNSET
        else:
            project_id = self.project_id

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "file_name": file_name,
                "size_bytes": size_bytes,
                "sha256": sha256,
            }
        )
        if family_id is not UNSET:
            field_dict["family_id"] = family_id
        if name is not UNSET:
            field_dict["name"] = name
        if category is not UNSET:
            field_dict["category"] = category
        if description is not UNSET:
            field_dict["description"] = description
        if tag_ids is not UNSET:
            field_dict["tag_ids"] = tag_ids
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        file_name = d.pop("file_name")

        size_bytes = d.pop("size_bytes")

        sha256 = d.pop("sha256")

        def _parse_family_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        family_id = _parse_family_id(d.pop("family_id", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_category(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        category = _parse_category(d.pop("category", UNSET))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_tag_ids(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                tag_ids_type_0 = cast(list[str], data)

                return tag_ids_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        tag_ids = _parse_tag_ids(d.pop("tag_ids", UNSET))

        def _parse_project_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        project_id = _parse_project_id(d.pop("project_id", UNSET))

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        upload_family = cls(
            file_name=file_name,
            size_bytes=size_bytes,
            sha256=sha256,
            family_id=family_id,
            name=name,
            category=category,
            description=description,
            tag_ids=tag_ids,
            project_id=project_id,
            note=note,
        )

        return upload_family
