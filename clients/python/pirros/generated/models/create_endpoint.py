from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateEndpoint")


@_attrs_define
class CreateEndpoint:
    """A new endpoint.

    Attributes:
        url (str): Where deliveries are POSTed: `https://`, on a public address. Example:
            https://example.com/hooks/pirros.
        event_types (list[str]): Event types (`stash.updated`), type patterns (`detail.*`) or `*` for all. Example:
            ['detail.*', 'stash.removed'].
        description (None | str | Unset):
    """

    url: str
    event_types: list[str]
    description: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        event_types = self.event_types

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "url": url,
                "event_types": event_types,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        url = d.pop("url")

        event_types = cast(list[str], d.pop("event_types"))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        create_endpoint = cls(
            url=url,
            event_types=event_types,
            description=description,
        )

        return create_endpoint
