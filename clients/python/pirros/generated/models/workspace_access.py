from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.grant_summary import GrantSummary


T = TypeVar("T", bound="WorkspaceAccess")


@_attrs_define
class WorkspaceAccess:
    """A workspace you may use, and what your grants allow in it.

    Attributes:
        id (UUID):
        name (str):
        downloads_enabled (bool): `false`: every download of the workspace answers 403 `DOWNLOAD_DISABLED`.
        grants (list[GrantSummary]): By `entity_type`, then `action` (read, write, download), then `filter_id`.
    """

    id: UUID
    name: str
    downloads_enabled: bool
    grants: list[GrantSummary]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        name = self.name

        downloads_enabled = self.downloads_enabled

        grants = []
        for grants_item_data in self.grants:
            grants_item = grants_item_data.to_dict()
            grants.append(grants_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "downloads_enabled": downloads_enabled,
                "grants": grants,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.grant_summary import GrantSummary

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        name = d.pop("name")

        downloads_enabled = d.pop("downloads_enabled")

        grants = []
        _grants = d.pop("grants")
        for grants_item_data in _grants:
            grants_item = GrantSummary.from_dict(grants_item_data)

            grants.append(grants_item)

        workspace_access = cls(
            id=id,
            name=name,
            downloads_enabled=downloads_enabled,
            grants=grants,
        )

        workspace_access.additional_properties = d
        return workspace_access

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
