from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.endpoint_status import EndpointStatus, check_endpoint_status
from ..types import UNSET, Unset

T = TypeVar("T", bound="UpdateEndpoint")


@_attrs_define
class UpdateEndpoint:
    """The fields to change; the others stay.

    Attributes:
        event_types (list[str]):
        url (str | Unset): As on create.
        description (None | str | Unset): `null` clears it.
        status (EndpointStatus | None | Unset):
    """

    event_types: list[str]
    url: str | Unset = UNSET
    description: None | str | Unset = UNSET
    status: EndpointStatus | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        event_types = self.event_types

        url = self.url

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, str):
            status = self.status
        else:
            status = self.status

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "event_types": event_types,
            }
        )
        if url is not UNSET:
            field_dict["url"] = url
        if description is not UNSET:
            field_dict["description"] = description
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        event_types = cast(list[str], d.pop("event_types"))

        url = d.pop("url", UNSET)

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_status(data: object) -> EndpointStatus | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_1 = check_endpoint_status(data)

                return status_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EndpointStatus | None | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        update_endpoint = cls(
            event_types=event_types,
            url=url,
            description=description,
            status=status,
        )

        return update_endpoint
