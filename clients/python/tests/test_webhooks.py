"""verify_webhook on real deliveries: a receiver in the test, an endpoint pointing at it on
a pirros-local that may deliver to 127.0.0.1 (WEBHOOK_ALLOW_PRIVATE_URLS=true)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import queue
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import CLIENT_ID, CLIENT_SECRET, PROJECT, WS, Server

from pirros import Client, WebhookVerificationError, verify_webhook

Delivery = tuple[dict[str, str], bytes]


@pytest.fixture
def receiver() -> Iterator[tuple[str, queue.Queue[Delivery]]]:
    received: queue.Queue[Delivery] = queue.Queue()

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            received.put((dict(self.headers.items()), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    http = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_address[1]}/hooks/pirros", received
    http.shutdown()
    http.server_close()


def next_delivery(received: queue.Queue[Delivery], event_type: str) -> Delivery:
    while True:
        headers, body = received.get(timeout=15)
        if f'"type":"{event_type}"'.encode() in body:
            return headers, body


def test_a_real_delivery_verifies_and_a_tampered_one_does_not(server: Server, receiver) -> None:
    url, received = receiver
    with Client(server.base_url, CLIENT_ID, CLIENT_SECRET) as pirros_client:
        endpoint = pirros_client.post(
            f"/v1/workspaces/{WS}/webhook-endpoints", {"url": url, "event_types": ["stash.*"]}
        ).value
        secret = endpoint["secret"]
        assert secret.startswith("whsec_")

        pirros_client.post(f"/v1/workspaces/{WS}/webhook-endpoints/{endpoint['id']}/test")
        headers, body = next_delivery(received, "webhook.test")
        event = verify_webhook(secret, headers, body)
        assert event["type"] == "webhook.test"
        assert event["object"] == {"type": "webhook_endpoint", "id": endpoint["id"]}
        assert event["id"] == headers["webhook-id"]

        # A write: the event the feed shows arrives signed as well.
        stash = pirros_client.post(
            f"/v1/workspaces/{WS}/stashes",
            {
                "name": "hooked",
                "project_id": PROJECT,
                "item_ids": {"detail_ids": [], "family_ids": []},
            },
        ).value
        headers, body = next_delivery(received, "stash.created")
        created = verify_webhook(secret, headers, body)
        assert created["object"] == {"type": "stash", "id": stash["id"]}
        feed_ids = [e.id for e in pirros_client.events(WS, types="stash.created")]
        assert created["id"] in feed_ids

        deliveries = list(pirros_client.deliveries(WS, endpoint["id"]))
        assert {d.event_type for d in deliveries} >= {"webhook.test", "stash.created"}

    tampered = body.replace(stash["id"].encode(), b"stash-somebody-else")
    assert tampered != body
    with pytest.raises(WebhookVerificationError, match="failed verification"):
        verify_webhook(secret, headers, tampered)
    other_secret = "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU="
    with pytest.raises(WebhookVerificationError):
        verify_webhook(other_secret, headers, body)
    without_signature = {k: v for k, v in headers.items() if k.lower() != "webhook-signature"}
    with pytest.raises(WebhookVerificationError):
        verify_webhook(secret, without_signature, body)


def _signed(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def test_what_is_signed_but_no_event_is_refused_with_the_one_error() -> None:
    secret = "whsec_" + base64.b64encode(b"k" * 32).decode()
    now = str(int(time.time()))

    def headers(body: bytes, timestamp: str = now) -> dict[str, str]:
        return {
            "webhook-id": "msg_1",
            "webhook-timestamp": timestamp,
            "webhook-signature": _signed(secret, "msg_1", now, body),
        }

    event = b'{"type":"webhook.test"}'
    assert verify_webhook(secret, headers(event), event) == {"type": "webhook.test"}
    # Signed, but not a JSON object.
    for body in (b"hello", b"", b"[1,2]"):
        with pytest.raises(WebhookVerificationError):
            verify_webhook(secret, headers(body), body)
    # The timestamp signed is `now`; a header that only reads as it is not it.
    with pytest.raises(WebhookVerificationError, match="whole Unix seconds"):
        verify_webhook(secret, headers(event, now + ".9"), event)
    # A secret that is not one.
    for bad in ("whsec_!!!notbase64", "whsec_", ""):
        with pytest.raises(WebhookVerificationError):
            verify_webhook(bad, headers(event), event)
