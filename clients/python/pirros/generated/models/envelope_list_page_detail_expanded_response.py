from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.detail import Detail
    from ..models.expanded import Expanded


T = TypeVar("T", bound="EnvelopeListPageDetailExpandedResponse")


@_attrs_define
class EnvelopeListPageDetailExpandedResponse:
    """One page of a list: `{data, next_cursor, expanded}`.

    Attributes:
        data (list[Detail]):
        next_cursor (None | str): Pass it back as `cursor` for the next page; `null` on the last page, and always on
            lists that are never paged.
        expanded (Expanded): Related objects asked for with `include`, keyed by id, only those the caller may read.
            A key is present only when `include` named it.
    """

    data: list[Detail]
    next_cursor: None | str
    expanded: Expanded

    def to_dict(self) -> dict[str, Any]:
        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        next_cursor: None | str
        next_cursor = self.next_cursor

        expanded = self.expanded.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "data": data,
                "next_cursor": next_cursor,
                "expanded": expanded,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.detail import Detail
        from ..models.expanded import Expanded

        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = Detail.from_dict(data_item_data)

            data.append(data_item)

        def _parse_next_cursor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_cursor = _parse_next_cursor(d.pop("next_cursor"))

        expanded = Expanded.from_dict(d.pop("expanded"))

        envelope_list_page_detail_expanded_response = cls(
            data=data,
            next_cursor=next_cursor,
            expanded=expanded,
        )

        return envelope_list_page_detail_expanded_response
