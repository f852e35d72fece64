from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ItemReferenceDetails")


@_attrs_define
class ItemReferenceDetails:
    """`error.details` of 400 `INVALID_ITEM_REFERENCE`: the ids that are malformed, missing
    from the workspace, or not readable with your grants.

        Attributes:
            detail_ids (list[str]):
            family_ids (list[str]):
            tag_ids (list[str] | Unset): Tags of a family upload that are not in the workspace or not readable (present only
                then).
            project_ids (list[str] | Unset): The project of a family upload, when it is not one of the workspace's (present
                only
                then).
    """

    detail_ids: list[str]
    family_ids: list[str]
    tag_ids: list[str] | Unset = UNSET
    project_ids: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        detail_ids = self.detail_ids

        family_ids = self.family_ids

        tag_ids: list[str] | Unset = UNSET
        if not isinstance(self.tag_ids, Unset):
            tag_ids = self.tag_ids

        project_ids: list[str] | Unset = UNSET
        if not isinstance(self.project_ids, Unset):
            project_ids = self.project_ids

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "detail_ids": detail_ids,
                "family_ids": family_ids,
            }
        )
        if tag_ids is not UNSET:
            field_dict["tag_ids"] = tag_ids
        if project_ids is not UNSET:
            field_dict["project_ids"] = project_ids

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        detail_ids = cast(list[str], d.pop("detail_ids"))

        family_ids = cast(list[str], d.pop("family_ids"))

        tag_ids = cast(list[str], d.pop("tag_ids", UNSET))

        project_ids = cast(list[str], d.pop("project_ids", UNSET))

        item_reference_details = cls(
            detail_ids=detail_ids,
            family_ids=family_ids,
            tag_ids=tag_ids,
            project_ids=project_ids,
        )

        return item_reference_details
