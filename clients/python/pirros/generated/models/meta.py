from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="Meta")


@_attrs_define
class Meta:
    """`meta` of every `/v1` answer.

    Attributes:
        request_id (UUID): The same value as the `X-Request-Id` header; quote it to support.
    """

    request_id: UUID

    def to_dict(self) -> dict[str, Any]:
        request_id = str(self.request_id)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "request_id": request_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        request_id = UUID(d.pop("request_id"))

        meta = cls(
            request_id=request_id,
        )

        return meta
