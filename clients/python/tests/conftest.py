"""Fixtures: real pirros-local servers on free ports, and a transport that records what
the SDK sends.

infra/scripts/sdk_python.sh runs these tests with the venv the built wheel was installed
into; PIRROS_LOCAL_BIN names the server binary (else target/debug/pirros-local of this
checkout).
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[3]
SDK = REPO / "clients" / "python"
BIN = Path(os.environ.get("PIRROS_LOCAL_BIN", REPO / "target" / "debug" / "pirros-local"))

CLIENT_ID = "pirros-demo-client"
CLIENT_SECRET = "demo-secret-0123456789abcdef"
WS = "3f0c2a9e-7b1d-4c55-9e2a-5d6f1b2c3a40"
PROJECT = "8d2e6f10-4a3b-4c1d-9e8f-0a1b2c3d4e51"


@dataclass
class Server:
    base_url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(log_dir: Path, env: dict[str, str]) -> Server:
    if not BIN.exists():
        pytest.fail(f"{BIN} is missing: build it first (cargo build -p pirros-local)")
    port = _free_port()
    log = log_dir / f"pirros-local-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(BIN), "--addr", f"127.0.0.1:{port}"],
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"pirros-local exited ({process.returncode}):\n{log.read_text()}")
        try:
            httpx.get(f"{server.base_url}/openapi.json", timeout=1)
            return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.stop()
    pytest.fail(f"pirros-local did not answer within 30 s:\n{log.read_text()}")


# Generous limits by default, so that only the tests that want a 429 get one.
BASE_ENV = {"API_RATE_LIMIT_PER_HOUR": "100000", "WEBHOOK_ALLOW_PRIVATE_URLS": "true"}


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One pirros-local shared by the tests that need no settings of their own."""
    started = _start(tmp_path_factory.mktemp("server"), BASE_ENV)
    yield started
    started.stop()


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """start_server(NAME=value, ...): a pirros-local of this test's own, with that env."""
    started: list[Server] = []

    def start(**env: str) -> Server:
        server = _start(tmp_path, {**BASE_ENV, **env})
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@dataclass
class Call:
    method: str
    path: str
    url: httpx.URL
    headers: httpx.Headers
    status: int
    response_headers: httpx.Headers
    at: float


class Recorder(httpx.BaseTransport):
    """A real HTTP transport that keeps every request it sent and the status it got."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.calls: list[Call] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        self.calls.append(
            Call(
                request.method,
                request.url.path,
                request.url,
                httpx.Headers(request.headers),
                response.status_code,
                response.headers,
                time.monotonic(),
            )
        )
        return response

    def close(self) -> None:
        self.inner.close()

    def to(self, method: str, path_end: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.path.endswith(path_end)]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()
