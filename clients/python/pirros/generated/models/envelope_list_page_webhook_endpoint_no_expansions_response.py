from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.envelope_list_page_webhook_endpoint_no_expansions_response_expanded import (
        EnvelopeListPageWebhookEndpointNoExpansionsResponseExpanded,
    )
    from ..models.webhook_endpoint import WebhookEndpoint


T = TypeVar("T", bound="EnvelopeListPageWebhookEndpointNoExpansionsResponse")


@_attrs_define
class EnvelopeListPageWebhookEndpointNoExpansionsResponse:
    """One page of a list: `{data, next_cursor, expanded}`.

    Attributes:
        data (list[WebhookEndpoint]):
        next_cursor (None | str): Pass it back as `cursor` for the next page; `null` on the last page, and always on
            lists that are never paged.
        expanded (EnvelopeListPageWebhookEndpointNoExpansionsResponseExpanded): `expanded` where nothing can be
            expanded: always `{}`.
    """

    data: list[WebhookEndpoint]
    next_cursor: None | str
    expanded: EnvelopeListPageWebhookEndpointNoExpansionsResponseExpanded

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
        from ..models.envelope_list_page_webhook_endpoint_no_expansions_response_expanded import (
            EnvelopeListPageWebhookEndpointNoExpansionsResponseExpanded,
        )
        from ..models.webhook_endpoint import WebhookEndpoint

        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = WebhookEndpoint.from_dict(data_item_data)

            data.append(data_item)

        def _parse_next_cursor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_cursor = _parse_next_cursor(d.pop("next_cursor"))

        expanded = (
            EnvelopeListPageWebhookEndpointNoExpansionsResponseExpanded.from_dict(
                d.pop("expanded")
            )
        )

        envelope_list_page_webhook_endpoint_no_expansions_response = cls(
            data=data,
            next_cursor=next_cursor,
            expanded=expanded,
        )

        return envelope_list_page_webhook_endpoint_no_expansions_response
