from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.upload_target_headers import UploadTargetHeaders


T = TypeVar("T", bound="UploadTarget")


@_attrs_define
class UploadTarget:
    """Where and how to send the file.

    Attributes:
        url (str): PUT the file's bytes here, before `expires_at`.
        method (str): Always `PUT`. Example: PUT.
        headers (UploadTargetHeaders): Send exactly these headers with the PUT (they bind the declared size and
            SHA-256).
        expires_at (datetime.datetime):  Example: 2026-06-04T12:15:00.000Z.
    """

    url: str
    method: str
    headers: UploadTargetHeaders
    expires_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        method = self.method

        headers = self.headers.to_dict()

        expires_at = self.expires_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "url": url,
                "method": method,
                "headers": headers,
                "expires_at": expires_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.upload_target_headers import UploadTargetHeaders

        d = dict(src_dict)
        url = d.pop("url")

        method = d.pop("method")

        headers = UploadTargetHeaders.from_dict(d.pop("headers"))

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        upload_target = cls(
            url=url,
            method=method,
            headers=headers,
            expires_at=expires_at,
        )

        upload_target.additional_properties = d
        return upload_target

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
