from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.meta import Meta
    from ..models.replayed import Replayed


T = TypeVar("T", bound="EnvelopeReplayed")


@_attrs_define
class EnvelopeReplayed:
    """Every `/v1` success: `{response, meta}`.

    Attributes:
        response (Replayed): How many deliveries a replay queued.
        meta (Meta): `meta` of every `/v1` answer.
    """

    response: Replayed
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
        from ..models.replayed import Replayed

        d = dict(src_dict)
        response = Replayed.from_dict(d.pop("response"))

        meta = Meta.from_dict(d.pop("meta"))

        envelope_replayed = cls(
            response=response,
            meta=meta,
        )

        return envelope_replayed
