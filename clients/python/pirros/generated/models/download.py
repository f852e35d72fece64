from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.no_expansions import NoExpansions


T = TypeVar("T", bound="Download")


@_attrs_define
class Download:
    """Where to fetch a file. Fetch it yourself; the API never redirects.

    Attributes:
        download_url (str): RVT and RFA: a signed URL that stops working at `expires_at`. PDF: a public URL.
        expires_at (datetime.datetime | None): When `download_url` stops working (RVT and RFA, ~15 minutes out); `null`
            for PDFs. Example: 2026-06-04T12:15:00.000Z.
        expanded (NoExpansions): `expanded` where nothing can be expanded: always `{}`.
    """

    download_url: str
    expires_at: datetime.datetime | None
    expanded: NoExpansions

    def to_dict(self) -> dict[str, Any]:
        download_url = self.download_url

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        expanded = self.expanded.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "download_url": download_url,
                "expires_at": expires_at,
                "expanded": expanded,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.no_expansions import NoExpansions

        d = dict(src_dict)
        download_url = d.pop("download_url")

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

        expanded = NoExpansions.from_dict(d.pop("expanded"))

        download = cls(
            download_url=download_url,
            expires_at=expires_at,
            expanded=expanded,
        )

        return download
