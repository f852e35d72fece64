#!/usr/bin/env python3
"""Instructions per authenticated request, counted by callgrind (repeatable, unlike seconds).

Runs each given `pirros-local` binary under `valgrind --tool=callgrind` twice, once serving
`--small` requests and once `--large`, and prints (large - small) / (large - small requests):
start-up and the token request cancel out, what is left is the cost of one request.

    python3 infra/scripts/profile.py target/release/pirros-local [OTHER_BINARY ...]

Part `profile` of infra/scripts/bench.sh runs it; pass an older build as a second binary to
get a before/after from one run (`--labels` names them in the JSON, `--wrk-rounds N` adds N
rounds of `wrk` on the same path, the two binaries taking turns).
"""
import argparse
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

WS = "3f0c2a9e-7b1d-4c55-9e2a-5d6f1b2c3a40"
CLIENT = {"grant_type": "client_credentials", "client_id": "pirros-demo-client",
          "client_secret": "demo-secret-0123456789abcdef"}


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_up(port, proc, seconds=120):
    end = time.time() + seconds
    while time.time() < end:
        if proc.poll() is not None:
            raise SystemExit(f"pirros-local exited early ({proc.returncode})")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/openapi.json")
            c.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("pirros-local did not answer")


def demo_token(c):
    """A bearer token for the demo client, asked over the connection `c`."""
    c.request("POST", "/oauth/token", json.dumps(CLIENT), {"Content-Type": "application/json"})
    return json.loads(c.getresponse().read())["access_token"]


def run(binary, requests, path):
    port = free_port()
    out = tempfile.mktemp(prefix="callgrind.", suffix=".out")
    env = dict(os.environ, API_RATE_LIMIT_PER_HOUR="1000000000", RUST_LOG="warn")
    proc = subprocess.Popen(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", binary,
         "--addr", f"127.0.0.1:{port}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_up(port, proc)
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        token = demo_token(c)
        headers = {"Authorization": f"Bearer {token}"}
        for _ in range(requests):
            c.request("GET", path, headers=headers)
            r = c.getresponse()
            r.read()
            if r.status != 200:
                raise SystemExit(f"{path} answered {r.status}")
    finally:
        proc.terminate()
        proc.wait(timeout=120)
    with open(out) as f:
        text = f.read()
    os.unlink(out)
    m = re.search(r"^summary:\s+(\d+)", text, re.M) or re.search(r"^totals:\s+(\d+)", text, re.M)
    if not m:
        raise SystemExit("no callgrind summary")
    return int(m.group(1))


def wrk(binary, path, seconds):
    """Requests/s of `wrk -t2 -c64` on `path`, against `binary` run natively."""
    port = free_port()
    env = dict(os.environ, API_RATE_LIMIT_PER_HOUR="1000000000", RUST_LOG="warn")
    proc = subprocess.Popen([binary, "--addr", f"127.0.0.1:{port}"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_up(port, proc)
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        token = demo_token(c)
        out = subprocess.run(
            ["wrk", "-t2", "-c64", f"-d{seconds}s", "-H", f"Authorization: Bearer {token}",
             f"http://127.0.0.1:{port}{path}"],
            check=True, capture_output=True, text=True).stdout
    finally:
        proc.terminate()
        proc.wait(timeout=120)
    m = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M)
    if not m:
        raise SystemExit(f"no Requests/sec in wrk's output:\n{out}")
    return float(m.group(1))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("binaries", nargs="+")
    p.add_argument("--small", type=int, default=100)
    p.add_argument("--large", type=int, default=1100)
    p.add_argument("--path", default=f"/v1/workspaces/{WS}/tags")
    p.add_argument("--json")
    p.add_argument("--labels", nargs="+", help="the JSON's name for each binary, in order")
    p.add_argument("--wrk-rounds", type=int, default=0,
                   help="with two binaries: rounds of wrk on the path, the binaries taking turns")
    p.add_argument("--wrk-secs", type=int, default=10)
    a = p.parse_args()
    labels = a.labels or a.binaries
    if len(labels) != len(a.binaries):
        raise SystemExit("--labels needs one name per binary")
    results = {}
    for b, label in zip(a.binaries, labels):
        small = run(b, a.small, a.path)
        large = run(b, a.large, a.path)
        per = (large - small) / (a.large - a.small)
        results[label] = round(per)
        print(f"{b}: {per:,.0f} instructions per GET {a.path}", flush=True)
    rounds = {"before": [], "after": []}
    if len(a.binaries) == 2:
        for _ in range(a.wrk_rounds):
            for key, b in zip(("before", "after"), a.binaries):
                rounds[key].append(wrk(b, a.path, a.wrk_secs))
                print(f"{b}: {rounds[key][-1]:,.0f} requests/s (wrk)", flush=True)
    if len(a.binaries) == 2:
        before, after = (results[label] for label in labels)
        print(f"change: {100.0 * (after - before) / before:+.1f} %")
    if a.json:
        doc = {"path": a.path, "instructions_per_request": results}
        if rounds["before"]:
            doc["wrk_requests_per_second_rounds"] = rounds
        with open(a.json, "w") as f:
            json.dump(doc, f, indent=2)


if __name__ == "__main__":
    sys.exit(main())
