from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SnapshotCounts")


@_attrs_define
class SnapshotCounts:
    """How many resources of each type a snapshot holds.

    Attributes:
        tags (int):
        projects (int):
        details (int):
        families (int):
        stashes (int):
    """

    tags: int
    projects: int
    details: int
    families: int
    stashes: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        tags = self.tags

        projects = self.projects

        details = self.details

        families = self.families

        stashes = self.stashes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "tags": tags,
                "projects": projects,
                "details": details,
                "families": families,
                "stashes": stashes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        tags = d.pop("tags")

        projects = d.pop("projects")

        details = d.pop("details")

        families = d.pop("families")

        stashes = d.pop("stashes")

        snapshot_counts = cls(
            tags=tags,
            projects=projects,
            details=details,
            families=families,
            stashes=stashes,
        )

        snapshot_counts.additional_properties = d
        return snapshot_counts

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
