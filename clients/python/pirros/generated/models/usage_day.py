from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.usage_day_routes import UsageDayRoutes


T = TypeVar("T", bound="UsageDay")


@_attrs_define
class UsageDay:
    """One UTC day of the credential's requests.

    Attributes:
        date (str):  Example: 2026-12-04.
        requests (int): Requests the rate limit counted (the refused ones are not).
        routes (UsageDayRoutes): Requests per route, as `"<METHOD> <path template>"`. Example: {'GET
            /v1/workspaces/{ws}/details': 12}.
    """

    date: str
    requests: int
    routes: UsageDayRoutes
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        date = self.date

        requests = self.requests

        routes = self.routes.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "date": date,
                "requests": requests,
                "routes": routes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.usage_day_routes import UsageDayRoutes

        d = dict(src_dict)
        date = d.pop("date")

        requests = d.pop("requests")

        routes = UsageDayRoutes.from_dict(d.pop("routes"))

        usage_day = cls(
            date=date,
            requests=requests,
            routes=routes,
        )

        usage_day.additional_properties = d
        return usage_day

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
