#!/usr/bin/env bash
# Runs perf_test and the reference ONNX Runtime (../shared/anchors, onnxruntime-node) on each
# benchmark model in the same run, at 1 and 2 threads, and prints a markdown table:
# ortlite P50, ORT median, their ratio, session load times, ortlite's peak working set.
#   bench/run_bench.sh [RUNS=50] [MODEL_DIR=bench/cache]  -- appends the table to bench/RESULTS.md
# ROUNDS (default 3) alternating ortlite/ORT rounds per row; the table shows the median of each
# side's per-round figure, so one disturbed round on a shared machine does not decide the ratio.
# The single-thread SGEMM 1024^3 micro-benchmark and the measured FMA peak are added below it.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-50}
MODELS=${2:-bench/cache}
ANCHORS=${ANCHORS:-../shared/anchors}
ROUNDS=${ROUNDS:-3}
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
# The FMA throughput of one core over 0.2 s, in GFLOP/s (empty without the micro-benchmarks). A
# shared host's busy spells cut it by up to 40 % while scalar code runs at full speed, and they
# slow ortlite's FMA-dense kernels more than ORT's: sampled after every round, it tells how busy
# the host was during the table.
fma_sample() {
  [ -x build/bench/ortlite_micro_bench ] || return 0
  ./build/bench/ortlite_micro_bench --benchmark_filter='^BM_FmaPeak$' --benchmark_min_time=0.2 \
    --benchmark_format=json 2>/dev/null |
    /usr/bin/python3 -c 'import json, sys; print("%.0f" % json.load(sys.stdin)["benchmarks"][0]["GFLOPS"])' || true
}
fma_samples=""
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
    p50s="" ort_meds="" loads="" ort_loads="" peaks="" ort_rsss=""
    for round in $(seq "$ROUNDS"); do
      out=$(./build/perf_test -e cpu -I -m times -r "$RUNS" -s -x "$threads" "$path")
      p50s+=" $(echo "$out" | awk '/P50 Latency/ {printf "%.3f", $3 * 1000}')"
      loads+=" $(echo "$out" | awk '/Session creation time cost/ {printf "%.1f", $5 * 1000}')"
      peaks+=" $(echo "$out" | awk '/Peak working set size/ {printf "%.1f", $5 / 1048576}')"
      ort=$(node "$ANCHORS/ort_perf.js" "$path" "$RUNS" "$threads")
      ort_meds+=" $(echo "$ort" | sed -E 's/.*"median_ms":([0-9.]+).*/\1/')"
      ort_loads+=" $(echo "$ort" | sed -E 's/.*"load_ms":([0-9.]+).*/\1/')"
      ort_rsss+=" $(echo "$ort" | sed -E 's/.*"rss_mb":([0-9.]+).*/\1/')"
      fma_samples+=" $(fma_sample)"
    done
    p50=$(echo "$p50s" | median) ort_med=$(echo "$ort_meds" | median)
    load=$(echo "$loads" | median) ort_load=$(echo "$ort_loads" | median)
    peak=$(echo "$peaks" | median) ort_rss=$(echo "$ort_rsss" | median)
    ratio=$(awk -v a="$p50" -v b="$ort_med" 'BEGIN {printf "%.2f", a / b}')
    echo "| $model | $threads | $p50 | $ort_med | $ratio | $load | $ort_load | $peak | $ort_rss |" >> "$table"
  done
done
sgemm=""
if [ -x build/bench/ortlite_micro_bench ]; then
  json=$(./build/bench/ortlite_micro_bench --benchmark_filter='^BM_FmaPeak$|^BM_Sgemm/M:1024/N:1024/K:1024/threads:1$' \
    --benchmark_repetitions=3 --benchmark_report_aggregates_only=true --benchmark_format=json 2>/dev/null)
  sgemm=$(echo "$json" | /usr/bin/python3 -c '
import json, sys
rows = {b["run_name"]: b for b in json.load(sys.stdin)["benchmarks"] if b.get("aggregate_name") == "median"}
peak = next(b for n, b in rows.items() if n.startswith("BM_FmaPeak"))
gemm = next(b for n, b in rows.items() if n.startswith("BM_Sgemm/"))
print("SGEMM M=N=K=1024, 1 thread: %.1f GFLOP/s = %.1f %% of the FMA peak measured beside each iteration "
      "(peak_fraction); BM_FmaPeak alone: %.1f GFLOP/s (medians of 3 repetitions)."
      % (gemm["GFLOPS"], 100 * gemm["peak_fraction"], peak["GFLOPS"]))')
fi
fma_line=""
if [ -n "${fma_samples// /}" ]; then
  fma_sorted=$(echo "$fma_samples" | tr ' ' '\n' | grep . | sort -g)
  fma_min=$(echo "$fma_sorted" | head -1) fma_max=$(echo "$fma_sorted" | tail -1)
  fma_line=$(awk -v lo="$fma_min" -v med="$(echo "$fma_samples" | median)" -v hi="$fma_max" -v n="$(echo "$fma_sorted" | wc -l)" 'BEGIN {
    printf "Host check: the FMA throughput of one core after each round, min %s / median %s / max %s GFLOP/s over %d rounds (min/max %.2f; below ~0.9 the host was busy during the table).", lo, med, hi, n, lo / hi}')
fi
cat "$table"
if [ -n "$sgemm" ]; then echo "$sgemm"; fi
if [ -n "$fma_line" ]; then echo "$fma_line"; fi
{
  echo
  echo "## $(date -u '+%Y-%m-%d %H:%M UTC') — \`ROUNDS=$ROUNDS bench/run_bench.sh $RUNS $MODELS\` on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
  echo
  cat "$table"
  echo
  echo "ratio = ortlite P50 / ORT median (below 1.0: ortlite is faster), each the median of $ROUNDS alternating rounds of $RUNS runs. ORT's rss includes Node's own ~75 MB."
  if [ -n "$sgemm" ]; then echo; echo "$sgemm"; fi
  if [ -n "$fma_line" ]; then echo; echo "$fma_line"; fi
} >> bench/RESULTS.md
rm -f "$table"
