from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.token_type import TokenType, check_token_type

T = TypeVar("T", bound="TokenResponse")


@_attrs_define
class TokenResponse:
    """A successful token response (RFC 6749 §5.1, plus the request id).

    Attributes:
        access_token (str): A JWT to send as `Authorization: Bearer <access_token>`.
        token_type (TokenType): `token_type`, as documented.
        expires_in (int): Seconds until the token expires (3600).
        request_id (str):
    """

    access_token: str
    token_type: TokenType
    expires_in: int
    request_id: str

    def to_dict(self) -> dict[str, Any]:
        access_token = self.access_token

        token_type: str = self.token_type

        expires_in = self.expires_in

        request_id = self.request_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "access_token": access_token,
                "token_type": token_type,
                "expires_in": expires_in,
                "request_id": request_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        access_token = d.pop("access_token")

        token_type = check_token_type(d.pop("token_type"))

        expires_in = d.pop("expires_in")

        request_id = d.pop("request_id")

        token_response = cls(
            access_token=access_token,
            token_type=token_type,
            expires_in=expires_in,
            request_id=request_id,
        )

        return token_response
