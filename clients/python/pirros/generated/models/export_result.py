from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.skipped import Skipped


T = TypeVar("T", bound="ExportResult")


@_attrs_define
class ExportResult:
    """A stash export's result: where to fetch the zip, and what it holds.

    Attributes:
        download_url (None | str): A signed URL of the zip, made afresh on each read of the job, and only while you may
            still download there: the workspace's downloads are on and you still hold a download
            grant on each type of item (details, families) whose files the zip holds. Otherwise
            `null` (and `expires_at` too), until that holds again.
        expires_at (datetime.datetime | None): When `download_url` stops working; `null` when it is. Example:
            2026-06-04T12:15:00.000Z.
        files (int): Files in the zip (`manifest.json` not counted).
        bytes_ (int): Their total size before compression.
        skipped (list[Skipped]):
    """

    download_url: None | str
    expires_at: datetime.datetime | None
    files: int
    bytes_: int
    skipped: list[Skipped]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        download_url: None | str
        download_url = self.download_url

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        files = self.files

        bytes_ = self.bytes_

        skipped = []
        for skipped_item_data in self.skipped:
            skipped_item = skipped_item_data.to_dict()
            skipped.append(skipped_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "download_url": download_url,
                "expires_at": expires_at,
                "files": files,
                "bytes": bytes_,
                "skipped": skipped,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.skipped import Skipped

        d = dict(src_dict)

        def _parse_download_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        download_url = _parse_download_url(d.pop("download_url"))

        def _parse_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expires_at = _parse_expires_at(d.pop("expires_at"))

        files = d.pop("files")

        bytes_ = d.pop("bytes")

        skipped = []
        _skipped = d.pop("skipped")
        for skipped_item_data in _skipped:
            skipped_item = Skipped.from_dict(skipped_item_data)

            skipped.append(skipped_item)

        export_result = cls(
            download_url=download_url,
            expires_at=expires_at,
            files=files,
            bytes_=bytes_,
            skipped=skipped,
        )

        export_result.additional_properties = d
        return export_result

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
