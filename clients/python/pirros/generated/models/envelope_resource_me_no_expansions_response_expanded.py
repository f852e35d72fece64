from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="EnvelopeResourceMeNoExpansionsResponseExpanded")


@_attrs_define
class EnvelopeResourceMeNoExpansionsResponseExpanded:
    """`expanded` where nothing can be expanded: always `{}`."""

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        envelope_resource_me_no_expansions_response_expanded = cls()

        return envelope_resource_me_no_expansions_response_expanded
