from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.snapshot_counts import SnapshotCounts


T = TypeVar("T", bound="SnapshotResult")


@_attrs_define
class SnapshotResult:
    """A snapshot's result: where to fetch it, and the feed position it is consistent with.

    Attributes:
        download_url (None | str): A signed URL of the file (gzip-compressed JSON lines, one
            `{"type": "tag" | "project" | "detail" | "family" | "stash", "object": {...}}` per
            resource you may read, each object as its GET answers it, without `expanded`),
            made afresh on each read of the job.
        expires_at (datetime.datetime | None):  Example: 2026-06-04T12:15:00.000Z.
        events_cursor (str): A feed cursor (`GET .../events?after=`): the events after it, applied to the
            snapshot, give the current state.
        counts (SnapshotCounts): How many resources of each type a snapshot holds.
        bytes_ (int): The file's size (compressed).
    """

    download_url: None | str
    expires_at: datetime.datetime | None
    events_cursor: str
    counts: SnapshotCounts
    bytes_: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        download_url: None | str
        download_url = self.download_url

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        events_cursor = self.events_cursor

        counts = self.counts.to_dict()

        bytes_ = self.bytes_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "download_url": download_url,
                "expires_at": expires_at,
                "events_cursor": events_cursor,
                "counts": counts,
                "bytes": bytes_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.snapshot_counts import SnapshotCounts

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

        events_cursor = d.pop("events_cursor")

        counts = SnapshotCounts.from_dict(d.pop("counts"))

        bytes_ = d.pop("bytes")

        snapshot_result = cls(
            download_url=download_url,
            expires_at=expires_at,
            events_cursor=events_cursor,
            counts=counts,
            bytes_=bytes_,
        )

        snapshot_result.additional_properties = d
        return snapshot_result

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
