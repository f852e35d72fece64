"""Checking that a webhook delivery comes from the API (docs/webhooks.md).

The API signs with Standard Webhooks; the reference ``standardwebhooks`` library does the
checking, so a receiver verifies exactly as that specification says.
"""

from __future__ import annotations

import binascii
from collections.abc import Iterable, Mapping
from email.message import Message
from typing import Any

import standardwebhooks

from .errors import WebhookVerificationError

__all__ = ["verify_webhook"]

Headers = Mapping[str, str] | Iterable[tuple[str, str]] | Message


def verify_webhook(secret: str, headers: Headers, body: bytes | str) -> dict[str, Any]:
    """The event a delivery carries, once its signature is checked.

    ``secret`` is the endpoint's ``whsec_...``; ``headers`` the request's headers (any
    case: a dict, ``http.server``'s ``self.headers``, a framework's header mapping);
    ``body`` the raw body exactly as received, before any JSON parsing.

    Raises :class:`pirros.WebhookVerificationError` when a ``webhook-*`` header is
    missing, the timestamp is more than 5 minutes off, or no signature matches (a body
    changed on the way, or another endpoint's secret).
    """
    try:
        hook = standardwebhooks.Webhook(secret)
    except (binascii.Error, ValueError, standardwebhooks.webhooks.EmptyWebhookSecretError) as error:
        raise WebhookVerificationError(f"not a webhook secret (whsec_...): {error}") from error
    pairs = headers.items() if isinstance(headers, (Mapping, Message)) else headers
    lowered = {name.lower(): value for name, value in pairs}
    delivery = lowered.get("webhook-id", "without a webhook-id")
    # The signature covers the header as sent; the library reads it as a number, so
    # `1700000000.9` would pass for `1700000000`. Whole Unix seconds only.
    timestamp = lowered.get("webhook-timestamp")
    if timestamp is not None and not (timestamp.isascii() and timestamp.isdigit()):
        raise WebhookVerificationError(
            f"webhook delivery {delivery} failed verification: "
            f"webhook-timestamp {timestamp!r} is not whole Unix seconds"
        )
    try:
        event = hook.verify(body, lowered)
    except standardwebhooks.WebhookVerificationError as error:
        raise WebhookVerificationError(
            f"webhook delivery {delivery} failed verification: {error}"
        ) from error
    except ValueError as error:  # signed, but not JSON
        raise WebhookVerificationError(f"webhook body is not JSON: {error}") from error
    if not isinstance(event, dict):
        raise WebhookVerificationError("webhook body is not a JSON object")
    return event
