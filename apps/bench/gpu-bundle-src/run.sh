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
trap 'exit 143' INT TERM
echo "run.sh: unpacking into $work" >&2
tar -xzf "$here/ufbert-gpu-bench.tar.gz" -C "$work"
# Dawn opens the Vulkan loader libvulkan.so.1; a driver (an NVIDIA container's, say) can
# bring its ICD without it. The bundle's loader is used only where none is found, or when
# UFBERT_GPU_BENCH_VULKAN_LOADER=bundle asks for it.
loader=${UFBERT_GPU_BENCH_VULKAN_LOADER:-system}
if [ "$loader" != bundle ]; then
  loader=bundle
  for dir in $(echo "${LD_LIBRARY_PATH:-}" | tr ':' ' ') /usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu /usr/lib64 /lib64 /usr/lib /lib; do
    if [ -e "$dir/libvulkan.so.1" ]; then loader="system ($dir/libvulkan.so.1)"; break; fi
  done
fi
if [ "$loader" = bundle ]; then
  export LD_LIBRARY_PATH="$work/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
echo "run.sh: Vulkan loader: $loader" >&2
# No exec: the EXIT trap must remove the unpacked Node and Dawn (about 150 MB) afterwards.
# In the background and waited for, so that a runner's INT or TERM reaches Node at once.
"$work/bin/node" "$work/bench.mjs" --results "$results" "$@" &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid"; exit 143' INT TERM
status=0
wait "$pid" || status=$?
exit "$status"
