#!/usr/bin/env bash
#
# The crafted-family bench (`bench.sh rfa`): writes a valid ~190 MiB compound file whose
# directory is one long chain of entries with 31-character CJK names (the shape that made a
# general-purpose reader expand ~3.3x the file), then reads it in a process of its own with
# the bounded reader the worker uses and, for the before figure, with the `cfb` crate; prints
# each one's peak RSS (`/usr/bin/time -v`), time and answer, and writes docs/bench/rfa.json.
# The file is made in a temporary folder and deleted after: it is never committed.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }
cargo build --release -p pirros-rfa --features craft --bin rfa-peak
probe=target/release/rfa-peak
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mib="${BENCH_RFA_MIB:-190}"
run() { # run SHAPE READER -> {"shape":..., "reader":..., "peak_rss_mib":..., "ms":..., "answer":...}
	local out peak
	out=$(/usr/bin/time -v "$probe" "$2" "$dir/$1.rfa" 2>"$dir/time.txt") || true
	peak=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$dir/time.txt")
	python3 -c 'import json,sys; r=json.loads(sys.argv[3]) if sys.argv[3] else {"ms": None, "answer": "killed or crashed"}; r["shape"]=sys.argv[1]; r["reader"]=sys.argv[2]; r["peak_rss_mib"]=round(int(sys.argv[4])/1024,1); print(json.dumps(r))' \
		"$1" "$2" "$out" "$peak"
}
# The stamp pirros-bench writes (infra/bench/src/stamp.rs): the bench's own outputs do not
# make the tree dirty.
commit=$(git rev-parse --short HEAD)
dirty=$(git status --porcelain -- ':(top)' ':(top,exclude)docs/bench' ':(top,exclude)docs/performance.md')
echo "measured at commit $commit${dirty:+ (with uncommitted changes)}"
{
	echo "{\"commit\": \"$commit\"${dirty:+, \"dirty\": true}, \"mib\": $mib, \"runs\": ["
	first=1
	# craft: the long directory chain; large: a sound family of the same size.
	for shape in craft large; do
		echo "$shape: $("$probe" "$shape" "$dir/$shape.rfa" "$mib")" >&2
		for reader in bounded cfb; do
			((first)) || echo ','
			first=0
			run "$shape" "$reader"
		done
		rm -f "$dir/$shape.rfa"
	done
	echo ']}'
} | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), indent=1))' | tee docs/bench/rfa.json
