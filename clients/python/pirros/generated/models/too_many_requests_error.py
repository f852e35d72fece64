from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..models.too_many_requests_error_error import (
    TooManyRequestsErrorError,
    check_too_many_requests_error_error,
)

T = TypeVar("T", bound="TooManyRequestsError")


@_attrs_define
class TooManyRequestsError:
    """
    Attributes:
        error (TooManyRequestsErrorError):
        error_description (str):
        retry_after (int): Seconds to wait; the same as `Retry-After`.
        request_id (UUID):
    """

    error: TooManyRequestsErrorError
    error_description: str
    retry_after: int
    request_id: UUID

    def to_dict(self) -> dict[str, Any]:
        error: str = self.error

        error_description = self.error_description

        retry_after = self.retry_after

        request_id = str(self.request_id)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "error": error,
                "error_description": error_description,
                "retry_after": retry_after,
                "request_id": request_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        error = check_too_many_requests_error_error(d.pop("error"))

        error_description = d.pop("error_description")

        retry_after = d.pop("retry_after")

        request_id = UUID(d.pop("request_id"))

        too_many_requests_error = cls(
            error=error,
            error_description=error_description,
            retry_after=retry_after,
            request_id=request_id,
        )

        return too_many_requests_error
