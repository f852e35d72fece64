from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.meta import Meta
    from ..models.service_unavailable_error_error import ServiceUnavailableErrorError


T = TypeVar("T", bound="ServiceUnavailableError")


@_attrs_define
class ServiceUnavailableError:
    """
    Attributes:
        error (ServiceUnavailableErrorError):
        meta (Meta): `meta` of every `/v1` answer.
    """

    error: ServiceUnavailableErrorError
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
        from ..models.service_unavailable_error_error import (
            ServiceUnavailableErrorError,
        )

        d = dict(src_dict)
        error = ServiceUnavailableErrorError.from_dict(d.pop("error"))

        meta = Meta.from_dict(d.pop("meta"))

        service_unavailable_error = cls(
            error=error,
            meta=meta,
        )

        return service_unavailable_error
