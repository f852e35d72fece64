from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.object_type import ObjectType, check_object_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="EventObject")


@_attrs_define
class EventObject:
    """What the event is about: `{type, id}`, with a flag's detail and a family version's
    number.

        Attributes:
            type_ (ObjectType): What an event is about.
            id (str):
            detail_id (None | str | Unset): A flag's detail.
            version (int | None | Unset): A family version's number.
    """

    type_: ObjectType
    id: str
    detail_id: None | str | Unset = UNSET
    version: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_: str = self.type_

        id = self.id

        detail_id: None | str | Unset
        if isinstance(self.detail_id, Unset):
            detail_id = UNSET
        else:
            detail_id = self.detail_id

        version: int | None | Unset
        if isinstance(self.version, Unset):
            version = UNSET
        else:
            version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "id": id,
            }
        )
        if detail_id is not UNSET:
            field_dict["detail_id"] = detail_id
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        type_ = check_object_type(d.pop("type"))

        id = d.pop("id")

        def _parse_detail_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        detail_id = _parse_detail_id(d.pop("detail_id", UNSET))

        def _parse_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        version = _parse_version(d.pop("version", UNSET))

        event_object = cls(
            type_=type_,
            id=id,
            detail_id=detail_id,
            version=version,
        )

        event_object.additional_properties = d
        return event_object

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
