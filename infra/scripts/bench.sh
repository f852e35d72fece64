#!/usr/bin/env bash
#
# The bench command (README): builds release binaries, starts the emulators, and prints the
# figures of docs/performance.md; JSON and plots go to docs/bench/.
#   bash infra/scripts/bench.sh                 # everything
#   bash infra/scripts/bench.sh search-scale    # one part
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=infra/scripts/emulators.sh
source infra/scripts/emulators.sh
emulators_install
trap emulators_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
emulators_start
mkdir -p docs/bench
what="${1:-all}"
profile="${BENCH_PROFILE:-release}"
cargo build --profile "$profile" -p pirros-bench
bin="target/$profile/pirros-bench"
[[ "$profile" == dev ]] && bin="target/debug/pirros-bench"
if [[ "$what" == all || "$what" == search-scale ]]; then
	"$bin" search-scale --details "${BENCH_DETAILS:-100000}" --json docs/bench/search_scale.json
fi
if [[ "$what" == all || "$what" == routes ]]; then
	"$bin" routes --samples "${BENCH_SAMPLES:-300}" --json docs/bench/routes.json
fi
