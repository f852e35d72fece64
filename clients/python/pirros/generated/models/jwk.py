from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Jwk")


@_attrs_define
class Jwk:
    """One public signing key.

    Attributes:
        kty (str): Always `OKP` (an octet key pair, RFC 8037). Example: OKP.
        crv (str): Always `Ed25519`. Example: Ed25519.
        x (str): The 32-byte public key, base64url without padding. Example:
            11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo.
        kid (str): The key's RFC 7638 thumbprint; a token's `kid` header names the key that signed it. Example:
            kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k.
        alg (str): Always `EdDSA`. Example: EdDSA.
        use (str): Always `sig`. Example: sig.
    """

    kty: str
    crv: str
    x: str
    kid: str
    alg: str
    use: str

    def to_dict(self) -> dict[str, Any]:
        kty = self.kty

        crv = self.crv

        x = self.x

        kid = self.kid

        alg = self.alg

        use = self.use

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "kty": kty,
                "crv": crv,
                "x": x,
                "kid": kid,
                "alg": alg,
                "use": use,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        kty = d.pop("kty")

        crv = d.pop("crv")

        x = d.pop("x")

        kid = d.pop("kid")

        alg = d.pop("alg")

        use = d.pop("use")

        jwk = cls(
            kty=kty,
            crv=crv,
            x=x,
            kid=kid,
            alg=alg,
            use=use,
        )

        return jwk
