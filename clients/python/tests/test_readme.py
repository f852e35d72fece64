"""The code in clients/python/README.md runs as written, against a real pirros-local, and
the line counts it states are true."""

from __future__ import annotations

import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import CLIENT_ID, CLIENT_SECRET, SDK, WS, Server

from pirros import Client

README = (SDK / "README.md").read_text(encoding="utf-8")


def block(name: str) -> str:
    found = re.search(
        rf"<!-- {name}:begin -->\s*```python\n(.*?)```\s*<!-- {name}:end -->", README, re.S
    )
    assert found, f"README.md has no {name} block"
    return found.group(1)


def stated_line_count(name: str) -> int:
    before = README[: README.index(f"<!-- {name}:begin -->")]
    return int(re.findall(r"\((\d+) lines\)", before)[-1])


def test_the_example_lists_the_tags_of_the_first_workspace(server: Server, tmp_path: Path) -> None:
    code = block("example")
    assert "http://127.0.0.1:3000" in code
    script = tmp_path / "example.py"
    script.write_text(code.replace("http://127.0.0.1:3000", server.base_url))
    run = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "Demo integration: Demo workspace"
    assert "tag-masonry masonry" in lines
    assert len(lines) == 1 + 5  # the demo workspace's five tags


@pytest.mark.parametrize("name", ["sync-sdk", "sync-http"])
def test_the_stated_line_counts_are_true(name: str) -> None:
    code_lines = [line for line in block(name).splitlines() if line.strip()]
    assert len(code_lines) == stated_line_count(name)


class Follower:
    """A README program running in its own process, its output read line by line."""

    def __init__(self, code: str, server: Server, tmp_path: Path, name: str) -> None:
        script = tmp_path / f"{name}.py"
        script.write_text(code)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, str(script), server.base_url, WS],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=tmp_path,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no line matching {pattern!r}; got {self.seen}") from None
            self.seen.append(line)
            if re.search(pattern, line):
                return line

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def test_both_sync_programs_copy_every_detail_and_follow_the_feed(
    server: Server, tmp_path: Path
) -> None:
    followers = [
        Follower(block(name), server, tmp_path, name) for name in ("sync-sdk", "sync-http")
    ]
    try:
        for follower in followers:
            assert follower.wait_for(r"^synced \d+ details$") == "synced 5 details"
        with Client(server.base_url, CLIENT_ID, CLIENT_SECRET) as pirros_client:
            flag = pirros_client.post(
                f"/v1/workspaces/{WS}/details/det-parapet/flags", {"reason": "outdated"}
            ).value
        for follower in followers:
            line = follower.wait_for(re.escape(flag["id"]))
            assert re.fullmatch(rf"\d+ flag\.created {re.escape(flag['id'])}", line), line
    finally:
        for follower in followers:
            follower.stop()
