"""The tags route as most teams would write it: a Python Lambda with boto3.

Only here to be measured beside the Rust function (docs/cost.md): same table, same
DynamoDB calls per request as `functions/tags` (credential GetItem, consistent; the hourly
rate-limit UpdateItem; the tags Query), the same token checks, the same answer. Run by
AWS's own runtime interface client (`python -m awslambdaric tags_handler.handler`), the
one Lambda's Python runtime uses. Custom tag filters (a BatchGetItem) are left out: the
benchmark's credential reads tags through `default:tags`.
"""

import json
import os
import time
import uuid

import boto3
import jwt
from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

ISSUER = "https://auth.pirros.com"
AUDIENCE = "https://external-api.pirros.com"
LIMIT = int(os.environ.get("API_RATE_LIMIT_PER_HOUR", "1000"))

# Init, once per container, as the Rust functions do: the table, and the public keys the
# token function publishes in it (`CONFIG` / `JWKS`); a /v1 function never reads the
# signing secret. Tokens are EdDSA (Ed25519), named by their key's thumbprint (`kid`).
_table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
_published = _table.get_item(Key={"pk": "CONFIG", "sk": "JWKS"}, ConsistentRead=True)["Item"]
_keys = {k["kid"]: jwt.PyJWK(dict(k), algorithm="EdDSA") for k in _published["jwks"]["keys"]}


def _answer(status, body, request_id, headers=None):
    h = {"content-type": "application/json", "cache-control": "no-store", "x-request-id": request_id}
    h.update(headers or {})
    return {"statusCode": status, "headers": h, "body": json.dumps(body)}


def _error(status, code, message, request_id, headers=None):
    body = {"error": {"code": code, "message": message}, "meta": {"request_id": request_id}}
    return _answer(status, body, request_id, headers)


def handler(event, context):
    request_id = str(uuid.uuid4())
    parts = event.get("rawPath", "").split("/")
    if len(parts) != 5 or parts[1:3] != ["v1", "workspaces"] or parts[4] != "tags":
        return _error(404, "not_found", "Resource not found", request_id)
    ws = parts[3]
    auth = (event.get("headers") or {}).get("authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return _error(401, "invalid_token", "Missing bearer token", request_id)
    try:
        key = _keys.get(jwt.get_unverified_header(token).get("kid"))
        if key is None:
            raise jwt.InvalidTokenError("unknown key")
        claims = jwt.decode(
            token, key, algorithms=["EdDSA"], audience=AUDIENCE, issuer=ISSUER, leeway=5,
            options={"require": ["exp", "iat", "nbf", "iss", "aud", "sub"]},
        )
    except jwt.InvalidTokenError:
        return _error(401, "invalid_token", "Invalid or expired access token", request_id)
    client = claims["sub"]
    cred = _table.get_item(Key={"pk": f"CRED#{client}", "sk": "CRED"}, ConsistentRead=True).get("Item")
    now = int(time.time())
    start = now - now % 3600
    try:
        hit = _table.update_item(
            Key={"pk": f"RATE#API#{client}#{start}", "sk": "RATE"},
            UpdateExpression="ADD #c :one SET #ttl = if_not_exists(#ttl, :ttl)",
            ConditionExpression="attribute_not_exists(#c) OR #c < :limit",
            ExpressionAttributeNames={"#c": "count", "#ttl": "ttl"},
            ExpressionAttributeValues={":one": 1, ":limit": LIMIT, ":ttl": start + 3600},
            ReturnValues="UPDATED_NEW",
        )
        count = int(hit["Attributes"]["count"])
    except ClientError as e:
        if e.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        return _error(429, "too_many_requests", "Rate limit exceeded", request_id)
    rate = {
        "x-ratelimit-limit": str(LIMIT),
        "x-ratelimit-remaining": str(max(LIMIT - count, 0)),
        "x-ratelimit-reset": str(start + 3600),
    }
    if not cred or cred.get("status") != "active" or int(cred.get("secret_version", 0)) != claims.get("sv"):
        return _error(401, "invalid_token", "Access token was revoked", request_id)
    granted = any(
        g["workspace_id"] == ws and g["filter_id"] == "default:tags" and g["action"] == "read"
        for g in cred.get("grants", [])
    )
    if not granted:
        return _error(403, "insufficient_scope", "Token has no eligible filter for this resource", request_id, rate)
    tags, kwargs = [], {"KeyConditionExpression": Key("pk").eq(f"WS#{ws}") & Key("sk").begins_with("TAG#")}
    while True:
        page = _table.query(**kwargs)
        tags.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    data = sorted(
        ({k: t[k] for k in ("id", "name", "workspace_id", "created_at") if k in t} for t in tags),
        key=lambda t: (t["name"], t["id"]),
    )[:500]
    body = {"response": {"data": data, "next_cursor": None, "expanded": {}}, "meta": {"request_id": request_id}}
    return _answer(200, body, request_id, rate)
