#!/usr/bin/env python3
"""The sync loop of docs/sync.md, runnable (Python 3.11, standard library only).

Keeps an exact local copy of what one credential may read: the first run builds it from a
snapshot (three requests whatever the workspace's size), every later run applies the
events feed from where the last one stopped, so deletions and resources that left the
credential's view are gone from the copy too:

  PIRROS_CLIENT_SECRET=... python3 infra/scripts/sync_example.py \\
      --base-url http://127.0.0.1:3000 --client-id pirros-demo-client --state sync-state.json

The secret comes from the environment, never the command line (which other users of the
machine can read). Each run prints one JSON summary line on stdout; progress and waits go
to stderr. The state file is rewritten atomically at the end of a successful run.
"""

import argparse
import gzip
import json
import os
import random
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

# Attempts per request before the run gives up (waits included).
MAX_ATTEMPTS = 8
# Longest backoff after a 5xx or a dropped connection, in seconds.
MAX_BACKOFF = 60
PAGE = 100


class ApiError(Exception):
    def __init__(self, status, body):
        super().__init__(f"HTTP {status}: {json.dumps(body)[:300]}")
        self.status = status
        self.body = body

    def field(self):
        error = self.body.get("error") if isinstance(self.body, dict) else None
        if isinstance(error, dict):
            return (error.get("details") or {}).get("field")
        return None


def log(message):
    print(f"sync: {message}", file=sys.stderr, flush=True)


class Client:
    """HTTP with the API's rules: a cached token, `Retry-After` on 429 and 503,
    exponential backoff with jitter on other 5xx and dropped connections."""

    def __init__(self, base_url, client_id, client_secret):
        self.base = base_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.token = None
        self.token_expires = 0.0
        self.requests = 0
        self.waits = {"429": 0, "503": 0, "5xx": 0}

    def _send(self, method, url, body=None, headers=None):
        """One HTTP exchange: (status, headers, parsed body or None)."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        if data is not None:
            req.add_header("Content-Type", "application/json")
        self.requests += 1
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                status, hdrs, raw = resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as e:
            status, hdrs, raw = e.code, e.headers, e.read()
        parsed = None
        if raw:
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = {"raw": raw[:200].decode(errors="replace")}
        return status, hdrs, parsed

    def _with_retries(self, method, url, body=None, headers=None, auth=True):
        refreshed = False
        for attempt in range(1, MAX_ATTEMPTS + 1):
            h = dict(headers or {})
            if auth:
                h["Authorization"] = f"Bearer {self._token()}"
            try:
                status, hdrs, parsed = self._send(method, url, body, h)
            except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
                self._backoff(attempt, f"connection failed ({e})")
                continue
            if status in (429, 503):
                # The server says how long; a 503 from the kill switch or a struggling
                # dependency, a 429 from the rate limit. Never retry sooner.
                wait = _retry_after(hdrs, default=min(2**attempt, MAX_BACKOFF))
                self.waits[str(status)] += 1
                log(f"{status} on {method} {url}: waiting {wait} s (Retry-After)")
                time.sleep(wait)
                continue
            if status >= 500:
                self.waits["5xx"] += 1
                self._backoff(attempt, f"{status} on {method} {url}")
                continue
            if status == 401 and auth and not refreshed:
                # Revoked or expired token: one fresh token, then the answer stands.
                self.token = None
                refreshed = True
                continue
            return status, hdrs, parsed
        raise RuntimeError(f"{method} {url}: no answer after {MAX_ATTEMPTS} attempts")

    def _backoff(self, attempt, why):
        wait = min(2 ** (attempt - 1), MAX_BACKOFF) * (0.5 + random.random() / 2)
        log(f"{why}: retrying in {wait:.1f} s")
        time.sleep(wait)

    def _token(self):
        if self.token is None or time.time() > self.token_expires:
            status, _, body = self._with_retries(
                "POST",
                f"{self.base}/oauth/token",
                body={
                    "grant_type": "client_credentials",
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                },
                auth=False,
            )
            if status != 200:
                raise ApiError(status, body)
            self.token = body["access_token"]
            # Renew a minute early rather than meet an expired token mid-walk.
            self.token_expires = time.time() + body["expires_in"] - 60
        return self.token

    def get(self, path, params=None, if_none_match=None):
        """(status, ETag, `response`) of a `/v1` GET; 304 has no `response`."""
        url = f"{self.base}{path}"
        if params:
            url += "?" + urllib.parse.urlencode(params, doseq=True)
        headers = {"If-None-Match": if_none_match} if if_none_match else None
        status, hdrs, body = self._with_retries("GET", url, headers=headers)
        if status == 304:
            return status, hdrs.get("ETag"), None
        if status != 200 and status != 404:
            raise ApiError(status, body)
        return status, hdrs.get("ETag"), (body or {}).get("response")

    def post(self, path, body):
        """(status, `response`) of a `/v1` POST."""
        status, _, parsed = self._with_retries("POST", f"{self.base}{path}", body=body)
        return status, (parsed or {}).get("response", parsed)

    def download(self, url):
        """The bytes behind a signed URL (it carries its own authorisation)."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            self.requests += 1
            try:
                with urllib.request.urlopen(url, timeout=60) as resp:
                    return resp.read()
            except urllib.error.HTTPError as e:
                if e.code < 500:
                    raise ApiError(e.code, {"raw": e.read()[:200].decode(errors="replace")})
                self._backoff(attempt, f"{e.code} on the download")
            except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
                self._backoff(attempt, f"download failed ({e})")
        raise RuntimeError(f"download: no answer after {MAX_ATTEMPTS} attempts")

    def pages(self, path, params=None):
        """Every item of a list, following `next_cursor` until it is null."""
        params = dict(params or {}, limit=PAGE)
        while True:
            status, _, page = self.get(path, params)
            if status != 200:
                raise ApiError(status, page)
            yield from page["data"]
            if page["next_cursor"] is None:
                return
            params["cursor"] = page["next_cursor"]


def _retry_after(headers, default):
    try:
        return max(0, int(headers.get("Retry-After", "")))
    except ValueError:
        return default


TYPES = ("tag", "project", "detail", "family", "stash")
# Resources read one at a time when an event names them; tags and projects are read
# again whole (they have no single GET, and are few).
SINGLE = {"detail": "details", "family": "families", "stash": "stashes"}


def without_expanded(obj):
    return {k: v for k, v in obj.items() if k != "expanded"}


def snapshot(client, ws):
    """A first copy: the snapshot's objects by type and id, and its events cursor."""
    status, body = client.post(f"/v1/workspaces/{ws}/snapshots", {})
    if status != 202:
        raise ApiError(status, body)
    job = body["job"]
    while job["status"] not in ("succeeded", "failed", "expired"):
        time.sleep(0.2)
        status, _, job = client.get(f"/v1/workspaces/{ws}/jobs/{job['id']}")
        if status != 200:
            raise ApiError(status, job)
    if job["status"] != "succeeded":
        raise RuntimeError(f"snapshot of {ws} {job['status']}: {job.get('error')}")
    raw = gzip.decompress(client.download(job["result"]["download_url"]))
    objects = {t: {} for t in TYPES}
    for line in raw.decode().splitlines():
        item = json.loads(line)
        objects[item["type"]][item["object"]["id"]] = item["object"]
    log(f"{ws}: snapshot of {job['result']['counts']}")
    return objects, job["result"]["events_cursor"]


def follow(client, ws, copy, counts):
    """Applies the feed from the copy's cursor to its end: `True` when the copy must be
    built again (the credential's access changed, or the cursor is older than the 30 days
    events are kept)."""
    dirty = set()
    lists = set()
    while True:
        status, _, page = client.get(
            f"/v1/workspaces/{ws}/events", {"after": copy["cursor"], "limit": PAGE}
        )
        if status == 410:
            return True
        if status != 200:
            raise ApiError(status, page)
        for event in page["data"]:
            counts["events"] += 1
            kind, change = event["type"].split(".", 1)
            obj = event["object"]
            if kind == "access":
                return True
            if kind == "job":
                continue
            if kind == "flag":
                # A detail's answer counts its open flags.
                dirty.add(("detail", obj["detail_id"]))
            elif kind in ("tag", "project"):
                lists.add(kind)
            elif change == "removed":
                # Deleted, or out of this credential's view (`reason`): gone either way.
                if copy["objects"][kind].pop(obj["id"], None) is not None:
                    counts["removed"] += 1
                dirty.discard((kind, obj["id"]))
            else:
                dirty.add((kind, obj["id"]))
        copy["cursor"] = page["next_cursor"]
        if not page["has_more"]:
            break
    # Each changed resource read once, as it is now (a later event may have changed it
    # again: the copy takes the latest).
    for kind, rid in sorted(dirty):
        status, _, obj = client.get(f"/v1/workspaces/{ws}/{SINGLE[kind]}/{rid}")
        if status == 200:
            copy["objects"][kind][rid] = without_expanded(obj)
            counts["fetched"] += 1
        elif copy["objects"][kind].pop(rid, None) is not None:
            counts["removed"] += 1
    if "tag" in lists:
        _, _, tags = client.get(f"/v1/workspaces/{ws}/tags")
        copy["objects"]["tag"] = {t["id"]: t for t in tags["data"]}
    if "project" in lists:
        projects = client.pages(f"/v1/workspaces/{ws}/projects")
        copy["objects"]["project"] = {p["id"]: p for p in projects}
    return False


def run(client, state):
    summary = {
        "workspaces": [],
        "snapshots": 0,
        "events": 0,
        "fetched": 0,
        "removed": 0,
        "held": {},
    }
    _, _, me = client.get("/v1/me")
    readable = [
        w["id"] for w in me["workspaces"] if any(g["action"] == "read" for g in w["grants"])
    ]
    # A workspace the credential lost is not ours to keep.
    for ws in set(state) - set(readable):
        del state[ws]
    for ws in readable:
        summary["workspaces"].append(ws)
        for _ in range(3):
            if ws not in state:
                objects, cursor = snapshot(client, ws)
                state[ws] = {"objects": objects, "cursor": cursor}
                summary["snapshots"] += 1
            if not follow(client, ws, state[ws], summary):
                break
            log(f"{ws}: access changed or the cursor expired: building the copy again")
            del state[ws]
        summary["held"][ws] = {t: len(state[ws]["objects"][t]) for t in TYPES}
    summary["requests"] = client.requests
    summary["waits"] = client.waits
    return summary


def load_state(path):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return {}


def save_state(path, state):
    tmp = f"{path}.tmp"
    with open(tmp, "w") as f:
        json.dump(state, f, indent=1, sort_keys=True)
    os.replace(tmp, path)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--base-url", default=os.environ.get("PIRROS_BASE_URL", "http://127.0.0.1:3000"))
    p.add_argument("--client-id", default=os.environ.get("PIRROS_CLIENT_ID"))
    p.add_argument("--state", required=True, help="the JSON file that holds the copy")
    args = p.parse_args()
    secret = os.environ.get("PIRROS_CLIENT_SECRET")
    if not args.client_id or not secret:
        p.error("--client-id (or PIRROS_CLIENT_ID) and PIRROS_CLIENT_SECRET are required")
    client = Client(args.base_url, args.client_id, secret)
    state = load_state(args.state)
    summary = run(client, state)
    save_state(args.state, state)
    print(json.dumps(summary, sort_keys=True))


if __name__ == "__main__":
    try:
        main()
    except (ApiError, RuntimeError) as e:
        log(f"stopped: {e}")
        sys.exit(1)
