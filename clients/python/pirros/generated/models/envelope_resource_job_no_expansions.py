from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.envelope_resource_job_no_expansions_response import (
        EnvelopeResourceJobNoExpansionsResponse,
    )
    from ..models.meta import Meta


T = TypeVar("T", bound="EnvelopeResourceJobNoExpansions")


@_attrs_define
class EnvelopeResourceJobNoExpansions:
    """Every `/v1` success: `{response, meta}`.

    Attributes:
        response (EnvelopeResourceJobNoExpansionsResponse): One resource: its own fields and `expanded`.
        meta (Meta): `meta` of every `/v1` answer.
    """

    response: EnvelopeResourceJobNoExpansionsResponse
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
        from ..models.envelope_resource_job_no_expansions_response import (
            EnvelopeResourceJobNoExpansionsResponse,
        )
        from ..models.meta import Meta

        d = dict(src_dict)
        response = EnvelopeResourceJobNoExpansionsResponse.from_dict(d.pop("response"))

        meta = Meta.from_dict(d.pop("meta"))

        envelope_resource_job_no_expansions = cls(
            response=response,
            meta=meta,
        )

        return envelope_resource_job_no_expansions
