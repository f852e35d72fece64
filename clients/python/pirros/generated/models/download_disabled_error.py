from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.download_disabled_error_error import DownloadDisabledErrorError
    from ..models.meta import Meta


T = TypeVar("T", bound="DownloadDisabledError")


@_attrs_define
class DownloadDisabledError:
    """
    Attributes:
        error (DownloadDisabledErrorError):
        meta (Meta): `meta` of every `/v1` answer.
    """

    error: DownloadDisabledErrorError
    meta: Meta

    def to_dict(self) -> dict[str, Any]:
        error = self.error.to_dict()

        meta = self.meta.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "error": error,
                "meta": meta,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.download_disabled_error_error import DownloadDisabledErrorError
        from ..models.meta import Meta

        d = dict(src_dict)
        error = DownloadDisabledErrorError.from_dict(d.pop("error"))

        meta = Meta.from_dict(d.pop("meta"))

        download_disabled_error = cls(
            error=error,
            meta=meta,
        )

        return download_disabled_error
