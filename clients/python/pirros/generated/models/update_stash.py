from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.item_ids_in import ItemIdsIn


T = TypeVar("T", bound="UpdateStash")


@_attrs_define
class UpdateStash:
    """The body of a stash update: the fields to change, each optional. Unknown fields are a
    400; so is `null` for any field but `description`.

        Attributes:
            name (str | Unset): 1 to 200 characters, not blank.
            description (None | str | Unset): At most 2,000 characters; `null` clears it.
            is_permanent (bool | Unset):
            item_ids (ItemIdsIn | Unset): The details and families a stash holds: at most 1,000 of each, each readable by
                you in
                this workspace (else 400 `INVALID_ITEM_REFERENCE`). Duplicates are dropped.
    """

    name: str | Unset = UNSET
    description: None | str | Unset = UNSET
    is_permanent: bool | Unset = UNSET
    item_ids: ItemIdsIn | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        is_permanent = self.is_permanent

        item_ids: dict[str, Any] | Unset = UNSET
        if not isinstance(self.item_ids, Unset):
            item_ids = self.item_ids.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if description is not UNSET:
            field_dict["description"] = description
        if is_permanent is not UNSET:
            field_dict["is_permanent"] = is_permanent
        if item_ids is not UNSET:
            field_dict["item_ids"] = item_ids

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.item_ids_in import ItemIdsIn

        d = dict(src_dict)
        name = d.pop("name", UNSET)

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        is_permanent = d.pop("is_permanent", UNSET)

        _item_ids = d.pop("item_ids", UNSET)
        item_ids: ItemIdsIn | Unset
        if isinstance(_item_ids, Unset):
            item_ids = UNSET
        else:
            item_ids = ItemIdsIn.from_dict(_item_ids)

        update_stash = cls(
            name=name,
            description=description,
            is_permanent=is_permanent,
            item_ids=item_ids,
        )

        return update_stash
