#!/usr/bin/env bash
#
# `sam validate --lint` and `sam build` of template.yaml, offline. SAM CLI gets its own
# virtualenv (it pins versions that clash with other AWS tools). `sam build` runs
# cargo-lambda per function; with the target dir of lambda_build.sh it reuses that build,
# and this checks that it did: a function linked again means the release build ran twice.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.cache/samvenv
if ! "$venv/bin/sam" --version >/dev/null 2>&1; then
	"$venv/bin/python" -c '' >/dev/null 2>&1 || python3 -m venv --clear "$venv"
	"$venv/bin/pip" install -q --disable-pip-version-check aws-sam-cli
fi
# `sam_checks.sh install` installs SAM CLI and stops (the test command runs it beside the
# debug build).
[[ "${1:-}" != install ]] || exit 0
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=dummy AWS_SECRET_ACCESS_KEY=dummy
export SAM_CLI_TELEMETRY=0 SAM_CLI_DISABLE_UPDATE_CHECK=1
export PATH="$PWD/.cache/lambda-tools/bin:$PWD/$venv/bin:$PATH"
export CARGO_TARGET_DIR="$PWD/target/lambda-build"
"$venv/bin/sam" --version
"$venv/bin/sam" validate --lint
deps="$CARGO_TARGET_DIR/aarch64-unknown-linux-gnu/release/deps"
stamp=$(mktemp)
trap 'rm -f "$stamp"' EXIT
"$venv/bin/sam" build --build-dir .aws-sam/build
relinked=$(find "$deps" -maxdepth 1 -type f -perm -u+x -name 'pirros_*' -newer "$stamp" -printf '%f\n')
if [[ -n "$relinked" ]]; then
	echo "sam build linked again what lambda_build.sh had built (see the groups there):" >&2
	echo "$relinked" >&2
	exit 1
fi
ls -1 .aws-sam/build
