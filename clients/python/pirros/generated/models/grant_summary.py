from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.action_name import ActionName, check_action_name
from ..models.entity_type_name import EntityTypeName, check_entity_type_name

T = TypeVar("T", bound="GrantSummary")


@_attrs_define
class GrantSummary:
    """One grant: an action on the resources of one type that a filter matches.

    Attributes:
        action (ActionName): An action a grant allows.
        entity_type (EntityTypeName): A resource type a grant's filter applies to.
        filter_id (str): `default:<type>` (every resource of the type) or a custom filter's id. Example:
            default:details.
        filter_name (str):  Example: All details.
    """

    action: ActionName
    entity_type: EntityTypeName
    filter_id: str
    filter_name: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action: str = self.action

        entity_type: str = self.entity_type

        filter_id = self.filter_id

        filter_name = self.filter_name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "entity_type": entity_type,
                "filter_id": filter_id,
                "filter_name": filter_name,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        action = check_action_name(d.pop("action"))

        entity_type = check_entity_type_name(d.pop("entity_type"))

        filter_id = d.pop("filter_id")

        filter_name = d.pop("filter_name")

        grant_summary = cls(
            action=action,
            entity_type=entity_type,
            filter_id=filter_id,
            filter_name=filter_name,
        )

        grant_summary.additional_properties = d
        return grant_summary

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
