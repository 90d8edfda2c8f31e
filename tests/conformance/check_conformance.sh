#!/usr/bin/env bash
# Runs test_runner over the ONNX conformance data and compares the failures with the checked-in
# expected-failure list. Fails if a case fails that is not listed, or a listed case passes (so the
# list only shrinks). A case listed with a leading "~" has a random outcome (its reference values
# come from an unseeded generator, so a run may match them by chance): its passing is not held
# against the list.
#   check_conformance.sh TEST_RUNNER DATA_ROOT EXPECTED_FAILURES [test_runner options...]
set -u
runner=$1 data=$2 expected=$3
shift 3
dirs=()
for d in node pytorch-converted pytorch-operator simple; do
  [ -d "$data/$d" ] && dirs+=("$data/$d")
done
if [ ${#dirs[@]} -eq 0 ]; then
  echo "no conformance data under $data (install libonnx-testdata)"
  exit 1
fi
out=$(mktemp)
trap 'rm -f "$out" "$out.err" "$out.fail" "$out.pass" "$out.expected" "$out.firm"' EXIT
"$runner" -v -j "${CONFORMANCE_JOBS:-2}" "$@" "${dirs[@]}" > "$out" 2>"$out.err"
runner_status=$?
grep '^FAIL ' "$out" | awk '{print $2}' | sort -u > "$out.fail"
grep '^PASS ' "$out" | awk '{print $2}' | sort -u > "$out.pass"
# Every case must have a verdict: a runner that stops early (a crash, bad arguments) leaves the
# rest unreported, which the comparison with the list alone would not notice.
cases=$(find "${dirs[@]}" -mindepth 2 -maxdepth 2 -name model.onnx | wc -l)
reported=$(cat "$out.pass" "$out.fail" | sort -u | wc -l)
if [ "$reported" -ne "$cases" ] || [ "$runner_status" -gt 1 ]; then
  echo "test_runner reported $reported of $cases cases (exit status $runner_status):"
  tail -5 "$out.err"
  exit 1
fi
grep -v '^\s*#' "$expected" | awk 'NF {sub(/^~/, "", $1); print $1}' | sort -u > "$out.expected"
grep -v '^\s*#' "$expected" | awk 'NF && $1 !~ /^~/ {print $1}' | sort -u > "$out.firm"

unexpected=$(comm -23 "$out.fail" "$out.expected")
fixed=$(comm -12 "$out.pass" "$out.firm")
status=0
if [ -n "$unexpected" ]; then
  echo "Unexpected failures (not in $(basename "$expected")):"
  for c in $unexpected; do grep "^FAIL $c " "$out" | head -1; done
  status=1
fi
if [ -n "$fixed" ]; then
  echo "Listed as expected failures but now pass (remove them from the list):"
  echo "$fixed" | sed 's/^/  /'
  status=1
fi
tail -1 "$out"
echo "expected failures: $(wc -l < "$out.expected"), unexpected failures: $(echo -n "$unexpected" | grep -c .), newly passing: $(echo -n "$fixed" | grep -c .)"
exit $status
