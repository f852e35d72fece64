"""Verifies the API's access tokens with a JWT library that is not ours.

    .cache/venv/bin/python infra/scripts/jwks_check.py BASE_URL CLIENT_ID CLIENT_SECRET

Gets a token from a running pirros-local (BASE_URL/oauth/token), fetches the public keys
from BASE_URL/.well-known/jwks.json with PyJWT's JWKS client, and checks the token the way
an integrator's service would: signature, algorithm, issuer, audience and expiry. It also
checks that PyJWT refuses the token with the wrong audience or issuer, with a tampered
signature, and (when the server's TOKEN_TTL_SECS is 5 or less) once it has expired.
Prints one JSON line on success; exits non-zero with the reason otherwise. The tests run it
(tests/tests/api/signing_keys.rs); `pip install 'pyjwt[crypto]'` provides `jwt`.
"""

import json
import sys
import time
import urllib.request

import jwt

ISSUER = "https://auth.pirros.com"
AUDIENCE = "https://external-api.pirros.com"
REQUIRED = ["exp", "iat", "nbf", "iss", "aud", "sub"]


def get_token(base, client_id, client_secret):
    body = json.dumps(
        {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
        }
    ).encode()
    req = urllib.request.Request(
        f"{base}/oauth/token",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        answer = json.load(resp)
    return answer["access_token"], answer["expires_in"]


def decode(token, key, audience=AUDIENCE, issuer=ISSUER):
    return jwt.decode(
        token,
        key,
        algorithms=["EdDSA"],
        audience=audience,
        issuer=issuer,
        options={"require": REQUIRED},
    )


def refused(what, expected, fn):
    try:
        fn()
    except expected:
        return
    except jwt.PyJWTError as e:
        sys.exit(f"{what}: refused, but with {type(e).__name__} instead of {expected.__name__}")
    sys.exit(f"{what}: PyJWT accepted it")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    base, client_id, client_secret = sys.argv[1:]
    # The server is local: no proxy from the environment (PyJWKClient uses urllib too).
    urllib.request.install_opener(urllib.request.build_opener(urllib.request.ProxyHandler({})))
    token, expires_in = get_token(base, client_id, client_secret)

    jwks = jwt.PyJWKClient(f"{base}/.well-known/jwks.json", cache_keys=False)
    signing = jwks.get_signing_key_from_jwt(token)
    header = jwt.get_unverified_header(token)
    if header.get("alg") != "EdDSA":
        sys.exit(f"unexpected alg {header.get('alg')!r}")

    claims = decode(token, signing.key)
    if claims["sub"] != client_id:
        sys.exit(f"sub is {claims['sub']!r}, expected {client_id!r}")
    if claims["exp"] - claims["iat"] != expires_in:
        sys.exit(f"exp - iat = {claims['exp'] - claims['iat']}, expires_in = {expires_in}")

    refused(
        "wrong audience",
        jwt.InvalidAudienceError,
        lambda: decode(token, signing.key, audience="https://elsewhere.example"),
    )
    refused(
        "wrong issuer",
        jwt.InvalidIssuerError,
        lambda: decode(token, signing.key, issuer="https://elsewhere.example"),
    )
    head, payload, signature = token.split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    refused(
        "tampered signature",
        jwt.InvalidSignatureError,
        lambda: decode(f"{head}.{payload}.{flipped}", signing.key),
    )
    checked_expiry = expires_in <= 5
    if checked_expiry:
        time.sleep(expires_in + 1.5)
        refused("expired", jwt.ExpiredSignatureError, lambda: decode(token, signing.key))

    print(
        json.dumps(
            {
                "kid": signing.key_id,
                "alg": header["alg"],
                "sub": claims["sub"],
                "keys_published": len(jwks.get_jwk_set().keys),
                "checked_expiry": checked_expiry,
            }
        )
    )


if __name__ == "__main__":
    main()
