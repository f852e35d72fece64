from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ScopeDetails")


@_attrs_define
class ScopeDetails:
    """The `error.details` of a 403 `insufficient_scope`.

    Attributes:
        required_action (str): `read`, `write` or `download`. Example: read.
        entity_type (str): `detail`, `family`, `stash` or `tag`; `project` on the projects list, which any
            read grant opens. Example: detail.
        granted_filter_ids (list[str]): The filters your credential holds for this workspace (any action).
        granted_filter_names (list[str]):
        entity_id (str | Unset): The resource asked about, where there is one.
    """

    required_action: str
    entity_type: str
    granted_filter_ids: list[str]
    granted_filter_names: list[str]
    entity_id: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        required_action = self.required_action

        entity_type = self.entity_type

        granted_filter_ids = self.granted_filter_ids

        granted_filter_names = self.granted_filter_names

        entity_id = self.entity_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "required_action": required_action,
                "entity_type": entity_type,
                "granted_filter_ids": granted_filter_ids,
                "granted_filter_names": granted_filter_names,
            }
        )
        if entity_id is not UNSET:
            field_dict["entity_id"] = entity_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        required_action = d.pop("required_action")

        entity_type = d.pop("entity_type")

        granted_filter_ids = cast(list[str], d.pop("granted_filter_ids"))

        granted_filter_names = cast(list[str], d.pop("granted_filter_names"))

        entity_id = d.pop("entity_id", UNSET)

        scope_details = cls(
            required_action=required_action,
            entity_type=entity_type,
            granted_filter_ids=granted_filter_ids,
            granted_filter_names=granted_filter_names,
            entity_id=entity_id,
        )

        return scope_details
