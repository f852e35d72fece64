#!/usr/bin/env bash
#
# Builds every function as Lambda deploys it (release, arm64, zipped) with cargo-lambda and
# zig from PyPI, and prints each zip's size. Part of the test command; also what `sam build`
# runs per function.
set -euo pipefail
cd "$(dirname "$0")/../.."
# cargo-lambda and zig have a venv of their own, so that they can be installed while other
# tools install into theirs (`lambda_build.sh install` does only this; the test command runs
# it beside the debug build).
venv=.cache/lambda-tools
if ! "$venv/bin/cargo-lambda" lambda --version >/dev/null 2>&1; then
	"$venv/bin/python" -c '' >/dev/null 2>&1 || python3 -m venv --clear "$venv"
	"$venv/bin/pip" install -q --disable-pip-version-check cargo-lambda ziglang
fi
rustup target list --installed | grep -q '^aarch64-unknown-linux-gnu$' ||
	rustup target add aarch64-unknown-linux-gnu
[[ "${1:-}" != install ]] || exit 0
export PATH="$PWD/$venv/bin:$PATH"
# Its own target dir: the release cross build must not hold the debug build's lock.
export CARGO_TARGET_DIR="$PWD/target/lambda-build"
# `sam build` then runs `cargo lambda build --release --arm64 --bin X` once per function in
# the same target dir, and finds every unit already built only if this build selects the
# same units as that function's build alone (infra/scripts/sam_checks.sh fails otherwise).
# Cargo picks a dependency's LTO mode from everything in one build: crc-fast, which the S3
# client's checksums bring, is also a C library, so what it depends on is built as object
# code as well as bitcode. The webhook fan-out and delivery functions link no S3 and declare
# crc-fast for that alone (functions/webhook-delivery/Cargo.toml), so one build of all 13
# selects the units each function's own build does.
functions=(oauth tags details families stashes downloads docs discovery jobs worker webhooks webhook-fanout webhook-delivery)
args=()
for f in "${functions[@]}"; do args+=(--bin "pirros-$f"); done
cargo lambda build --release --arm64 --output-format zip "${args[@]}"
# The 4 MiB goal is reported, not enforced: a bigger zip still deploys (the hard limit is
# 50 MiB), and the figure belongs in the performance notes.
goal=$((4 * 1024 * 1024))
# The sizes also go to $CARGO_TARGET_DIR/sizes.json, which `bench.sh sizes` renders into
# docs/performance.md.
printf '%-18s %10s\n' function "zip bytes"
rows=()
for f in "${functions[@]}"; do
	zip="$CARGO_TARGET_DIR/lambda/pirros-$f/bootstrap.zip"
	size=$(stat -c %s "$zip")
	printf '%-18s %10d  (%.2f MiB)\n' "pirros-$f" "$size" "$(awk -v s="$size" 'BEGIN { print s / 1048576 }')"
	((size <= goal)) || echo "  over the 4 MiB goal" >&2
	rows+=("{\"function\": \"$f\", \"zip_bytes\": $size}")
done
(
	IFS=,
	printf '{"goal_bytes": %d, "rows": [%s]}\n' "$goal" "${rows[*]}"
) >"$CARGO_TARGET_DIR/sizes.json"
