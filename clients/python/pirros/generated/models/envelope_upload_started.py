from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.meta import Meta
    from ..models.upload_started import UploadStarted


T = TypeVar("T", bound="EnvelopeUploadStarted")


@_attrs_define
class EnvelopeUploadStarted:
    """Every `/v1` success: `{response, meta}`.

    Attributes:
        response (UploadStarted): The answer to an upload request: the job, and where to send the file.
        meta (Meta): `meta` of every `/v1` answer.
    """

    response: UploadStarted
    meta: Meta

    def to_dict(self) -> dict[str, Any]:
        response = self.response.to_dict()

        meta = self.meta.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "response": response,
                "meta": meta,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.meta import Meta
        from ..models.upload_started import UploadStarted

        d = dict(src_dict)
        response = UploadStarted.from_dict(d.pop("response"))

        meta = Meta.from_dict(d.pop("meta"))

        envelope_upload_started = cls(
            response=response,
            meta=meta,
        )

        return envelope_upload_started
