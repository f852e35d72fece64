from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.family_file import FamilyFile


T = TypeVar("T", bound="ScoredFamily")


@_attrs_define
class ScoredFamily:
    """A family with how alike it is to the one asked about.

    Attributes:
        id (str):
        workspace_id (UUID):
        name (str):
        category (str):
        description (str):
        tag_ids (list[str]):
        project_id (None | str): `null` when the resource belongs to no project.
        has_rfa (bool):
        file (FamilyFile | None):
        created_at (datetime.datetime):  Example: 2026-06-04T12:00:00.000Z.
        updated_at (datetime.datetime):  Example: 2026-06-04T12:00:00.000Z.
        group_id (None | str): The family group it belongs to (`GET .../families/{id}/group`); `null` for none.
        score (float): 0 (nothing in common) to 1, four decimals.
        version (int | Unset): 1 for a family that was imported; each upload adds one.
    """

    id: str
    workspace_id: UUID
    name: str
    category: str
    description: str
    tag_ids: list[str]
    project_id: None | str
    has_rfa: bool
    file: FamilyFile | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    group_id: None | str
    score: float
    version: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.family_file import FamilyFile

        id = self.id

        workspace_id = str(self.workspace_id)

        name = self.name

        category = self.category

        description = self.description

        tag_ids = self.tag_ids

        project_id: None | str
        project_id = self.project_id

        has_rfa = self.has_rfa

        file: dict[str, Any] | None
        if isinstance(self.file, FamilyFile):
            file = self.file.to_dict()
        else:
            file = self.file

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        group_id: None | str
        group_id = self.group_id

        score = self.score

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "workspace_id": workspace_id,
                "name": name,
                "category": category,
                "description": description,
                "tag_ids": tag_ids,
                "project_id": project_id,
                "has_rfa": has_rfa,
                "file": file,
                "created_at": created_at,
                "updated_at": updated_at,
                "group_id": group_id,
                "score": score,
            }
        )
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.family_file import FamilyFile

        d = dict(src_dict)
        id = d.pop("id")

        workspace_id = UUID(d.pop("workspace_id"))

        name = d.pop("name")

        category = d.pop("category")

        description = d.pop("description")

        tag_ids = cast(list[str], d.pop("tag_ids"))

        def _parse_project_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        project_id = _parse_project_id(d.pop("project_id"))

        has_rfa = d.pop("has_rfa")

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

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_group_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        group_id = _parse_group_id(d.pop("group_id"))

        score = d.pop("score")

        version = d.pop("version", UNSET)

        scored_family = cls(
            id=id,
            workspace_id=workspace_id,
            name=name,
            category=category,
            description=description,
            tag_ids=tag_ids,
            project_id=project_id,
            has_rfa=has_rfa,
            file=file,
            created_at=created_at,
            updated_at=updated_at,
            group_id=group_id,
            score=score,
            version=version,
        )

        scored_family.additional_properties = d
        return scored_family

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
