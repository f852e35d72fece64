#!/usr/bin/env bash
#
# The TypeScript SDK, @pirros/api (clients/typescript/):
#   bash infra/scripts/sdk_typescript.sh generate   # rewrite src/generated/schema.ts from openapi.json
#   bash infra/scripts/sdk_typescript.sh [check]    # after a debug build (cargo test builds it)
#   bash infra/scripts/sdk_typescript.sh install    # only the pinned toolchain (npm ci)
#
# check: (a) regenerates the schema types into a temporary file and fails if the checked-in
# one differs from it; (b) installs the package's pinned devDependencies (npm ci, from its
# package-lock.json), builds it with tsc and packs it, printing the tarball's size; (c)
# installs that tarball into a clean directory, as a user would, printing how long it took;
# (d) type-checks the tests against the installed package and runs them (node:test), each
# test file starting target/debug/pirros-local on a free port with the environment it needs.
# Everything it installs or builds goes into .cache/sdk-typescript (ignored by git).
set -euo pipefail

cd "$(dirname "$0")/../.."

PKG=clients/typescript
BIN=target/debug/pirros-local
CACHE=.cache/sdk-typescript
BUILD="$CACHE/build"       # a copy of the package with its devDependencies: generates, builds, packs
CONSUMER="$CACHE/consumer" # a fresh project that installs the packed tarball
SCHEMA="$PKG/src/generated/schema.ts"

log() { printf 'sdk_typescript: %s\n' "$*" >&2; }

# The pinned toolchain (openapi-typescript, typescript, @types/node) from the committed lock
# file; npm ci runs again only when the lock file changed.
install_tools() {
	mkdir -p "$BUILD"
	local stamp="$BUILD/node_modules/.lock.sha256"
	local want
	want="$(sha256sum "$PKG/package-lock.json" | cut -d' ' -f1)"
	if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
		log "npm ci into $BUILD"
		cp "$PKG/package.json" "$PKG/package-lock.json" "$BUILD/"
		(cd "$BUILD" && npm ci --no-audit --no-fund --loglevel=error)
		printf '%s\n' "$want" >"$stamp"
	fi
}

# openapi-typescript writes the schema types as they are; the SDK adds nothing to them.
generate_into() {
	"$BUILD/node_modules/.bin/openapi-typescript" openapi.json --output "$1"
}

# Lines of a README example block (<!-- example:NAME --> then a ```ts fence).
readme_lines() {
	awk -v marker="<!-- example:$1 -->" '
		$0 == marker { found = 1; next }
		found && /^```ts$/ { inside = 1; next }
		inside && /^```$/ { exit }
		inside { n++ }
		END { print n + 0 }
	' "$PKG/README.md"
}

generate() {
	install_tools
	generate_into "$SCHEMA"
	log "wrote $SCHEMA from openapi.json"
}

check() {
	[[ -x "$BIN" ]] || {
		log "$BIN is missing: build it first (cargo build -p pirros-local, or cargo test)"
		exit 1
	}
	install_tools

	# (a) The checked-in types are what the document generates now.
	local fresh="$CACHE/fresh-schema.ts"
	generate_into "$fresh"
	if ! cmp -s "$fresh" "$SCHEMA"; then
		diff -u "$SCHEMA" "$fresh" | head -40 >&2 || true
		log "$SCHEMA is stale: run 'bash infra/scripts/sdk_typescript.sh generate'"
		exit 1
	fi
	log "schema.ts is current with openapi.json"

	# (b) Build and pack what would be published.
	cp "$PKG/package.json" "$PKG/package-lock.json" "$PKG/tsconfig.json" "$PKG/README.md" "$BUILD/"
	rm -rf "$BUILD/src" "$BUILD/dist" "$BUILD"/*.tgz
	cp -r "$PKG/src" "$BUILD/src"
	(cd "$BUILD" && node_modules/.bin/tsc -p tsconfig.json)
	local tarball
	tarball="$(cd "$BUILD" && npm pack --ignore-scripts --silent)"
	tarball="$PWD/$BUILD/$tarball"
	log "packed $(basename "$tarball"): $(stat -c %s "$tarball") bytes ($(tar -tzf "$tarball" | wc -l) files)"
	log "README's sync loop: $(readme_lines sync-sdk) lines with the SDK, $(readme_lines sync-fetch) with plain fetch"

	# (c) Install it where nothing else is, as a user's project would.
	rm -rf "$CONSUMER"
	mkdir -p "$CONSUMER"
	printf '{ "name": "sdk-consumer", "private": true, "type": "module" }\n' >"$CONSUMER/package.json"
	local started elapsed
	started="$(date +%s%N)"
	(cd "$CONSUMER" && npm install --no-audit --no-fund --loglevel=error "$tarball")
	elapsed=$((($(date +%s%N) - started) / 1000000))
	log "installed the tarball into a clean $CONSUMER in ${elapsed} ms ($(du -sk "$CONSUMER/node_modules" | cut -f1) KiB of node_modules)"

	# (d) The tests import @pirros/api from that install, type-checked (strict) before they run.
	cp -r "$PKG/test" "$CONSUMER/test"
	cat >"$CONSUMER/tsconfig.json" <<-EOF
		{
		  "compilerOptions": {
		    "target": "ES2022", "lib": ["ES2022"], "module": "NodeNext", "moduleResolution": "NodeNext",
		    "strict": true, "noUncheckedIndexedAccess": true, "skipLibCheck": false,
		    "types": ["node"], "typeRoots": ["$PWD/$BUILD/node_modules/@types"],
		    "rootDir": "test", "outDir": "test-dist"
		  },
		  "include": ["test"]
		}
	EOF
	"$BUILD/node_modules/.bin/tsc" -p "$CONSUMER/tsconfig.json"
	log "running the tests against $BIN"
	PIRROS_LOCAL="$PWD/$BIN" PIRROS_OPENAPI="$PWD/openapi.json" PIRROS_TSC="$PWD/$BUILD/node_modules/.bin/tsc" PIRROS_TYPES="$PWD/$BUILD/node_modules/@types" \
		node --test --test-reporter=spec "$CONSUMER"/test-dist/*.test.js
}

case "${1:-check}" in
generate) generate ;;
check) check ;;
install) install_tools ;;
*)
	log "usage: $0 [generate|check|install]"
	exit 2
	;;
esac
