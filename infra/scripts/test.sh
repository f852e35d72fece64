#!/usr/bin/env bash
#
# THE test command (README, and CI through .ci/run):
#   bash infra/scripts/test.sh                          # whole workspace + cfn-lint
#   bash infra/scripts/test.sh -p pirros-tests FILTER   # extra args go to `cargo test`
#   bash infra/scripts/test.sh -- --nocapture           # args after -- go to the test binaries
#
# It installs and starts the local AWS emulators itself (CI starts from a clean clone),
# stops them on any exit, runs the Rust tests against them, then lints template.yaml and
# scans it with checkov.
# A whole run (no cargo arguments) then checks the API against its OpenAPI document on the
# debug build that `cargo test` made: Spectral and schemathesis (infra/scripts/fuzz.sh),
# the /docs console and ReDoc in Chromium (infra/scripts/browser_test.sh), and the SDKs, each
# built, installed from its package and tested against pirros-local
# (infra/scripts/sdk_python.sh, infra/scripts/sdk_typescript.sh).
set -euo pipefail

cd "$(dirname "$0")/../.."

# shellcheck source=infra/scripts/emulators.sh
source infra/scripts/emulators.sh

# Milliseconds since the epoch, from bash itself (no date/bc round trips); the locale may
# use a comma as decimal separator.
_now_ms() {
	local t="${EPOCHREALTIME/[.,]/}"
	echo "$((t / 1000))"
}
# Free space on the checkout's disk, in MiB: printed after each phase, so a run that fills the
# disk says where.
_free_mib() { df -Pm . 2>/dev/null | awk 'NR == 2 { print $4 }'; }
_took() { # _took PHASE START_MS RC
	local ms=$(($(_now_ms) - $2))
	printf '==> %-10s %4d.%01ds  (exit %s, %s MiB free)\n' "$1" "$((ms / 1000))" "$((ms % 1000 / 100))" "$3" "$(_free_mib)" >&2
}
# The release build for Lambda needs about 3 GiB of its own (target/lambda-build) and
# `sam build` a little more. A CI machine once had too little left after the debug build and
# failed with "No space left on device". The debug build's incremental cache is only a
# cache, and by then the debug binaries have been used: free what is needed, in that order,
# and say so. A later run rebuilds what was removed.
_room_for_release_build() {
	local need=$((5 * 1024)) free
	free=$(_free_mib)
	[[ "$free" =~ ^[0-9]+$ ]] && ((free < need)) || return 0
	echo "test.sh: $free MiB free, the release build needs about $need: removing target/debug/incremental" >&2
	rm -rf target/debug/incremental
	free=$(_free_mib)
	((free < need)) || return 0
	echo "test.sh: $free MiB free: removing target/debug (the tests that used it have run)" >&2
	rm -rf target/debug
}

# Split our arguments at the first `--`: cargo's own options before it, the test
# binaries' after it, so `-- --nocapture` still works together with our --test-threads.
cargo_args=()
harness_args=()
seen_dashdash=0
for arg in "$@"; do
	if ((seen_dashdash)); then
		harness_args+=("$arg")
	elif [[ "$arg" == "--" ]]; then
		seen_dashdash=1
	else
		cargo_args+=("$arg")
	fi
done

# `--workspace` wins over `-p` in cargo (both given = all members), so an explicit
# package selection must drop it or `-p pirros-tests` would still test everything; an
# explicit --workspace/--all must too (given twice is an error). --exclude needs it.
workspace=(--workspace)
for arg in "${cargo_args[@]}"; do
	case "$arg" in
	-p* | --package | --package=* | --workspace | --all) workspace=() ;;
	esac
done

# libtest rejects an option given twice, so only add ours if the caller did not set one.
threads=(--test-threads=8)
for arg in "${harness_args[@]}"; do
	case "$arg" in
	--test-threads | --test-threads=*) threads=() ;;
	esac
done

# Ctrl-C or a CI timeout must also stop the emulators: turn INT/TERM into an exit with
# the usual 128+signal status, which runs the EXIT trap (a bare INT trap would run
# emulators_stop and then carry on with the next phase). Set before starting them, so a
# half-finished start is cleaned up too.
trap '_background_stop; emulators_stop' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Jobs in the background (installs, phases side by side): each one's output goes to its log,
# its duration in ms to LOG.ms, and it is waited for by its key.
mkdir -p .cache/logs
declare -A _background_pid=()
_background_start() { # _background_start KEY LOG CMD...
	local key="$1" log="$2"
	shift 2
	(
		started=$(_now_ms)
		status=0
		"$@" || status=$?
		echo "$(($(_now_ms) - started))" >"$log.ms"
		exit "$status"
	) >"$log" 2>&1 </dev/null &
	_background_pid[$key]=$!
}
_background_wait() { # _background_wait KEY: its exit code (0 when nothing runs under KEY)
	local key="$1" status=0
	[[ -n "${_background_pid[$key]:-}" ]] || return 0
	wait "${_background_pid[$key]}" || status=$?
	unset "_background_pid[$key]"
	return "$status"
}
_background_ms() { cat "$1.ms" 2>/dev/null || echo 0; }
_background_stop() { # each job with what it started (pip, npm, cargo), as emulators_stop does
	local pid
	for pid in "${_background_pid[@]}"; do
		_emu_kill_tree "$pid"
	done
}

# What the phases fetch from the network (npm, pip, apt: the emulators and the tools of the
# later phases) is installed beside the debug build. They share the two cores with it (pip
# and npm unpack on the CPU too), so the build takes longer by about what the emulators'
# install took alone; what the run gains is that no later phase waits for its downloads.
# Each goes into a directory of its own (apt waits for its lock), so they can run side by
# side; each logs to .cache/logs/install-NAME.log and is waited for just before what needs
# it. The installs are idempotent: one that failed here is tried again, with its output
# shown, by the phase itself.
_install_start() { # _install_start NAME CMD...
	local name="$1"
	shift
	_background_start "install-$name" ".cache/logs/install-$name.log" "$@"
}
_install_wait() { # _install_wait NAME: its exit code; prints how long it took and waited
	local name="$1" log=".cache/logs/install-$1.log" waited_from status=0 ms waited
	[[ -n "${_background_pid[install-$name]:-}" ]] || return 0
	waited_from=$(_now_ms)
	_background_wait "install-$name" || status=$?
	ms=$(_background_ms "$log")
	waited=$(($(_now_ms) - waited_from))
	printf '==> install %-14s %4d.%01ds beside the build, waited %d.%01ds (exit %s)\n' "$name" \
		"$((ms / 1000))" "$((ms % 1000 / 100))" "$((waited / 1000))" "$((waited % 1000 / 100))" "$status" >&2
	if ((status != 0)); then
		echo "test.sh: installing $name failed; the last lines of $log:" >&2
		tail -n 30 "$log" >&2
	fi
	return "$status"
}

# A whole run (no cargo arguments) also runs the phases after the Rust tests (see below).
# Phases joined by + run side by side: the browser and SDK suites each start their own
# pirros-local on free ports and mostly wait on it, so together they take about as long as
# the longest of them.
whole_run=0
((${#cargo_args[@]} != 0)) || whole_run=1
phases=()
if ((whole_run)); then
	phases=(fuzz browser+sdk-python+sdk-typescript)
	[[ "${PIRROS_SKIP_DEPLOY_BUILD:-}" == 1 ]] || phases+=(lambda sam)
fi
_phase_script() {
	case "$1" in
	fuzz) echo infra/scripts/fuzz.sh ;;
	browser) echo infra/scripts/browser_test.sh ;;
	sdk-python) echo infra/scripts/sdk_python.sh ;;
	sdk-typescript) echo infra/scripts/sdk_typescript.sh ;;
	lambda) echo infra/scripts/lambda_build.sh ;;
	sam) echo infra/scripts/sam_checks.sh ;;
	esac
}

rc=0
_install_start emulators emulators_install
for phase in ${phases[@]//+/ }; do
	_install_start "$phase" bash "$(_phase_script "$phase")" install
done

# Both checks run even if the first fails (one CI run reports both), but the script
# exits with the first failure's code.
t=$(_now_ms)
# The tests drive the real pirros-local and pirros-admin binaries, which `cargo test` alone
# does not build (it builds test harnesses); same profile, so no second build of anything.
# The test harnesses are built before the emulators start, so the run after builds nothing.
cargo build --workspace --bins --locked || rc=$?
cargo test "${workspace[@]}" --locked --no-run "${cargo_args[@]}" || rc=$?
_took build "$t" "$rc"

install_rc=0
_install_wait emulators || install_rc=$?
((install_rc == 0)) || exit "$install_rc"

t=$(_now_ms)
emulators_start || rc=$?
_took emulators "$t" "$rc"
((rc == 0)) || exit "$rc"

t=$(_now_ms)
cargo test "${workspace[@]}" --locked --no-fail-fast "${cargo_args[@]}" -- "${threads[@]}" "${harness_args[@]}" 2>&1 |
	tee .cache/logs/cargo-test.log || rc=$?
_took "cargo test" "$t" "$rc"

if [[ -f template.yaml ]]; then
	t=$(_now_ms)
	lint_rc=0
	.cache/venv/bin/cfn-lint template.yaml || lint_rc=$?
	_took cfn-lint "$t" "$lint_rc"
	((rc != 0)) || rc=$lint_rc
	# The security scan: any failed check fails the run. Accepted findings are skipped in
	# .checkov.yaml or beside their resource, each justified in docs/security.md.
	t=$(_now_ms)
	scan_rc=0
	.cache/checkov/bin/checkov --config-file .checkov.yaml --quiet -f template.yaml || scan_rc=$?
	_took checkov "$t" "$scan_rc"
	((rc != 0)) || rc=$scan_rc
fi

# The OpenAPI checks need the whole debug build, and the deploy checks build release
# binaries for Lambda (arm64), so only a whole run does them. Each runs even if an earlier
# phase failed; the first failure's code is the exit code. PIRROS_SKIP_DEPLOY_BUILD=1 skips
# the release build on a developer's machine; CI never sets it.
for group in "${phases[@]}"; do
	IFS=+ read -ra members <<<"$group"
	for phase in "${members[@]}"; do
		# A failed install is shown here and tried again by the phase.
		_install_wait "$phase" || true
	done
	[[ "$group" != lambda ]] || _room_for_release_build
	if ((${#members[@]} == 1)); then
		t=$(_now_ms)
		phase_rc=0
		bash "$(_phase_script "$group")" || phase_rc=$?
		_took "$group" "$t" "$phase_rc"
		((rc != 0)) || rc=$phase_rc
		continue
	fi
	# Side by side, each into its own log, shown whole once all of them are done.
	t=$(_now_ms)
	for phase in "${members[@]}"; do
		_background_start "phase-$phase" ".cache/logs/phase-$phase.log" bash "$(_phase_script "$phase")"
	done
	group_rc=0
	for phase in "${members[@]}"; do
		phase_rc=0
		_background_wait "phase-$phase" || phase_rc=$?
		cat ".cache/logs/phase-$phase.log"
		# Its own time: as if it had started its duration ago.
		_took "$phase" "$(($(_now_ms) - $(_background_ms ".cache/logs/phase-$phase.log")))" "$phase_rc"
		((group_rc != 0)) || group_rc=$phase_rc
	done
	_took "${group//+/ + }" "$t" "$group_rc"
	((rc != 0)) || rc=$group_rc
done

# One closing line for the whole run: every Rust test binary's counts added up.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i) ~ /^passed;?$/) p += $(i - 1); if ($(i) ~ /^failed;?$/) f += $(i - 1) } }
	END { printf "tests: %d passed, %d failed\n", p, f }' .cache/logs/cargo-test.log
exit "$rc"
