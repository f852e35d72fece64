from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="CreateSnapshot")


@_attrs_define
class CreateSnapshot:
    """The body of a snapshot request: nothing, or an empty JSON object. Any field is a 400."""

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        create_snapshot = cls()

        return create_snapshot
