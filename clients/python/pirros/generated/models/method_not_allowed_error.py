from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.meta import Meta
    from ..models.method_not_allowed_error_error import MethodNotAllowedErrorError


T = TypeVar("T", bound="MethodNotAllowedError")


@_attrs_define
class MethodNotAllowedError:
    """
    Attributes:
        error (MethodNotAllowedErrorError):
        meta (Meta): `meta` of every `/v1` answer.
    """

    error: MethodNotAllowedErrorError
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
        from ..models.meta import Meta
        from ..models.method_not_allowed_error_error import MethodNotAllowedErrorError

        d = dict(src_dict)
        error = MethodNotAllowedErrorError.from_dict(d.pop("error"))

        meta = Meta.from_dict(d.pop("meta"))

        method_not_allowed_error = cls(
            error=error,
            meta=meta,
        )

        return method_not_allowed_error
