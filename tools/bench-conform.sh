#!/bin/sh
# SPDX-License-Identifier: MIT
# Benchmark: how long the whole conformance suite takes against each
# reference role (essc conform --role R --impl 'essc impl --role R'), and
# the self-test (every role clean plus every fault).  Wall-clock seconds
# over three runs each, best of three; prints a table.
set -eu
essc=${1:-./essc}
best () {
  b=""
  for _ in 1 2 3; do
    s=$(date +%s%N)
    "$@" > /dev/null 2>&1 || true
    e=$(date +%s%N)
    t=$(( (e - s) / 1000000 ))
    if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
  done
  echo "$b"
}
echo "essc conformance suite, wall clock, best of 3 (this machine: $(nproc) cores)"
printf '  %-34s %8s %10s\n' "run" "tests" "seconds"
for role in verifier channel platform; do
  n=$("$essc" conform --role "$role" --impl "$essc impl --role $role" | sed -n 's/^1\.\.//p')
  ms=$(best "$essc" conform --role "$role" --impl "$essc impl --role $role")
  printf '  %-34s %8s %10s\n' "conform --role $role (reference)" "$n" "$(echo "$ms" | awk '{printf "%.3f", $1/1000}')"
done
s=$(date +%s%N); "$essc" selftest > /dev/null 2>&1 || true; e=$(date +%s%N)
printf '  %-34s %8s %10s\n' "selftest (references + all faults)" "-" "$(echo $(( (e - s) / 1000000 )) | awk '{printf "%.3f", $1/1000}')"
