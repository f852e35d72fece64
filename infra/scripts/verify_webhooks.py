"""Verifies webhook deliveries with the reference Standard Webhooks library, as a receiver
would: reads a JSON list of {"headers": {...}, "body": "..."} on stdin and the endpoint's
secrets as arguments, and prints one JSON line per delivery: the event's id and type when
some secret verifies it, or the error.

    verify_webhooks.py whsec_... [whsec_...] < deliveries.json
"""

import json
import sys

from standardwebhooks import Webhook, WebhookVerificationError


def verify(secrets, delivery):
    last = None
    for secret in secrets:
        try:
            event = Webhook(secret).verify(delivery["body"], delivery["headers"])
            return {"ok": True, "id": event.get("id"), "type": event.get("type")}
        except WebhookVerificationError as e:
            last = str(e)
    return {"ok": False, "error": last}


def main():
    secrets = sys.argv[1:]
    if not secrets:
        sys.exit("usage: verify_webhooks.py SECRET [SECRET...] < deliveries.json")
    for delivery in json.load(sys.stdin):
        print(json.dumps(verify(secrets, delivery)))


if __name__ == "__main__":
    main()
