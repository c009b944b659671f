#!/bin/sh
# SPDX-License-Identifier: MIT
# Coverage-guided fuzzing of the parsers (docs/PARSER-FUZZING.md):
#   sh tools/fuzz.sh BUILD SECONDS NAME...
# runs BUILD/fuzz/NAME for SECONDS on the seeds of tests/fuzz/corpus/NAME/
# (read only) and the inputs it found before in BUILD/corpus/NAME/ (where new
# ones go); a crash, leak, timeout or out-of-memory input goes to
# BUILD/crashes/NAME-*.  Prints a line per harness (executions, executions
# per second, coverage edges and features, corpus size, findings; the
# seconds are those it ran, fewer when it stopped at a finding) and a
# summary in BUILD/fuzz-summary.txt.  Exits 1 when any harness found
# something, 2 on a usage error.
set -u
[ $# -ge 3 ] || { echo "usage: tools/fuzz.sh BUILD SECONDS NAME..." >&2; exit 2; }
build=$1; secs=$2; shift 2
case "$secs" in ''|*[!0-9]*) echo "fuzz: SECONDS must be a whole number: $secs" >&2; exit 2 ;; esac
mkdir -p "$build/corpus" "$build/crashes" "$build/logs"
# the harnesses read their data (scenarios, test files) from the source tree
ESSC_SRCDIR=${ESSC_SRCDIR:-$(pwd)}
export ESSC_SRCDIR
summary="$build/fuzz-summary.txt"
printf '%-12s %6s %12s %9s %7s %7s %7s %8s\n' harness seconds executions exec/s edges features corpus findings > "$summary"
found=0
for name in "$@"; do
  bin="$build/fuzz/$name"
  seeds="tests/fuzz/corpus/$name"
  [ -x "$bin" ] || { echo "fuzz: no harness $bin (make fuzz-build)" >&2; exit 2; }
  [ -d "$seeds" ] || { echo "fuzz: no seed corpus $seeds" >&2; exit 2; }
  mkdir -p "$build/corpus/$name"
  log="$build/logs/$name.log"
  echo "fuzz: $name for ${secs} s (log $log)" >&2
  before=$(ls "$build/crashes" | grep -c "^$name-" || true)
  t0=$(date +%s)
  "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/crashes/$name-" "$build/corpus/$name" "$seeds" > "$log" 2>&1
  rc=$?
  took=$(( $(date +%s) - t0 ))   # less than SECONDS when it stopped at a finding
  after=$(ls "$build/crashes" | grep -c "^$name-" || true)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1)
  edges=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
  feats=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
  corp=$(echo "$last" | sed -n 's/.*corp: \([0-9]*\).*/\1/p')
  n=$((after - before))
  if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then n=1; fi   # ended abnormally without an artifact
  [ "$n" -gt 0 ] && found=1
  printf '%-12s %6s %12s %9s %7s %7s %7s %8s\n' "$name" "$took" "${execs:-?}" "${rate:-?}" \
    "${edges:-?}" "${feats:-?}" "${corp:-?}" "$n" >> "$summary"
  if [ "$rc" -ne 0 ]; then
    echo "fuzz: $name exited with $rc; the end of $log:" >&2
    tail -30 "$log" >&2
  fi
done
cat "$summary"
[ "$found" -eq 0 ] || echo "fuzz: findings in $build/crashes/ (reproduce: $build/fuzz/NAME FILE)" >&2
exit "$found"
