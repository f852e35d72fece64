from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.envelope_resource_stash_no_expansions_response_expanded import (
        EnvelopeResourceStashNoExpansionsResponseExpanded,
    )
    from ..models.item_ids import ItemIds


T = TypeVar("T", bound="EnvelopeResourceStashNoExpansionsResponse")


@_attrs_define
class EnvelopeResourceStashNoExpansionsResponse:
    """One resource: its own fields and `expanded`.

    Attributes:
        id (str):
        workspace_id (UUID):
        name (str):
        description (None | str):
        project_id (str):
        is_permanent (bool):
        item_ids (ItemIds):
        created_by (str): The client id (API) or user id (web app) that created it.
        created_at (datetime.datetime):  Example: 2026-06-04T12:00:00.000Z.
        updated_at (datetime.datetime):  Example: 2026-06-04T12:00:00.000Z.
        expanded (EnvelopeResourceStashNoExpansionsResponseExpanded): `expanded` where nothing can be expanded: always
            `{}`.
    """

    id: str
    workspace_id: UUID
    name: str
    description: None | str
    project_id: str
    is_permanent: bool
    item_ids: ItemIds
    created_by: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    expanded: EnvelopeResourceStashNoExpansionsResponseExpanded
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        workspace_id = str(self.workspace_id)

        name = self.name

        description: None | str
        description = self.description

        project_id = self.project_id

        is_permanent = self.is_permanent

        item_ids = self.item_ids.to_dict()

        created_by = self.created_by

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        expanded = self.expanded.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "workspace_id": workspace_id,
                "name": name,
                "description": description,
                "project_id": project_id,
                "is_permanent": is_permanent,
                "item_ids": item_ids,
                "created_by": created_by,
                "created_at": created_at,
                "updated_at": updated_at,
                "expanded": expanded,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.envelope_resource_stash_no_expansions_response_expanded import (
            EnvelopeResourceStashNoExpansionsResponseExpanded,
        )
        from ..models.item_ids import ItemIds

        d = dict(src_dict)
        id = d.pop("id")

        workspace_id = UUID(d.pop("workspace_id"))

        name = d.pop("name")

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))

        project_id = d.pop("project_id")

        is_permanent = d.pop("is_permanent")

        item_ids = ItemIds.from_dict(d.pop("item_ids"))

        created_by = d.pop("created_by")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        expanded = EnvelopeResourceStashNoExpansionsResponseExpanded.from_dict(
            d.pop("expanded")
        )

        envelope_resource_stash_no_expansions_response = cls(
            id=id,
            workspace_id=workspace_id,
            name=name,
            description=description,
            project_id=project_id,
            is_permanent=is_permanent,
            item_ids=item_ids,
            created_by=created_by,
            created_at=created_at,
            updated_at=updated_at,
            expanded=expanded,
        )

        envelope_resource_stash_no_expansions_response.additional_properties = d
        return envelope_resource_stash_no_expansions_response

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
