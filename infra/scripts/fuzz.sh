#!/usr/bin/env bash
#
# Fuzzes the API against its own OpenAPI document with schemathesis:
#   bash infra/scripts/fuzz.sh                 # after a debug build (cargo test builds it)
#   FUZZ_EXAMPLES=300 bash infra/scripts/fuzz.sh   # more cases per operation
#   FUZZ_SEED=random bash infra/scripts/fuzz.sh    # another seed than the fixed one
#   FUZZ_CHECKS=not_a_server_error bash infra/scripts/fuzz.sh   # fewer checks than all
#   FUZZ_WORKERS=1 bash infra/scripts/fuzz.sh    # one request at a time (default: two)
#   bash infra/scripts/fuzz.sh install         # only install its tools (test.sh does this
#                                              # beside the debug build)
#
# It installs schemathesis and openapi-spec-validator into .cache/fuzz-venv and Spectral into
# .cache/spectral (idempotently),
# starts target/debug/pirros-local on a free port (the demo fixture; on DynamoDB when
# AWS_ENDPOINT_URL_DYNAMODB points at an emulator, as in infra/scripts/test.sh, else on
# the embedded store), gets a demo token, validates /openapi.json, then lets schemathesis
# generate requests for every operation and check each answer against the document, with
# every check: among them, that no schema-valid request is refused. Refusals only the data
# can decide (a cursor the API did not issue, ids that name nothing) are set apart by
# infra/scripts/schemathesis_hooks.py and counted, not failed.
# It fails if a check fails or if fewer than FUZZ_MIN_REQUESTS requests were sent.
set -euo pipefail

cd "$(dirname "$0")/../.."

VENV=.cache/fuzz-venv
OUT=.cache/fuzz
BIN=target/debug/pirros-local
EXAMPLES="${FUZZ_EXAMPLES:-100}"
# Two workers send requests side by side, so the server is also fuzzed under concurrency
# (two at a time once found endpoints on silent DNS hosts filling the blocking pool).
WORKERS="${FUZZ_WORKERS:-2}"
MIN_REQUESTS="${FUZZ_MIN_REQUESTS:-1000}"
SEED="${FUZZ_SEED:-20261125}"
DEMO_CLIENT=pirros-demo-client
DEMO_SECRET=demo-secret-0123456789abcdef
# What must hold for every generated request (FUZZ_CHECKS=... to choose others).
CHECKS="${FUZZ_CHECKS:-all}"

log() { printf 'fuzz: %s\n' "$*" >&2; }

SPECTRAL_DIR=.cache/spectral

# A venv of its own, so that it can be installed while other tools install into theirs.
install_tools() {
	if ! "$VENV/bin/python" -c '' >/dev/null 2>&1; then
		python3 -m venv --clear "$VENV"
	fi
	if ! "$VENV/bin/python" -c 'import schemathesis, openapi_spec_validator' >/dev/null 2>&1; then
		log "installing schemathesis and openapi-spec-validator into $VENV"
		"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
			'schemathesis>=4,<5' 'openapi-spec-validator>=0.7,<1'
	fi
	if [[ ! -x "$SPECTRAL_DIR/node_modules/.bin/spectral" ]]; then
		log "installing @stoplight/spectral-cli into $SPECTRAL_DIR"
		npm install --prefix "$SPECTRAL_DIR" --no-audit --no-fund --loglevel=error @stoplight/spectral-cli@6
	fi
}

# (An if, not a || list: errexit holds inside install_tools only outside of lists.)
if [[ "${1:-}" == install ]]; then install_tools; exit 0; fi
(($# == 0)) || { log "usage: $0 [install]" && exit 2; }

[[ -x "$BIN" ]] || {
	log "$BIN is missing: build it first (cargo build -p pirros-local, or cargo test)"
	exit 1
}
install_tools

mkdir -p "$OUT"
rm -rf "$OUT/report" "$OUT/data_dependent.json"

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"

# High limits: thousands of requests from one credential and one IP are the point here.
# (429 bodies and headers are still checked wherever they occur.) A job's long poll is held
# 2 s instead of 20, well inside schemathesis's 10 s read timeout.
server_env=(API_RATE_LIMIT_PER_HOUR=100000000 TOKEN_RATE_LIMIT_ATTEMPTS=100000000 JOB_WAIT_SECS=2)
store_args=()
if [[ -n "${AWS_ENDPOINT_URL_DYNAMODB:-}" ]]; then
	store_args=(--store dynamodb --fixture infra/fixtures/demo.json)
	server_env+=("TABLE_NAME=fuzz-$port-$RANDOM")
	log "store: DynamoDB at $AWS_ENDPOINT_URL_DYNAMODB"
else
	log "store: embedded"
fi

env "${server_env[@]}" "$BIN" --addr "127.0.0.1:$port" "${store_args[@]}" >"$OUT/server.log" 2>&1 &
server_pid=$!
stop_server() {
	kill "$server_pid" 2>/dev/null || true
	wait "$server_pid" 2>/dev/null || true
}
trap stop_server EXIT

for _ in $(seq 1 150); do
	curl -s -o /dev/null "$base/openapi.json" && break
	kill -0 "$server_pid" 2>/dev/null || {
		log "pirros-local exited; its log:"
		cat "$OUT/server.log" >&2
		exit 1
	}
	sleep 0.1
done

curl -sf "$base/openapi.json" -o "$OUT/openapi.json"
"$VENV/bin/openapi-spec-validator" "$OUT/openapi.json"

# Spectral's OpenAPI rules (infra/scripts/spectral.yaml): no error and no warning.
"$SPECTRAL_DIR/node_modules/.bin/spectral" lint --quiet --fail-severity=warn \
	--ruleset infra/scripts/spectral.yaml "$OUT/openapi.json"
log "spectral: no errors, no warnings"

PIRROS_TOKEN="$(curl -sf -X POST "$base/oauth/token" -H 'Content-Type: application/json' \
	-d "{\"grant_type\": \"client_credentials\", \"client_id\": \"$DEMO_CLIENT\", \"client_secret\": \"$DEMO_SECRET\"}" |
	"$VENV/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')"
export PIRROS_TOKEN

seed_args=()
[[ "$SEED" == random ]] || seed_args=(--seed "$SEED")

# From $OUT, so that the state schemathesis and hypothesis keep (.schemathesis/,
# .hypothesis/) stays out of the work tree.
rc=0
(
	cd "$OUT"
	# The document names production as its server: --url sends every request here.
	PYTHONPATH=../../infra/scripts SCHEMATHESIS_HOOKS=schemathesis_hooks \
		FUZZ_DATA_DEPENDENT_OUT=data_dependent.json \
		"../../$VENV/bin/schemathesis" --config-file ../../infra/scripts/schemathesis.toml \
		run "$base/openapi.json" --url "$base" \
		--checks "$CHECKS" \
		--max-examples "$EXAMPLES" \
		--workers "$WORKERS" \
		"${seed_args[@]}" \
		--generation-database examples \
		--report ndjson --report-dir report \
		--no-color
) || rc=$?

# Count what was really sent, from schemathesis' own event log.
count_rc=0
"$VENV/bin/python" - "$OUT/report" "$MIN_REQUESTS" "$OUT/data_dependent.json" <<'EOF' || count_rc=$?
import collections, glob, json, os, sys

report, minimum, dropped = sys.argv[1], int(sys.argv[2]), sys.argv[3]
files = sorted(glob.glob(f"{report}/*.ndjson"))
if not files:
    sys.exit("fuzz: no schemathesis report")
requests, statuses, operations = 0, collections.Counter(), set()
for line in open(files[-1]):
    event = json.loads(line)
    finished = event.get("ScenarioFinished")
    if not finished:
        continue
    for interaction in (finished["recorder"].get("interactions") or {}).values():
        requests += 1
        request = interaction["request"]
        operations.add((request["method"], request["uri"].split("?")[0]))
        statuses[(interaction.get("response") or {}).get("status_code", "no answer")] += 1
print(f"fuzz: {requests} requests ({len(operations)} distinct method and URL); statuses "
      + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items(), key=str)), file=sys.stderr)
why = collections.Counter(d["why"] for d in json.load(open(dropped))) if os.path.exists(dropped) else {}
print(f"fuzz: {sum(why.values())} refusals of schema-valid requests that only the data decides"
      + "".join(f"; {n}: {w}" for w, n in sorted(why.items())), file=sys.stderr)
if requests < minimum:
    sys.exit(f"fuzz: only {requests} requests, fewer than {minimum}")
EOF

((rc != 0)) || rc=$count_rc
exit "$rc"
