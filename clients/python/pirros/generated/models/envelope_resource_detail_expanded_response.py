from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.library import Library, check_library

if TYPE_CHECKING:
    from ..models.expanded import Expanded


T = TypeVar("T", bound="EnvelopeResourceDetailExpandedResponse")


@_attrs_define
class EnvelopeResourceDetailExpandedResponse:
    """One resource: its own fields and `expanded`.

    Attributes:
        id (str):
        workspace_id (UUID):
        name (str):
        description (str):
        library (Library):
        tag_ids (list[str]):
        project_id (None | str): `null` when the resource belongs to no project.
        has_pdf (bool):
        has_rvt (bool):
        created_at (datetime.datetime):  Example: 2026-06-04T12:00:00.000Z.
        updated_at (datetime.datetime):  Example: 2026-06-04T12:00:00.000Z.
        open_flags (int): How many of the detail's flags are open. Stored copies of a detail carry no count
            worth trusting: answers take it from the detail's flag counter (`flags.rs`).
            (`default` reads stored copies without it; every answer has it.)
        expanded (Expanded): Related objects asked for with `include`, keyed by id, only those the caller may read.
            A key is present only when `include` named it.
    """

    id: str
    workspace_id: UUID
    name: str
    description: str
    library: Library
    tag_ids: list[str]
    project_id: None | str
    has_pdf: bool
    has_rvt: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime
    open_flags: int
    expanded: Expanded
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        workspace_id = str(self.workspace_id)

        name = self.name

        description = self.description

        library: str = self.library

        tag_ids = self.tag_ids

        project_id: None | str
        project_id = self.project_id

        has_pdf = self.has_pdf

        has_rvt = self.has_rvt

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        open_flags = self.open_flags

        expanded = self.expanded.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "workspace_id": workspace_id,
                "name": name,
                "description": description,
                "library": library,
                "tag_ids": tag_ids,
                "project_id": project_id,
                "has_pdf": has_pdf,
                "has_rvt": has_rvt,
                "created_at": created_at,
                "updated_at": updated_at,
                "open_flags": open_flags,
                "expanded": expanded,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.expanded import Expanded

        d = dict(src_dict)
        id = d.pop("id")

        workspace_id = UUID(d.pop("workspace_id"))

        name = d.pop("name")

        description = d.pop("description")

        library = check_library(d.pop("library"))

        tag_ids = cast(list[str], d.pop("tag_ids"))

        def _parse_project_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        project_id = _parse_project_id(d.pop("project_id"))

        has_pdf = d.pop("has_pdf")

        has_rvt = d.pop("has_rvt")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        open_flags = d.pop("open_flags")

        expanded = Expanded.from_dict(d.pop("expanded"))

        envelope_resource_detail_expanded_response = cls(
            id=id,
            workspace_id=workspace_id,
            name=name,
            description=description,
            library=library,
            tag_ids=tag_ids,
            project_id=project_id,
            has_pdf=has_pdf,
            has_rvt=has_rvt,
            created_at=created_at,
            updated_at=updated_at,
            open_flags=open_flags,
            expanded=expanded,
        )

        envelope_resource_detail_expanded_response.additional_properties = d
        return envelope_resource_detail_expanded_response

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
