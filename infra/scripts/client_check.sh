#!/usr/bin/env bash
#
# Does a client generated from the OpenAPI document compile and work?
#   bash infra/scripts/client_check.sh      # after a debug build (cargo test builds it)
#
# Generates TypeScript types from pirros-local's /openapi.json with openapi-typescript,
# type-checks tests/client/list_tags.ts (an openapi-fetch client using them) with tsc in
# strict mode, then runs it against that pirros-local: it gets a token and lists tags.
# The npm packages go into .cache/client (idempotently).
set -euo pipefail

cd "$(dirname "$0")/../.."

BIN=target/debug/pirros-local
NODE_DIR=.cache/client
WORK="$NODE_DIR/check"
PACKAGES=(openapi-typescript@7 openapi-fetch@0 typescript@5 @types/node@20)

log() { printf 'client_check: %s\n' "$*" >&2; }

[[ -x "$BIN" ]] || {
	log "$BIN is missing: build it first (cargo build -p pirros-local, or cargo test)"
	exit 1
}

if [[ ! -x "$NODE_DIR/node_modules/.bin/openapi-typescript" || ! -x "$NODE_DIR/node_modules/.bin/tsc" ||
	! -f "$NODE_DIR/node_modules/openapi-fetch/package.json" || ! -d "$NODE_DIR/node_modules/@types/node" ]]; then
	log "installing ${PACKAGES[*]} into $NODE_DIR"
	npm install --prefix "$NODE_DIR" --no-audit --no-fund --loglevel=error "${PACKAGES[@]}"
fi

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
mkdir -p "$NODE_DIR"
"$BIN" --addr "127.0.0.1:$port" >"$NODE_DIR/server.log" 2>&1 &
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
		cat "$NODE_DIR/server.log" >&2
		exit 1
	}
	sleep 0.1
done

rm -rf "$WORK"
mkdir -p "$WORK"
cp tests/client/list_tags.ts tests/client/tsconfig.json "$WORK/"
printf '{ "private": true, "type": "module" }\n' >"$WORK/package.json"
curl -sf "$base/openapi.json" -o "$WORK/openapi.json"

bin="$PWD/$NODE_DIR/node_modules/.bin"
(
	cd "$WORK"
	"$bin/openapi-typescript" openapi.json --output schema.d.ts
	"$bin/tsc" -p tsconfig.json
	PIRROS_BASE="$base" node dist/list_tags.js
)
