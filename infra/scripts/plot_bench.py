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
        runs = scale["runs"]
        sizes = [r["details"] for r in runs]
        pages = [row["page"] for row in runs[0]["rows"]]
        fig, (ax, lat) = plt.subplots(1, 2, figsize=(13, 4.5))
        for page in pages:
            rows = [next(x for x in r["rows"] if x["page"] == page) for r in runs]
            ax.plot(sizes, [x["items_read"] for x in rows], marker="o", label=page)
            lat.plot(sizes, [x["p50_ms"] for x in rows], marker="o", label=page)
        ax.axhline(scale["budget"], color="red", linestyle="--", label=f"budget ({scale['budget']})")
        for a in (ax, lat):
            a.set_xscale("log")
            a.minorticks_off()
            a.set_xticks(sizes, [f"{n:,}" for n in sizes])
            a.set_xlabel("details in the workspace")
        ax.set_ylabel(f"items read for one page (limit={scale['limit']})")
        ax.set_title("Items read per search page against workspace size")
        lat.set_ylabel("p50 ms (DynamoDB Local)")
        lat.set_title("Latency per search page")
        lat.legend(*ax.get_legend_handles_labels(), fontsize=7, loc="center left", bbox_to_anchor=(1.02, 0.5))
        fig.tight_layout()
        fig.savefig(d / "search_scale.png", dpi=110)

if __name__ == "__main__":
    main()
