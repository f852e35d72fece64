from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CatalogueEntry")


@_attrs_define
class CatalogueEntry:
    """One code of the catalogue.

    Attributes:
        code (str): `error.code` on `/v1`; `error` on `/oauth/token` and in 429s.
        status (int): The HTTP status it comes with.
        endpoints (str): Where it can happen: `/v1`, `/oauth/token` or `any`.
        when (str): When it happens and what to do (Markdown).
    """

    code: str
    status: int
    endpoints: str
    when: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        status = self.status

        endpoints = self.endpoints

        when = self.when

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "status": status,
                "endpoints": endpoints,
                "when": when,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        code = d.pop("code")

        status = d.pop("status")

        endpoints = d.pop("endpoints")

        when = d.pop("when")

        catalogue_entry = cls(
            code=code,
            status=status,
            endpoints=endpoints,
            when=when,
        )

        catalogue_entry.additional_properties = d
        return catalogue_entry

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
