from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.event import Event
    from ..models.no_expansions import NoExpansions


T = TypeVar("T", bound="EventPage")


@_attrs_define
class EventPage:
    """A page of the feed.

    Attributes:
        data (list[Event]):
        next_cursor (str): Where the next request resumes, also when `data` is empty: never null. Pass it
            back as `after`.
        has_more (bool): Whether more events exist now after `next_cursor`.
        expanded (NoExpansions): `expanded` where nothing can be expanded: always `{}`.
    """

    data: list[Event]
    next_cursor: str
    has_more: bool
    expanded: NoExpansions
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        next_cursor = self.next_cursor

        has_more = self.has_more

        expanded = self.expanded.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
                "next_cursor": next_cursor,
                "has_more": has_more,
                "expanded": expanded,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.event import Event
        from ..models.no_expansions import NoExpansions

        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = Event.from_dict(data_item_data)

            data.append(data_item)

        next_cursor = d.pop("next_cursor")

        has_more = d.pop("has_more")

        expanded = NoExpansions.from_dict(d.pop("expanded"))

        event_page = cls(
            data=data,
            next_cursor=next_cursor,
            has_more=has_more,
            expanded=expanded,
        )

        event_page.additional_properties = d
        return event_page

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
