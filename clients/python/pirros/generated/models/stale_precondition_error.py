from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.meta import Meta
    from ..models.stale_precondition_error_error import StalePreconditionErrorError


T = TypeVar("T", bound="StalePreconditionError")


@_attrs_define
class StalePreconditionError:
    """
    Attributes:
        error (StalePreconditionErrorError):
        meta (Meta): `meta` of every `/v1` answer.
    """

    error: StalePreconditionErrorError
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
        from ..models.stale_precondition_error_error import StalePreconditionErrorError

        d = dict(src_dict)
        error = StalePreconditionErrorError.from_dict(d.pop("error"))

        meta = Meta.from_dict(d.pop("meta"))

        stale_precondition_error = cls(
            error=error,
            meta=meta,
        )

        return stale_precondition_error
