from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.meta import Meta
    from ..models.test_delivery import TestDelivery


T = TypeVar("T", bound="EnvelopeTestDelivery")


@_attrs_define
class EnvelopeTestDelivery:
    """Every `/v1` success: `{response, meta}`.

    Attributes:
        response (TestDelivery): A queued test delivery.
        meta (Meta): `meta` of every `/v1` answer.
    """

    response: TestDelivery
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
        from ..models.test_delivery import TestDelivery

        d = dict(src_dict)
        response = TestDelivery.from_dict(d.pop("response"))

        meta = Meta.from_dict(d.pop("meta"))

        envelope_test_delivery = cls(
            response=response,
            meta=meta,
        )

        return envelope_test_delivery
