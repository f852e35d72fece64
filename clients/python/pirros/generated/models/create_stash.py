from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.item_ids_in import ItemIdsIn


T = TypeVar("T", bound="CreateStash")


@_attrs_define
class CreateStash:
    """The body of a stash create. Unknown fields are a 400.

    Attributes:
        name (str): 1 to 200 characters, not blank. (The pattern asks for one character that is not
            blank as `str::trim` sees it: ECMAScript's `\\s` misses only U+0085.) Example: Library doors.
        project_id (str): A project of this workspace. Example: 8d2e6f10-4a3b-4c1d-9e8f-0a1b2c3d4e51.
        item_ids (ItemIdsIn): The details and families a stash holds: at most 1,000 of each, each readable by you in
            this workspace (else 400 `INVALID_ITEM_REFERENCE`). Duplicates are dropped.
        description (None | str | Unset): At most 2,000 characters.
        is_permanent (bool | None | Unset): Default `false`.
    """

    name: str
    project_id: str
    item_ids: ItemIdsIn
    description: None | str | Unset = UNSET
    is_permanent: bool | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        project_id = self.project_id

        item_ids = self.item_ids.to_dict()

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        is_permanent: bool | None | Unset
        if isinstance(self.is_permanent, Unset):
            is_permanent = UNSET
        else:
            is_permanent = self.is_permanent

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "project_id": project_id,
                "item_ids": item_ids,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if is_permanent is not UNSET:
            field_dict["is_permanent"] = is_permanent

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.item_ids_in import ItemIdsIn

        d = dict(src_dict)
        name = d.pop("name")

        project_id = d.pop("project_id")

        item_ids = ItemIdsIn.from_dict(d.pop("item_ids"))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_is_permanent(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        is_permanent = _parse_is_permanent(d.pop("is_permanent", UNSET))

        create_stash = cls(
            name=name,
            project_id=project_id,
            item_ids=item_ids,
            description=description,
            is_permanent=is_permanent,
        )

        return create_stash
