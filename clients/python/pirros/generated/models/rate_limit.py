from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RateLimit")


@_attrs_define
class RateLimit:
    """The rate limit as it stands after this request: the `X-RateLimit-*` headers' values.

    Attributes:
        limit (int): Requests allowed per hour (`X-RateLimit-Limit`).
        remaining (int): Requests left now (`X-RateLimit-Remaining`).
        reset (int): In Unix seconds: when the current window ends or, once nothing is left, when one more
            request fits (`X-RateLimit-Reset`).
    """

    limit: int
    remaining: int
    reset: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        limit = self.limit

        remaining = self.remaining

        reset = self.reset

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "limit": limit,
                "remaining": remaining,
                "reset": reset,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        limit = d.pop("limit")

        remaining = d.pop("remaining")

        reset = d.pop("reset")

        rate_limit = cls(
            limit=limit,
            remaining=remaining,
            reset=reset,
        )

        rate_limit.additional_properties = d
        return rate_limit

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
