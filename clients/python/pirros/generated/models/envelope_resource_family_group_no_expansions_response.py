from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.envelope_resource_family_group_no_expansions_response_expanded import (
        EnvelopeResourceFamilyGroupNoExpansionsResponseExpanded,
    )


T = TypeVar("T", bound="EnvelopeResourceFamilyGroupNoExpansionsResponse")


@_attrs_define
class EnvelopeResourceFamilyGroupNoExpansionsResponse:
    """One resource: its own fields and `expanded`.

    Attributes:
        id (str):
        workspace_id (UUID):
        name (str):
        family_ids (list[str]): The member families (in an answer, only those you may read).
        expanded (EnvelopeResourceFamilyGroupNoExpansionsResponseExpanded): `expanded` where nothing can be expanded:
            always `{}`.
    """

    id: str
    workspace_id: UUID
    name: str
    family_ids: list[str]
    expanded: EnvelopeResourceFamilyGroupNoExpansionsResponseExpanded
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        workspace_id = str(self.workspace_id)

        name = self.name

        family_ids = self.family_ids

        expanded = self.expanded.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "workspace_id": workspace_id,
                "name": name,
                "family_ids": family_ids,
                "expanded": expanded,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.envelope_resource_family_group_no_expansions_response_expanded import (
            EnvelopeResourceFamilyGroupNoExpansionsResponseExpanded,
        )

        d = dict(src_dict)
        id = d.pop("id")

        workspace_id = UUID(d.pop("workspace_id"))

        name = d.pop("name")

        family_ids = cast(list[str], d.pop("family_ids"))

        expanded = EnvelopeResourceFamilyGroupNoExpansionsResponseExpanded.from_dict(
            d.pop("expanded")
        )

        envelope_resource_family_group_no_expansions_response = cls(
            id=id,
            workspace_id=workspace_id,
            name=name,
            family_ids=family_ids,
            expanded=expanded,
        )

        envelope_resource_family_group_no_expansions_response.additional_properties = d
        return envelope_resource_family_group_no_expansions_response

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
