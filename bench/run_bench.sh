#!/usr/bin/env bash
# Runs perf_test and the reference ONNX Runtime (../shared/anchors, onnxruntime-node) on each
# benchmark model in the same run, at 1 and 2 threads, and prints a markdown table:
# ortlite P50, ORT median, their ratio, session load times, ortlite's peak working set.
#   bench/run_bench.sh [RUNS=50] [MODEL_DIR=bench/cache]  -- appends the table to bench/RESULTS.md
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-50}
MODELS=${2:-bench/cache}
ANCHORS=${ANCHORS:-../shared/anchors}
[ -x build/perf_test ] || { echo "build first (scripts/build.sh)"; exit 1; }
[ -f "$MODELS/resnet50.onnx" ] || /usr/bin/python3 bench/export_models.py "$MODELS"
eval "$(bash "$ANCHORS/setup_reference.sh")"

table=$(mktemp)
echo "| model | threads | ortlite P50 ms | ORT median ms | ratio | ortlite load ms | ORT load ms | ortlite peak MB | ORT rss MB |" > "$table"
echo "|---|---|---|---|---|---|---|---|---|" >> "$table"
for model in resnet50 mobilenet_v2 squeezenet1_1 encoder_l6_h384; do
  path="$MODELS/$model.onnx"
  [ -f "$path" ] || continue
  for threads in 1 2; do
    out=$(./build/perf_test -e cpu -I -m times -r "$RUNS" -s -x "$threads" "$path")
    p50=$(echo "$out" | awk '/P50 Latency/ {printf "%.3f", $3 * 1000}')
    load=$(echo "$out" | awk '/Session creation time cost/ {printf "%.1f", $5 * 1000}')
    peak=$(echo "$out" | awk '/Peak working set size/ {printf "%.1f", $5 / 1048576}')
    ort=$(node "$ANCHORS/ort_perf.js" "$path" "$RUNS" "$threads")
    ort_med=$(echo "$ort" | sed -E 's/.*"median_ms":([0-9.]+).*/\1/')
    ort_load=$(echo "$ort" | sed -E 's/.*"load_ms":([0-9.]+).*/\1/')
    ort_rss=$(echo "$ort" | sed -E 's/.*"rss_mb":([0-9.]+).*/\1/')
    ratio=$(awk -v a="$p50" -v b="$ort_med" 'BEGIN {printf "%.2f", a / b}')
    echo "| $model | $threads | $p50 | $ort_med | $ratio | $load | $ort_load | $peak | $ort_rss |" >> "$table"
  done
done
cat "$table"
{
  echo
  echo "## $(date -u '+%Y-%m-%d %H:%M UTC') — \`bench/run_bench.sh $RUNS $MODELS\` on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
  echo
  cat "$table"
  echo
  echo "ratio = ortlite P50 / ORT median (below 1.0: ortlite is faster). ORT's rss includes Node's own ~75 MB."
} >> bench/RESULTS.md
rm -f "$table"
