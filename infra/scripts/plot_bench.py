"""Turns the bench JSON in docs/bench/ into the PNG plots docs/performance.md shows."""

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def load(d: Path, name: str):
    p = d / name
    return json.loads(p.read_text()) if p.exists() else None


def main() -> None:
    d = Path(sys.argv[1])
    routes = load(d, "routes.json")
    if routes:
        rows = routes["rows"]
        names = [r["route"] for r in rows]
        x = range(len(rows))
        fig, ax = plt.subplots(figsize=(9, 4))
        ax.bar([i - 0.2 for i in x], [r["floor_p50_ms"] for r in rows], 0.4, label="raw DynamoDB floor p50")
        ax.bar([i + 0.2 for i in x], [r["p50_ms"] for r in rows], 0.4, label="end-to-end p50")
        ax.scatter([i + 0.2 for i in x], [r["p99_ms"] for r in rows], color="black", marker="_", s=200, label="end-to-end p99")
        ax.set_xticks(list(x), names, rotation=20)
        ax.set_ylabel("ms")
        ax.set_title("Latency per route vs its DynamoDB round trips (DynamoDB Local)")
        ax.legend()
        fig.tight_layout()
        fig.savefig(d / "routes.png", dpi=110)
    init = load(d, "init.json")
    if init:
        rows = init["rows"]
        fig, ax = plt.subplots(figsize=(8, 3.5))
        ax.bar([r["function"] for r in rows], [r["p50_ms"] for r in rows], label="p50")
        ax.axhline(30, color="red", linestyle="--", label="goal 30 ms")
        ax.set_ylabel("ms, process start → first response")
        ax.set_title("Cold start per function (local Lambda Runtime API)")
        ax.legend()
        fig.tight_layout()
        fig.savefig(d / "init.png", dpi=110)
    scale = load(d, "search_scale.json")
    if scale:
        rows = scale["rows"]
        fig, ax = plt.subplots(figsize=(8, 3.5))
        ax.barh([r["page"] for r in rows], [r["items_read"] for r in rows])
        ax.set_xscale("log")
        ax.set_xlabel("items DynamoDB examined for one page (log)")
        ax.set_title(f"Details search over {scale['details']:,} details")
        fig.tight_layout()
        fig.savefig(d / "search_scale.png", dpi=110)


if __name__ == "__main__":
    main()
