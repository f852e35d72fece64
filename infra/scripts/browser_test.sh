#!/usr/bin/env bash
#
# The browser tests (tests/browser/*.test.mjs), with Node's test runner: the /docs console,
# ReDoc, and CORS (a page on a listed origin calls the API, one on another is refused):
#   bash infra/scripts/browser_test.sh      # after a debug build (cargo test builds it)
#   bash infra/scripts/browser_test.sh install   # only install what it needs
#
# Installs what it needs, idempotently: Debian's Chromium (never a browser download) and
# playwright-core into .cache/node. The screenshot lands in tests/artifacts/docs.png.
set -euo pipefail

cd "$(dirname "$0")/../.."

log() { printf 'browser: %s\n' "$*" >&2; }

install_tools() {
	if [[ ! -x /usr/bin/chromium ]]; then
		log "installing Debian's chromium"
		local sudo=()
		[[ "$(id -u)" -eq 0 ]] || sudo=(sudo)
		# flock: the test command installs side by side, and apt allows one at a time.
		mkdir -p .cache
		flock .cache/apt.lock "${sudo[@]}" apt-get update -qq
		flock .cache/apt.lock "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
	fi
	if [[ ! -f .cache/node/node_modules/playwright-core/package.json ]]; then
		log "installing playwright-core into .cache/node"
		# PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: the core package downloads nothing, but be sure.
		PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix .cache/node \
			--no-audit --no-fund --loglevel=error playwright-core@1
	fi
}

# (An if, not a || list: errexit holds inside install_tools only outside of lists.)
if [[ "${1:-}" == install ]]; then install_tools; exit 0; fi
(($# == 0)) || { log "usage: $0 [install]" && exit 2; }

[[ -x target/debug/pirros-local ]] || {
	log "target/debug/pirros-local is missing: build it first (cargo build -p pirros-local, or cargo test)"
	exit 1
}
install_tools

exec node --test tests/browser/
