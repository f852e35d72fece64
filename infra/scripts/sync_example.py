#!/usr/bin/env python3
"""The nightly sync loop of docs/sync.md, runnable (Python 3.11, standard library only).

Keeps a local copy of what one credential may read, and on each run fetches only what
changed since the last one:

  PIRROS_CLIENT_SECRET=... python3 infra/scripts/sync_example.py \\
      --base-url http://127.0.0.1:3000 --client-id pirros-demo-client --state sync-state.json

The secret comes from the environment, never the command line (which other users of the
machine can read). Each run prints one JSON summary line on stdout; progress and waits go
to stderr. The state file is rewritten atomically at the end of a successful run.
"""

import argparse
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


def reconcile(stored, seen, counts, full):
    """Counts what is new or changed (by `updated_at`) in `seen`, and, after a full walk,
    what is gone; returns the new copy."""
    out = dict(stored) if not full else {}
    for item in seen:
        old = stored.get(item["id"])
        if old is None:
            counts["new"] += 1
        elif old["updated_at"] != item["updated_at"]:
            counts["changed"] += 1
        else:
            counts["unchanged"] += 1
        out[item["id"]] = item
    if full:
        # Deleted, or no longer visible to this credential: either way not ours to keep.
        counts["removed"] += len(set(stored) - set(out))
    return out


def sync_details(client, ws, state, counts, modes):
    path = f"/v1/workspaces/{ws}/details"
    stored = state["details"].get(ws, {})
    since = state["details_since"].get(ws)
    seen, full = None, True
    # --- updated_since ------------------------------------------------------------
    # With `updated_since` (RFC 3339) the details search answers only the details updated
    # at or after it, oldest update first, so a night costs pages of what changed rather
    # than of the whole library. The next run starts from the newest `updated_at` seen:
    # a server timestamp, so the client's clock does not matter, and "at or after" means
    # an update in the same millisecond is never lost (the boundary detail comes again
    # and counts as unchanged). A server without it answers 400 naming the parameter;
    # then (and on the first run) the loop walks the whole search instead.
    if since is not None:
        try:
            seen = list(client.pages(path, {"updated_since": since}))
            full = False
        except ApiError as e:
            if e.status != 400 or e.field() != "updated_since":
                raise
    # --------------------------------------------------------------------------------
    if seen is None:
        seen = list(client.pages(path))
    modes[ws] = "full" if full else "updated_since"
    state["details"][ws] = reconcile(stored, seen, counts, full)
    newest = max((d["updated_at"] for d in state["details"][ws].values()), default=since)
    if newest is not None:
        state["details_since"][ws] = newest


def sync_families(client, ws, wanted, state, counts):
    """Conditional GETs: a family the copy holds is fetched again only if it changed."""
    held = state["families"].get(ws, {})
    out = {}
    for fid in sorted(wanted | set(held)):
        copy = held.get(fid)
        status, etag, family = client.get(
            f"/v1/workspaces/{ws}/families/{fid}",
            if_none_match=copy["etag"] if copy else None,
        )
        if status == 304:
            counts["not_modified"] += 1
            out[fid] = copy
        elif status == 200:
            counts["fetched"] += 1
            out[fid] = {"etag": etag, "family": family}
        else:
            # 404: deleted, moved out of reach, or never readable: the same answer.
            counts["gone"] += 1
    state["families"][ws] = out


def run(client, state):
    summary = {
        "workspaces": [],
        "projects": 0,
        "details": dict.fromkeys(("new", "changed", "unchanged", "removed"), 0),
        "stashes": dict.fromkeys(("new", "changed", "unchanged", "removed"), 0),
        "families": dict.fromkeys(("fetched", "not_modified", "gone"), 0),
        "details_mode": {},
    }
    _, _, me = client.get("/v1/me")
    for w in me["workspaces"]:
        ws = w["id"]
        reads = {g["entity_type"] for g in w["grants"] if g["action"] == "read"}
        summary["workspaces"].append(ws)
        if reads:
            projects = list(client.pages(f"/v1/workspaces/{ws}/projects"))
            state["projects"][ws] = {p["id"]: p for p in projects}
            summary["projects"] += len(projects)
        if "detail" in reads:
            sync_details(client, ws, state, summary["details"], summary["details_mode"])
        families = set()
        if "stash" in reads:
            stashes = list(client.pages(f"/v1/workspaces/{ws}/stashes"))
            stored = state["stashes"].get(ws, {})
            state["stashes"][ws] = reconcile(stored, stashes, summary["stashes"], True)
            for s in stashes:
                families.update(s["item_ids"]["family_ids"])
        if "family" in reads:
            sync_families(client, ws, families, state, summary["families"])
    summary["requests"] = client.requests
    summary["waits"] = client.waits
    return summary


def load_state(path):
    empty = {k: {} for k in ("projects", "details", "details_since", "stashes", "families")}
    try:
        with open(path) as f:
            return {**empty, **json.load(f)}
    except FileNotFoundError:
        return empty


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
