from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.envelope_list_page_project_no_expansions_response import (
        EnvelopeListPageProjectNoExpansionsResponse,
    )
    from ..models.meta import Meta


T = TypeVar("T", bound="EnvelopeListPageProjectNoExpansions")


@_attrs_define
class EnvelopeListPageProjectNoExpansions:
    """Every `/v1` success: `{response, meta}`.

    Attributes:
        response (EnvelopeListPageProjectNoExpansionsResponse): One page of a list: `{data, next_cursor, expanded}`.
        meta (Meta): `meta` of every `/v1` answer.
    """

    response: EnvelopeListPageProjectNoExpansionsResponse
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
        from ..models.envelope_list_page_project_no_expansions_response import (
            EnvelopeListPageProjectNoExpansionsResponse,
        )
        from ..models.meta import Meta

        d = dict(src_dict)
        response = EnvelopeListPageProjectNoExpansionsResponse.from_dict(
            d.pop("response")
        )

        meta = Meta.from_dict(d.pop("meta"))

        envelope_list_page_project_no_expansions = cls(
            response=response,
            meta=meta,
        )

        return envelope_list_page_project_no_expansions
