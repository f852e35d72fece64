#!/usr/bin/env bash
#
# The bench command (README): builds release binaries, starts the emulators, and prints the
# figures of docs/performance.md; JSON and plots go to docs/bench/.
#   bash infra/scripts/bench.sh                 # everything
#   bash infra/scripts/bench.sh search-scale    # one part (search-scale, index-writes, events, webhooks, routes, routes-rtt, init, sizes, cost,
#                                               # throughput, profile, uploads, export, rfa, plots)
set -euo pipefail
cd "$(dirname "$0")/../.."
what="${1:-all}"
# The crafted-family reader needs no emulator and no build of the functions.
if [[ "$what" == all || "$what" == rfa ]]; then
	bash infra/scripts/rfa_peak.sh
	# The one part that builds nothing else: a dev build of pirros-bench renders its table.
	[[ "$what" == rfa ]] && { cargo run -q -p pirros-bench -- tables; exit 0; }
fi
# shellcheck source=infra/scripts/emulators.sh
source infra/scripts/emulators.sh
emulators_install
trap emulators_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
emulators_start
mkdir -p docs/bench
profile="${BENCH_PROFILE:-release}"
# One build of everything the parts run: separate builds of subsets would unify features
# differently and compile the AWS SDK again.
cargo build --profile "$profile" -p pirros-bench -p pirros-local -p pirros-oauth -p pirros-tags \
	-p pirros-details -p pirros-families -p pirros-stashes -p pirros-downloads -p pirros-docs \
	-p pirros-discovery -p pirros-jobs -p pirros-worker -p pirros-webhooks -p pirros-webhook-delivery
bin="target/$profile/pirros-bench"
[[ "$profile" == dev ]] && bin="target/debug/pirros-bench"
# After each part that wrote JSON, docs/performance.md's tables are rendered from it again.
# pirros-bench stamps its own parts' JSON with the commit; `stamp` does it for the scripts.
tables() { "$bin" tables; }
if [[ "$what" == all || "$what" == search-scale ]]; then
	# Workspace sizes, comma-separated (300000 works too; it takes ~20 minutes to load).
	"$bin" search-scale --details "${BENCH_DETAILS:-10000,100000}" --json docs/bench/search_scale.json
	tables
fi
if [[ "$what" == all || "$what" == index-writes ]]; then
	# Items and write units of one upload's commit and one import, 2,000-character description.
	"$bin" index-writes --json docs/bench/index_writes.json
	tables
fi
if [[ "$what" == all || "$what" == events ]]; then
	# An event's write units, a feed page's reads; concurrent writers and a reader: lost, twice.
	"$bin" events --writes "${BENCH_EVENT_WRITES:-10000}" --writers 8 --json docs/bench/events.json
	tables
fi
if [[ "$what" == all || "$what" == webhooks ]]; then
	# Commit → delivery p50/p99, fan-out to 1,000 endpoints and 1,000 events to one, a receiver down then back.
	"$bin" webhooks --samples "${BENCH_SAMPLES:-200}" --endpoints "${BENCH_WEBHOOK_ENDPOINTS:-1000}" \
		--events "${BENCH_WEBHOOK_EVENTS:-1000}" --json docs/bench/webhooks.json
	tables
fi
# BENCH_ROUTES="token,flag create" measures only those routes (to look into one without a
# whole run): printed, and no JSON or table written, since a part of a run is not the run.
routes_out() { # routes_out JSON: where the routes parts write, or which routes they measure
	out=(--json "$1")
	[[ -n "${BENCH_ROUTES:-}" ]] || return 0
	local picked r
	IFS=, read -ra picked <<<"$BENCH_ROUTES"
	out=()
	for r in "${picked[@]}"; do out+=(--only "$r"); done
}
if [[ "$what" == all || "$what" == routes ]]; then
	routes_out docs/bench/routes.json
	"$bin" routes --samples "${BENCH_SAMPLES:-300}" "${out[@]}"
	[[ -n "${BENCH_ROUTES:-}" ]] || tables
fi
if [[ "$what" == all || "$what" == routes-rtt ]]; then
	# The same routes and floors with each DynamoDB round trip held back as in a region.
	routes_out docs/bench/routes_rtt.json
	"$bin" routes --samples "${BENCH_SAMPLES:-300}" \
		--dynamodb-rtt-ms "${BENCH_DYNAMODB_RTT_MS:-3}" "${out[@]}"
	[[ -n "${BENCH_ROUTES:-}" ]] || tables
fi
if [[ "$what" == all || "$what" == init ]]; then
	"$bin" init --bin-dir "$(dirname "$bin")" --runs "${BENCH_RUNS:-30}" --json docs/bench/init.json
	tables
fi
if [[ "$what" == all || "$what" == sizes ]]; then
	# Each function's zip as Lambda deploys it (the test command's release build for arm64).
	bash infra/scripts/lambda_build.sh
	cp target/lambda-build/sizes.json docs/bench/sizes.json
	"$bin" stamp docs/bench/sizes.json
	tables
fi
if [[ "$what" == all || "$what" == cost ]]; then
	# The tags route in Python beside ours (docs/cost.md): AWS's runtime client, boto3, PyJWT with
	# cryptography (Ed25519).
	# BENCH_COST_ONLY=webhooks measures only the webhook deliveries, into cost.json as it is.
	py=.cache/pylambda/bin/python
	"$py" -c 'import awslambdaric, boto3, jwt, cryptography' 2>/dev/null || {
		python3 -m venv .cache/pylambda && "$py" -m pip install -q --disable-pip-version-check -r infra/bench/python/requirements.txt
	}
	"$bin" cost --bin-dir "$(dirname "$bin")" --samples "${BENCH_COST_SAMPLES:-300}" --python "$PWD/$py" \
		--dynamodb-rtt-ms "${BENCH_DYNAMODB_RTT_MS:-3}" --json docs/bench/cost.json
	.cache/venv/bin/python -c 'import matplotlib' 2>/dev/null || .cache/venv/bin/pip install -q matplotlib
	.cache/venv/bin/python infra/scripts/cost.py docs/bench "${BENCH_MEMORY_MB:-256}" --doc docs/cost.md | tee docs/bench/cost_tables.md
	tables
fi
if [[ "$what" == all || "$what" == throughput ]]; then
	command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	local_bin="$(dirname "$bin")/pirros-local"
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	# The per-credential API limit would stop a load test after 1,000 requests.
	API_RATE_LIMIT_PER_HOUR=1000000000 RUST_LOG=warn "$local_bin" --addr "127.0.0.1:$port" >/dev/null 2>&1 &
	local_pid=$!
	trap 'kill $local_pid 2>/dev/null || true; emulators_stop' EXIT
	for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/openapi.json" >/dev/null && break; sleep 0.1; done
	token=$(curl -fs -X POST "http://127.0.0.1:$port/oauth/token" -H 'Content-Type: application/json' \
		-d '{"grant_type":"client_credentials","client_id":"pirros-demo-client","client_secret":"demo-secret-0123456789abcdef"}' |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
	ws=3f0c2a9e-7b1d-4c55-9e2a-5d6f1b2c3a40
	{
		echo '{'
		first=1
		for case in "tags|/v1/workspaces/$ws/tags" "search|/v1/workspaces/$ws/details?limit=25&include=tags"; do
			name=${case%%|*}
			path=${case#*|}
			out=$(wrk -t2 -c64 -d"${BENCH_WRK_SECS:-10}s" --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$port$path")
			echo "== wrk $name" >&2
			echo "$out" >&2
			rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
			p50=$(echo "$out" | awk '$1=="50%" {print $2}')
			p99=$(echo "$out" | awk '$1=="99%" {print $2}')
			((first)) || echo ','
			first=0
			printf '"%s": {"rps": %s, "p50": "%s", "p99": "%s"}' "$name" "$rps" "$p50" "$p99"
		done
		echo '}'
	} >docs/bench/throughput.json
	kill "$local_pid" 2>/dev/null || true
	"$bin" stamp docs/bench/throughput.json
	cat docs/bench/throughput.json
	tables
fi
if [[ "$what" == all || "$what" == profile ]]; then
	command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind; }
	# BENCH_PROFILE_BASE=path/to/an/older/pirros-local adds a before/after from the same run
	# (BENCH_PROFILE_BASE_LABEL names it), with BENCH_WRK_ROUNDS rounds of wrk (default 3)
	# taking turns between the two.
	compare=()
	if [[ -n "${BENCH_PROFILE_BASE:-}" ]]; then
		command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
		compare=("$BENCH_PROFILE_BASE" "$(dirname "$bin")/pirros-local"
			--labels "before (${BENCH_PROFILE_BASE_LABEL:-$BENCH_PROFILE_BASE})" "after (this tree)"
			--wrk-rounds "${BENCH_WRK_ROUNDS:-3}" --wrk-secs "${BENCH_WRK_SECS:-10}")
	else
		compare=("$(dirname "$bin")/pirros-local")
	fi
	python3 infra/scripts/profile.py "${compare[@]}" --json docs/bench/profile.json
	"$bin" stamp docs/bench/profile.json
	tables
fi
if [[ "$what" == all || "$what" == uploads ]]; then
	# Upload to `succeeded` through pirros-local (DynamoDB Local, s3rver), per file size.
	"$bin" uploads --sizes-mb "${BENCH_UPLOAD_MB:-1,100}" --runs "${BENCH_UPLOAD_RUNS:-3}" \
		--json docs/bench/uploads.json
	tables
fi
if [[ "$what" == all || "$what" == export ]]; then
	# The worker's peak memory and speed for stash exports of growing size (s3rver).
	export_bin="$(dirname "$bin")/export_bench"
	{
		echo '['
		first=1
		for mb in ${BENCH_EXPORT_MB:-100 1000}; do
			((first)) || echo ','
			first=0
			"$export_bin" --files 20 --total-mb "$mb" | tail -n 1
		done
		# 3 GB from the 1 GB of sources, each zipped three times (the emulator's disk holds
		# the sources once).
		echo ','
		"$export_bin" --files 20 --total-mb 1000 --repeat 3 | tail -n 1
		echo ']'
	} >docs/bench/export.json
	"$bin" stamp docs/bench/export.json
	cat docs/bench/export.json
	tables
fi
if [[ "$what" == all || "$what" == plots ]]; then
	.cache/venv/bin/python -c 'import matplotlib' 2>/dev/null || .cache/venv/bin/pip install -q matplotlib
	.cache/venv/bin/python infra/scripts/plot_bench.py docs/bench
fi
