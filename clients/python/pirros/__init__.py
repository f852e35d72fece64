"""Python SDK of the Pirros External API.

``pirros.Client`` is the hand-written layer (tokens, paging, the events feed, retries,
conditional reads). ``pirros.generated`` is generated from openapi.json by
infra/scripts/sdk_python.sh: every operation (``pirros.generated.api.<tag>.<operation>``)
and model (``pirros.generated.models``), to be called with ``Client.api``.
"""

from importlib.metadata import PackageNotFoundError, version

from .client import Client, EventFeed, Page, Result
from .errors import (
    ApiError,
    AuthenticationError,
    CursorExpiredError,
    PirrosError,
    RetryError,
    WebhookVerificationError,
)
from .webhooks import verify_webhook

try:
    __version__ = version("pirros")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = [
    "ApiError",
    "AuthenticationError",
    "Client",
    "CursorExpiredError",
    "EventFeed",
    "Page",
    "PirrosError",
    "Result",
    "RetryError",
    "WebhookVerificationError",
    "__version__",
    "verify_webhook",
]
