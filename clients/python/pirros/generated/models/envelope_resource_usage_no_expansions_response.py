from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.envelope_resource_usage_no_expansions_response_expanded import (
        EnvelopeResourceUsageNoExpansionsResponseExpanded,
    )
    from ..models.usage_day import UsageDay


T = TypeVar("T", bound="EnvelopeResourceUsageNoExpansionsResponse")


@_attrs_define
class EnvelopeResourceUsageNoExpansionsResponse:
    """One resource: its own fields and `expanded`.

    Attributes:
        days (list[UsageDay]):
        expanded (EnvelopeResourceUsageNoExpansionsResponseExpanded): `expanded` where nothing can be expanded: always
            `{}`.
    """

    days: list[UsageDay]
    expanded: EnvelopeResourceUsageNoExpansionsResponseExpanded
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        days = []
        for days_item_data in self.days:
            days_item = days_item_data.to_dict()
            days.append(days_item)

        expanded = self.expanded.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "days": days,
                "expanded": expanded,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.envelope_resource_usage_no_expansions_response_expanded import (
            EnvelopeResourceUsageNoExpansionsResponseExpanded,
        )
        from ..models.usage_day import UsageDay

        d = dict(src_dict)
        days = []
        _days = d.pop("days")
        for days_item_data in _days:
            days_item = UsageDay.from_dict(days_item_data)

            days.append(days_item)

        expanded = EnvelopeResourceUsageNoExpansionsResponseExpanded.from_dict(
            d.pop("expanded")
        )

        envelope_resource_usage_no_expansions_response = cls(
            days=days,
            expanded=expanded,
        )

        envelope_resource_usage_no_expansions_response.additional_properties = d
        return envelope_resource_usage_no_expansions_response

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
