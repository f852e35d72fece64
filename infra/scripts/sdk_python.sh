#!/usr/bin/env bash
#
# The Python SDK (clients/python): its generated part, its package and its tests.
#   bash infra/scripts/sdk_python.sh generate   # regenerate clients/python/pirros/generated from openapi.json
#   bash infra/scripts/sdk_python.sh [check]    # after a debug build (cargo test builds it)
#   bash infra/scripts/sdk_python.sh install    # only fetch what check needs from the network
#
# `check` (the default) fails if the checked-in generated code is not what openapi.json
# generates now (run `generate` and commit), builds the wheel and sdist and prints their
# bytes, installs the wheel into a new venv and prints how long that took, then runs
# clients/python/tests with that venv (the installed package, not the source tree) against
# target/debug/pirros-local, which the tests start themselves.
#
# The generator, ruff (it formats the generated code, so its version is part of the output),
# build and hatchling are pinned and go into .cache/sdk_python/tools (idempotently); the
# package's dependencies and pytest are kept as wheels in .cache/sdk_python/wheelhouse, so
# that after the first run everything installs without the network.
set -euo pipefail

cd "$(dirname "$0")/../.."

SDK=clients/python
GENERATED="$SDK/pirros/generated"
CACHE=.cache/sdk_python
TOOLS="$CACHE/tools"
WHEELHOUSE="$CACHE/wheelhouse"
DIST="$CACHE/dist"
VENV="$CACHE/venv"
BIN=target/debug/pirros-local
TOOL_PINS=(openapi-python-client==0.29.1 ruff==0.17.6 build==1.6.1 hatchling==1.33.0)
TEST_PINS=(pytest==9.2.0)

log() { printf 'sdk_python: %s\n' "$*" >&2; }

pip_quiet=(--quiet --disable-pip-version-check)

install_tools() {
	# The stamp holds the pins it was made with: a changed pin reinstalls, an unchanged one
	# costs nothing and needs no network.
	local stamp="$TOOLS/.pins"
	if [[ -x "$TOOLS/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "${TOOL_PINS[*]}" ]]; then
		return
	fi
	log "installing ${TOOL_PINS[*]} into $TOOLS"
	rm -rf "$TOOLS"
	python3 -m venv "$TOOLS"
	"$TOOLS/bin/python" -m pip install "${pip_quiet[@]}" "${TOOL_PINS[@]}"
	printf '%s' "${TOOL_PINS[*]}" >"$stamp"
}

# build_dist DIR: the wheel and the sdist into DIR (replaced), without build isolation so no
# index is needed.
build_dist() {
	rm -rf "$1"
	"$TOOLS/bin/python" -m build --no-isolation --sdist --wheel --outdir "$1" "$SDK" >"$CACHE/build.log" 2>&1 || {
		cat "$CACHE/build.log" >&2
		exit 1
	}
}

# fetch_wheelhouse WHEEL: the runtime dependencies and pytest as wheels, fetched once.
fetch_wheelhouse() {
	if ! "$TOOLS/bin/python" -m pip download "${pip_quiet[@]}" --no-index --find-links "$WHEELHOUSE" \
		--dest "$CACHE/wheelhouse-probe" "$1" "${TEST_PINS[@]}" >/dev/null 2>&1; then
		log "fetching the package's dependencies and ${TEST_PINS[*]} into $WHEELHOUSE"
		"$TOOLS/bin/python" -m pip download "${pip_quiet[@]}" --only-binary :all: \
			--dest "$WHEELHOUSE" "$1" "${TEST_PINS[@]}"
	fi
	rm -rf "$CACHE/wheelhouse-probe"
	rm -f "$WHEELHOUSE"/pirros-*.whl
}

# install: everything check fetches from the network, so that check needs none of it (the
# test command runs this beside the debug build).
cmd_install() {
	install_tools
	build_dist "$CACHE/dist-install"
	fetch_wheelhouse "$(ls "$CACHE"/dist-install/pirros-*.whl)"
	rm -rf "$CACHE/dist-install"
}

# generate_into DIR: the generated package as openapi.json makes it now, in DIR (replaced).
generate_into() {
	local out="$1" root="$PWD" work
	work="$(mktemp -d "${TMPDIR:-/tmp}/sdk_python.XXXXXX")"
	cp openapi.json "$work/openapi.json"
	# PATH: the post hooks in codegen/config.yaml call the pinned ruff by name.
	if ! (cd "$work" && PATH="$root/$TOOLS/bin:$PATH" "$root/$TOOLS/bin/openapi-python-client" generate \
		--path openapi.json --config "$root/$SDK/codegen/config.yaml" \
		--meta none --output-path out >generate.log 2>&1); then
		cat "$work/generate.log" >&2
		exit 1
	fi
	# Warnings mean the generator left something out: shown, but not fatal.
	if grep -qi 'warning' "$work/generate.log"; then cat "$work/generate.log" >&2; fi
	find "$work/out" \( -name __pycache__ -o -name .ruff_cache \) -type d -prune -exec rm -rf {} +
	rm -rf "$out"
	mkdir -p "$(dirname "$out")"
	mv "$work/out" "$out"
	rm -rf "$work"
}

cmd_generate() {
	install_tools
	generate_into "$GENERATED"
	log "generated $(find "$GENERATED" -type f | wc -l) files into $GENERATED from openapi.json"
}

cmd_check() {
	[[ -x "$BIN" ]] || {
		log "$BIN is missing: build it first (cargo build -p pirros-local, or cargo test)"
		exit 1
	}
	install_tools

	# (a) The checked-in generated code is what openapi.json generates now.
	local fresh="$CACHE/generated-check"
	generate_into "$fresh"
	if ! diff -r -q -x __pycache__ "$fresh" "$GENERATED" >"$CACHE/stale.txt"; then
		cat "$CACHE/stale.txt" >&2
		log "$GENERATED is stale: run 'bash infra/scripts/sdk_python.sh generate' and commit it"
		exit 1
	fi
	log "generated code is current ($(find "$GENERATED" -type f -name '*.py' | wc -l) files)"

	# (b) The wheel and the sdist, without build isolation so no index is needed.
	build_dist "$DIST"
	local wheel sdist
	wheel="$(ls "$DIST"/pirros-*.whl)"
	sdist="$(ls "$DIST"/pirros-*.tar.gz)"
	log "wheel: $(basename "$wheel") $(stat -c %s "$wheel") bytes ($(unzip -Z1 "$wheel" | wc -l) files)"
	log "sdist: $(basename "$sdist") $(stat -c %s "$sdist") bytes"

	fetch_wheelhouse "$wheel"

	# (c) A clean venv and the wheel in it, timed (its dependencies come from the wheelhouse).
	rm -rf "$VENV"
	python3 -m venv "$VENV"
	local started ended
	started="$(date +%s.%N)"
	"$VENV/bin/python" -m pip install "${pip_quiet[@]}" --no-index --find-links "$WHEELHOUSE" "$wheel"
	ended="$(date +%s.%N)"
	log "install: $(python3 -c "print(f'{$ended - $started:.2f}')") s (the wheel and its dependencies into a new venv, from $WHEELHOUSE)"
	"$VENV/bin/python" -m pip install "${pip_quiet[@]}" --no-index --find-links "$WHEELHOUSE" "${TEST_PINS[@]}"

	# (d) The tests, run from outside the source tree so that `import pirros` is the wheel's
	# (-I: no current folder on sys.path; -B: no __pycache__ left in clients/python/tests).
	local root="$PWD"
	(
		cd "$CACHE"
		PIRROS_LOCAL_BIN="$root/$BIN" \
			"$root/$VENV/bin/python" -I -B -m pytest -p no:cacheprovider \
			-c "$root/$SDK/pyproject.toml" --rootdir "$root/$SDK" "$root/$SDK/tests"
	)
}

case "${1:-check}" in
generate) cmd_generate ;;
check) cmd_check ;;
install) cmd_install ;;
*)
	log "usage: $0 [generate|check|install]"
	exit 2
	;;
esac
