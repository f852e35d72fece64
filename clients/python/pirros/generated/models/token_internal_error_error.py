from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..models.token_internal_error_error_error import (
    TokenInternalErrorErrorError,
    check_token_internal_error_error_error,
)

T = TypeVar("T", bound="TokenInternalErrorError")


@_attrs_define
class TokenInternalErrorError:
    """
    Attributes:
        error (TokenInternalErrorErrorError):
        error_description (str):
        request_id (UUID):
    """

    error: TokenInternalErrorErrorError
    error_description: str
    request_id: UUID

    def to_dict(self) -> dict[str, Any]:
        error: str = self.error

        error_description = self.error_description

        request_id = str(self.request_id)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "error": error,
                "error_description": error_description,
                "request_id": request_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        error = check_token_internal_error_error_error(d.pop("error"))

        error_description = d.pop("error_description")

        request_id = UUID(d.pop("request_id"))

        token_internal_error_error = cls(
            error=error,
            error_description=error_description,
            request_id=request_id,
        )

        return token_internal_error_error
