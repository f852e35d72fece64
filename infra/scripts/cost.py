"""Dollars from the cost bench (docs/bench/cost.json): per route, per million requests,
and per month for an integrator, and per million webhook deliveries; writes
docs/bench/cost.png and docs/bench/cost_summary.json and prints the tables docs/cost.md shows.

Prices are AWS list prices for us-east-1 (first tier), as published in 2025; edit PRICES if
they change. Usage: python infra/scripts/cost.py docs/bench [memory MB] [--doc docs/cost.md
[--check]]

With --doc, the tables of the doc between `<!-- table:NAME -->` and `<!-- /table -->` (NAME
one of DOC_TABLES) are rewritten from what this prints, so no figure of them is typed; with
--check too, nothing is written and the exit code is 1 when the doc differs (a test runs it).
"""

import contextlib
import io
import json
import math
import sys
from pathlib import Path

# The doc's marked tables, by the heading of what `main` prints.
DOC_TABLES = {
    "cost-routes": "## Dollars per million requests",
    "cost-python": "## Tags route: Rust and Python",
    "cost-deliveries": "## Webhook deliveries: each invocation measured",
    "cost-deliveries-dollars": "## Dollars per million webhook deliveries",
}
OPEN, CLOSE = "<!-- table:", "<!-- /table -->"

PRICES = {
    "apigw_http_per_million": 1.00,  # HTTP API, first 300 M requests/month, per 512 KB
    "lambda_requests_per_million": 0.20,
    "lambda_gb_second_arm64": 0.0000133334,
    "dynamodb_read_units_per_million": 0.125,  # on demand, per read request unit
    "dynamodb_write_units_per_million": 0.625,  # on demand, per write request unit
    "s3_get_per_thousand": 0.0004,
    "cloudfront_https_per_10k": 0.0100,  # North America
    "logs_ingest_per_gb": 0.50,
    "xray_traces_per_million": 5.00,  # recorded; the first 100,000 a month are free
    "custom_metric_month": 0.30,  # first 10,000 metrics
    "alarm_metric_month": 0.10,  # standard resolution, per metric an alarm reads
    "dashboard_month": 3.00,  # beyond the account's first 3
    "secret_month": 0.40,
    "sqs_requests_per_million": 0.40,  # standard queue, per 64 KB chunk of a request; first 1 M a month free
}

# Lambda writes START, END and REPORT lines per invocation (REPORT names the trace when
# tracing is on); API Gateway writes one access-log line in our JSON format.
PLATFORM_LOG_BYTES = 420
ACCESS_LOG_BYTES = 460
# X-Ray's default rule records 1 request a second and 5 % of the rest.
XRAY_SHARE_AT_SCALE = 0.05
# An integrator's requests, by route (an assumption: a sync job that mostly searches and
# reads details, asks for a token once an hour and downloads now and then).
MIX = {
    "token": 0.1,
    "tags": 5.0,
    "details search": 40.0,
    "details get": 30.0,
    "families get": 8.0,
    "families similar": 4.0,
    "download pdf": 6.0,
    "download rvt": 4.0,
    "stash get": 1.5,
    "stash create": 0.8,
    "stash update": 0.6,
}
# A webhook delivery: its share of the fan-out that queued it and of the delivery
# invocation whose batch held it, by the cases of cost.json's webhook_deliveries.
DELIVERY_SCENARIOS = [
    ("1 endpoint, batches of 1", "fan-out, 1 endpoint", "delivery, batch of 1"),
    ("1 endpoint, batches of 10", "fan-out, 1 endpoint", "delivery, batch of 10"),
    ("10 endpoints, batches of 1", "fan-out, 10 endpoints", "delivery, batch of 1"),
    ("10 endpoints, batches of 10", "fan-out, 10 endpoints", "delivery, batch of 10"),
    ("1 endpoint, batches of 1, receiver takes 100 ms", "fan-out, 1 endpoint", "delivery, batch of 1, receiver answers in 100 ms"),
    ("10 endpoints, batches of 10, receiver takes 100 ms", "fan-out, 10 endpoints", "delivery, batch of 10, receiver answers in 100 ms"),
]
REQUESTS_PER_HOUR = 1000
HOURS_PER_MONTH = 730
# Custom metrics the catalog publishes with realistic dimension values (see docs/cost.md).
CUSTOM_METRICS = 3 * (1 + 30) + 4 * (1 + 14) + 1 * 7 + 1 * 8
ALARM_METRICS = 2 + 1 + 7 + 7 + 8


def per_million(row, memory_mb, dynamodb=None, xray_share=XRAY_SHARE_AT_SCALE):
    """Dollars per million requests of one route, by component."""
    d = dynamodb or row.get("dynamodb") or {}
    billed_ms = row["billed_ms_mean"]
    gb_s = billed_ms / 1000 * memory_mb / 1024
    route = row.get("route", "")
    s3 = 0.0
    if route in ("download rvt", "download rfa"):
        s3 = PRICES["s3_get_per_thousand"] * 1000  # the GET of the presigned URL
    elif route == "download pdf":
        s3 = PRICES["cloudfront_https_per_10k"] * 100  # the GET through CloudFront
    log_bytes = row.get("log_bytes_per_request", 0) + PLATFORM_LOG_BYTES + ACCESS_LOG_BYTES
    return {
        "API Gateway": PRICES["apigw_http_per_million"],
        "Lambda requests": PRICES["lambda_requests_per_million"],
        "Lambda duration": gb_s * PRICES["lambda_gb_second_arm64"] * 1e6,
        "DynamoDB reads": d.get("read_units", 0) * PRICES["dynamodb_read_units_per_million"],
        "DynamoDB writes": d.get("write_units", 0) * PRICES["dynamodb_write_units_per_million"],
        "S3 / CloudFront": s3,
        "CloudWatch Logs": log_bytes / 1e9 * PRICES["logs_ingest_per_gb"] * 1e6,
        "X-Ray": xray_share * PRICES["xray_traces_per_million"],
    }


def per_million_deliveries(cases, memory_mb):
    """Dollars per million webhook deliveries, by component, from the invocations a delivery
    takes a share of (1 / the deliveries each one handled)."""
    out = dict.fromkeys(["Lambda requests", "Lambda duration", "DynamoDB reads", "DynamoDB writes", "SQS", "CloudWatch Logs", "X-Ray"], 0.0)
    per = dict.fromkeys(["invocations", "billed_ms", "read_units", "write_units", "sqs_requests"], 0.0)
    for r in cases:
        share = 1 / r["deliveries_per_invocation"]
        d = r["dynamodb"]
        gb_s = r["billed_ms_mean"] / 1000 * memory_mb / 1024
        # Lambda's START/END/REPORT lines come with every invocation; no API Gateway here.
        log_bytes = r["log_bytes_per_invocation"] + PLATFORM_LOG_BYTES
        out["Lambda requests"] += share * PRICES["lambda_requests_per_million"]
        out["Lambda duration"] += share * gb_s * PRICES["lambda_gb_second_arm64"] * 1e6
        out["DynamoDB reads"] += share * d["read_units"] * PRICES["dynamodb_read_units_per_million"]
        out["DynamoDB writes"] += share * d["write_units"] * PRICES["dynamodb_write_units_per_million"]
        out["SQS"] += share * r["sqs"]["billed_requests"] * PRICES["sqs_requests_per_million"]
        out["CloudWatch Logs"] += share * log_bytes / 1e9 * PRICES["logs_ingest_per_gb"] * 1e6
        out["X-Ray"] += share * XRAY_SHARE_AT_SCALE * PRICES["xray_traces_per_million"]
        per["invocations"] += share
        per["billed_ms"] += share * r["billed_ms_mean"]
        per["read_units"] += share * d["read_units"]
        per["write_units"] += share * d["write_units"]
        per["sqs_requests"] += share * r["sqs"]["billed_requests"]
    return out, per


def print_deliveries(hooks, memory):
    """The webhook tables; the dollars per million deliveries, by scenario."""
    cases = {c["case"]: c for c in hooks["cases"]}
    print(f"\n## Webhook deliveries: each invocation measured ({hooks['profile']} build, {hooks['dynamodb_rtt_added_ms']:g} ms added per DynamoDB round trip)\n")
    print("| invocation | deliveries | warm p50 ms | billed ms | cold start p50 ms | DynamoDB calls | RCU | WCU | SQS requests | log bytes | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, c in cases.items():
        sqs = ", ".join(f"{v['calls']:g} {op}" for op, v in c["sqs"]["by_operation"].items()) or "0"
        cold = f"{c['cold']['start_to_answer_ms']['p50']:.0f}" if c["cold"] else "–"
        print(
            f"| {name} | {c['deliveries_per_invocation']} | {c['warm_ms']['p50']:.1f} | {c['billed_ms_mean']:.1f} | {cold} | "
            f"{c['dynamodb']['calls']:g} | {c['dynamodb']['read_units']:g} | {c['dynamodb']['write_units']:g} | {sqs} | "
            f"{c['log_bytes_per_invocation']:.0f} | {c['peak_rss_mb']:.1f} |"
        )
    print(f"\n## Dollars per million webhook deliveries (Lambda arm64 at {memory} MB, us-east-1 list prices)\n")
    out = {}
    comps = None
    for label, fan, deliver in DELIVERY_SCENARIOS:
        if fan not in cases or deliver not in cases:
            continue
        costs, per = per_million_deliveries([cases[fan], cases[deliver]], memory)
        out[label] = {"dollars": costs, "per_delivery": per}
        if comps is None:
            comps = list(costs)
            print("| deliveries | invocations | billed ms | RCU | WCU | SQS requests | " + " | ".join(comps) + " | **total** |")
            print("|---|" + "---:|" * (len(comps) + 6))
        cells = " | ".join(f"{v:.3f}" for v in costs.values())
        print(
            f"| {label} | {per['invocations']:.2f} | {per['billed_ms']:.1f} | {per['read_units']:.2f} | {per['write_units']:.2f} | "
            f"{per['sqs_requests']:.2f} | {cells} | **{sum(costs.values()):.2f}** |"
        )
    return out


def sections(printed: str) -> dict:
    """What `tables` printed, by heading: the table lines under each `## ` line."""
    out, heading = {}, None
    for line in printed.splitlines():
        if line.startswith("## "):
            heading = line
            out[heading] = []
        elif heading is not None and line.startswith("|"):
            out[heading].append(line)
    return out


def render_doc(doc: str, printed: str) -> str:
    """`doc` with each marked table replaced by the printed one of its name."""
    found = sections(printed)
    lines, out, i, seen = doc.split("\n"), [], 0, set()
    while i < len(lines):
        line = lines[i]
        out.append(line)
        i += 1
        name = line.strip()[len(OPEN):].removesuffix("-->").strip() if line.strip().startswith(OPEN) else None
        if name is None:
            continue
        if name not in DOC_TABLES:
            sys.exit(f"cost.py: the doc marks a table `{name}` it does not render")
        heads = [h for h in found if h.startswith(DOC_TABLES[name])]
        if len(heads) != 1:
            sys.exit(f"cost.py: nothing printed under {DOC_TABLES[name]!r} for `{name}`")
        while i < len(lines) and lines[i].strip() != CLOSE:
            i += 1
        if i == len(lines):
            sys.exit(f"cost.py: table `{name}` is never closed")
        out.extend(found[heads[0]])
        seen.add(name)
    if seen != set(DOC_TABLES):
        sys.exit(f"cost.py: the doc has no marker for {sorted(set(DOC_TABLES) - seen)}")
    return "\n".join(out)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    doc = sys.argv[sys.argv.index("--doc") + 1] if "--doc" in sys.argv else None
    if doc:
        args.remove(doc)
    check = "--check" in sys.argv
    d = Path(args[0])
    memory = int(args[1]) if len(args) > 1 else 256
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        tables(d, memory, write=not check)
    print(printed.getvalue(), end="")
    if doc:
        text = Path(doc).read_text()
        rendered = render_doc(text, printed.getvalue())
        if check:
            if rendered != text:
                sys.exit(f"{doc} differs from what {d}/cost.json renders: run infra/scripts/cost.py {d} {memory} --doc {doc}")
        elif rendered != text:
            Path(doc).write_text(rendered)
            print(f"{doc}: tables rewritten", file=sys.stderr)


def tables(d: Path, memory: int, write: bool) -> None:
    bench = json.loads((d / "cost.json").read_text())
    rows = {r["route"]: r for r in bench["routes"]}
    costs = {name: per_million(r, memory) for name, r in rows.items()}
    py = bench.get("python_tags")
    if py:
        # Same calls on the same items: what DynamoDB charges is the Rust function's figure.
        costs["tags (Python)"] = per_million(py | {"route": "tags"}, memory, rows["tags"]["dynamodb"])

    print(f"## Dollars per million requests (Lambda arm64 at {memory} MB, us-east-1 list prices)\n")
    comps = list(next(iter(costs.values())).keys())
    print("| route | billed ms | RCU | WCU | " + " | ".join(comps) + " | **total** |")
    print("|---|" + "---:|" * (len(comps) + 4))
    for name, c in costs.items():
        r = py if name == "tags (Python)" else rows[name]
        dd = rows["tags"]["dynamodb"] if name == "tags (Python)" else (r.get("dynamodb") or {})
        cells = " | ".join(f"{v:.3f}" for v in c.values())
        print(f"| {name} | {r['billed_ms_mean']:.1f} | {dd.get('read_units', 0):.1f} | {dd.get('write_units', 0):.1f} | {cells} | **{sum(c.values()):.2f}** |")

    monthly_requests = REQUESTS_PER_HOUR * HOURS_PER_MONTH
    assert abs(sum(MIX.values()) - 100) < 1e-6
    # One integrator alone stays under X-Ray's 1/s reservoir: every request is traced, and
    # the first 100,000 traces a month are free.
    solo = {n: per_million(rows[n], memory, xray_share=0) for n in MIX}
    variable = sum(MIX[n] / 100 * sum(solo[n].values()) for n in MIX) * monthly_requests / 1e6
    xray = max(monthly_requests - 100_000, 0) / 1e6 * PRICES["xray_traces_per_million"]
    fixed = {
        "custom metrics": CUSTOM_METRICS * PRICES["custom_metric_month"],
        "alarms": ALARM_METRICS * PRICES["alarm_metric_month"],
        "dashboard": PRICES["dashboard_month"],
        "signing key secret": PRICES["secret_month"],
    }
    print(f"\n## One integrator, {REQUESTS_PER_HOUR:,} requests an hour ({monthly_requests:,} a month)\n")
    print("| part | $ / month |")
    print("|---|---:|")
    print(f"| requests (mix below): API Gateway, Lambda, DynamoDB, S3/CloudFront, logs | {variable:.2f} |")
    print(f"| X-Ray (all traced, 100,000 free) | {xray:.2f} |")
    for k, v in fixed.items():
        print(f"| {k} (fixed, the whole stack) | {v:.2f} |")
    print(f"| **total** | **{variable + xray + sum(fixed.values()):.2f}** |")

    if py:
        print("\n## Tags route: Rust and Python through the same Runtime API, same run\n")
        print("| | cold start (start → answer) p50 | init p50 | warm p50 | warm p99 | billed ms | CPU ms/request | peak RSS MB | $ / million |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for label, r, c in (("Rust (`pirros-tags`)", rows["tags"], costs["tags"]), (f"Python ({py.get('runtime', '')}, boto3)", py, costs["tags (Python)"])):
            print(
                f"| {label} | {r['cold']['start_to_answer_ms']['p50']:.1f} ms | {r['cold']['init_ms']['p50']:.1f} ms | "
                f"{r['warm_ms']['p50']:.2f} ms | {r['warm_ms']['p99']:.2f} ms | {r['billed_ms_mean']:.2f} | "
                f"{r['cpu_ms_per_request']:.2f} | {r['peak_rss_mb']:.1f} | {sum(c.values()):.3f} |"
            )

    hooks = bench.get("webhook_deliveries")
    deliveries = print_deliveries(hooks, memory) if hooks else None

    if not write:
        return
    (d / "cost_summary.json").write_text(json.dumps({
        "memory_mb": memory, "prices": PRICES, "per_million": costs, "per_million_deliveries": deliveries,
        "integrator_month": {"requests": monthly_requests, "variable": variable, "xray": xray, "fixed": fixed},
    }, indent=2))

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(costs)
    fig, ax = plt.subplots(figsize=(16, 5.2))
    bottom = [0.0] * len(names)
    for comp in comps:
        vals = [costs[n][comp] for n in names]
        ax.bar(names, vals, bottom=bottom, label=comp)
        bottom = [b + v for b, v in zip(bottom, vals)]
    for i, total in enumerate(bottom):
        ax.text(i, total + 0.03, f"{total:.2f}", ha="center", fontsize=8)
    ax.set_ylabel("$ per million requests")
    ax.set_title(f"Cost per million requests by route (Lambda arm64 {memory} MB, us-east-1 list prices, measured duration and capacity)")
    ax.tick_params(axis="x", rotation=30)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(d / "cost.png", dpi=110)


if __name__ == "__main__":
    main()
