from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.expanded_projects import ExpandedProjects
    from ..models.expanded_tags import ExpandedTags


T = TypeVar("T", bound="Expanded")


@_attrs_define
class Expanded:
    """Related objects asked for with `include`, keyed by id, only those the caller may read.
    A key is present only when `include` named it.

        Attributes:
            tags (ExpandedTags | Unset): With `include=tags`: the referenced tags.
            projects (ExpandedProjects | Unset): With `include=project`: the referenced projects.
    """

    tags: ExpandedTags | Unset = UNSET
    projects: ExpandedProjects | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        tags: dict[str, Any] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags.to_dict()

        projects: dict[str, Any] | Unset = UNSET
        if not isinstance(self.projects, Unset):
            projects = self.projects.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if tags is not UNSET:
            field_dict["tags"] = tags
        if projects is not UNSET:
            field_dict["projects"] = projects

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.expanded_projects import ExpandedProjects
        from ..models.expanded_tags import ExpandedTags

        d = dict(src_dict)
        _tags = d.pop("tags", UNSET)
        tags: ExpandedTags | Unset
        if isinstance(_tags, Unset):
            tags = UNSET
        else:
            tags = ExpandedTags.from_dict(_tags)

        _projects = d.pop("projects", UNSET)
        projects: ExpandedProjects | Unset
        if isinstance(_projects, Unset):
            projects = UNSET
        else:
            projects = ExpandedProjects.from_dict(_projects)

        expanded = cls(
            tags=tags,
            projects=projects,
        )

        return expanded
