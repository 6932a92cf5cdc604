#!/bin/sh
# The ufbert WebGPU bench on a bare machine: unpacks ufbert-gpu-bench.tar.gz (next to this
# script) into a temporary folder, runs it with the Node inside, and removes the folder.
#   bash run.sh [results-dir] [--budget-s S] [--batches 1,128] [--timing auto|wall] ...
# results-dir defaults to $UFBERT_GPU_BENCH_RESULTS, else ./ufbert-gpu-results. Rows go to
# stdout (one JSON object a line) and, with the adapter and the conformance verdicts, into
# results-dir/gpu-bench-<time>.json; progress goes to stderr. Needs only sh, tar and gzip.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
results=${UFBERT_GPU_BENCH_RESULTS:-$PWD/ufbert-gpu-results}
case "${1:-}" in
  '' | -*) ;;
  *) results=$1; shift ;;
esac
mkdir -p "$results"
results=$(cd "$results" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ufbert-gpu-bench.XXXXXX")
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
echo "run.sh: unpacking into $work" >&2
tar -xzf "$here/ufbert-gpu-bench.tar.gz" -C "$work"
# No exec: the trap must remove the unpacked Node and Dawn (about 150 MB) afterwards.
status=0
"$work/bin/node" "$work/bench.mjs" --results "$results" "$@" || status=$?
exit "$status"
