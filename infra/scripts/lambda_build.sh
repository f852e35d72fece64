#!/usr/bin/env bash
#
# Builds every function as Lambda deploys it (release, arm64, zipped) with cargo-lambda and
# zig from PyPI, and prints each zip's size. Part of the test command; also what `sam build`
# runs per function.
#   bash infra/scripts/lambda_build.sh          # install what it needs, then build
#   bash infra/scripts/lambda_build.sh tools    # only install (the test command does this
#                                               # first, then builds beside the tests)
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.cache/venv
[[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
if ! "$venv/bin/cargo-lambda" lambda --version >/dev/null 2>&1; then
	"$venv/bin/pip" install -q cargo-lambda ziglang
fi
rustup target list --installed | grep -q '^aarch64-unknown-linux-gnu$' ||
	rustup target add aarch64-unknown-linux-gnu
[[ "${1:-}" != tools ]] || exit 0
export PATH="$PWD/$venv/bin:$PATH"
# Its own target dir: the release cross build must not hold the debug build's lock.
export CARGO_TARGET_DIR="$PWD/target/lambda-build"
# `sam build` then runs `cargo lambda build --release --arm64 --bin X` once per function in
# the same target dir, and finds every unit already built only if each build here selects
# the same units as that function's build alone. Cargo picks a dependency's LTO mode from
# everything in one build: the functions that link S3 also link crc-fast (through the S3
# checksums), whose cdylib crate type makes digest and its dependencies object code as well
# as bitcode. The webhook fan-out and delivery functions link no S3, so built together with
# the others they would get units that their own build alone (SAM's) does not reuse, and
# the release build would run twice. Hence two builds: the functions with S3, then those
# without.
with_s3=(oauth tags details families stashes downloads docs discovery jobs worker webhooks)
without_s3=(webhook-fanout webhook-delivery)
functions=("${with_s3[@]}" "${without_s3[@]}")
build_group() {
	local args=()
	for f in "$@"; do args+=(--bin "pirros-$f"); done
	# The lowest priority: the test command runs this beside its tests, which go first.
	nice -n 19 cargo lambda build --release --arm64 --output-format zip "${args[@]}"
}
build_group "${with_s3[@]}"
build_group "${without_s3[@]}"
# The 4 MiB goal is reported, not enforced: a bigger zip still deploys (the hard limit is
# 50 MiB), and the figure belongs in the performance notes.
goal=$((4 * 1024 * 1024))
printf '%-18s %10s\n' function "zip bytes"
for f in "${functions[@]}"; do
	zip="$CARGO_TARGET_DIR/lambda/pirros-$f/bootstrap.zip"
	size=$(stat -c %s "$zip")
	printf '%-18s %10d  (%.2f MiB)\n' "pirros-$f" "$size" "$(awk -v s="$size" 'BEGIN { print s / 1048576 }')"
	((size <= goal)) || echo "  over the 4 MiB goal" >&2
done
