"""Recomputes the SigV4 signature of an S3 presigned GET URL with botocore's own signer.

The S3 emulator checks expiry but not signatures, so the tests prove the signing here:
same credentials, region, time and request; botocore must arrive at the same signature.

usage: verify_sigv4.py URL ACCESS_KEY SECRET_KEY REGION  -> prints "ok" or exits 1
"""

import sys
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from botocore.auth import S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

AUTH_PARAMS = {
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
    "X-Amz-Security-Token",
}


def main() -> int:
    url, access_key, secret_key, region = sys.argv[1:5]
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    given = dict(query)
    if given.get("X-Amz-SignedHeaders") != "host":
        print(f"unexpected signed headers: {given.get('X-Amz-SignedHeaders')}")
        return 1
    rest = [(k, v) for k, v in query if k not in AUTH_PARAMS]
    bare = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(rest), ""))
    auth = S3SigV4QueryAuth(
        Credentials(access_key, secret_key),
        "s3",
        region,
        expires=int(given["X-Amz-Expires"]),
    )
    request = AWSRequest(method="GET", url=bare, headers={})
    request.context["timestamp"] = given["X-Amz-Date"]
    # The steps of SigV4Auth.add_auth, with the URL's own timestamp instead of "now".
    auth._modify_request_before_signing(request)
    canonical = auth.canonical_request(request)
    to_sign = auth.string_to_sign(request, canonical)
    expected = auth.signature(to_sign, request)
    if expected != given["X-Amz-Signature"]:
        print(f"signature mismatch: ours {given['X-Amz-Signature']}, botocore {expected}")
        print(canonical)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
