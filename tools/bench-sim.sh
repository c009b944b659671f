#!/bin/sh
# SPDX-License-Identifier: MIT
# Benchmark of the rollout simulator on scenarios/national-2019.ini: one
# replication on one core without the latency model (target <= 1 s), the
# same with it (what the latency model adds to a replication), 100
# replications with --jobs 2 without it (target <= 60 s), 20 with it (the
# `make run` job), and cardholder-days simulated per second.
set -eu
essc=${1:-./essc}
scenario=scenarios/national-2019.ini
secs () {
  s=$(date +%s%N); "$@" > /dev/null; e=$(date +%s%N)
  echo $(( (e - s) / 1000000 )) | awk '{printf "%.3f", $1/1000}'
}
best2 () {
  a=$(secs "$@"); b=$(secs "$@")
  printf '%s\n%s\n' "$a" "$b" | sort -n | head -1
}
rollout=$(best2 "$essc" sim "$scenario" --replications 1 --jobs 1 --no-db --no-latency)
latency=$(best2 "$essc" sim "$scenario" --replications 1 --jobs 1 --no-db)
hundred=$(secs "$essc" sim "$scenario" --replications 100 --jobs 2 --no-db --no-latency)
twenty=$(secs "$essc" sim "$scenario" --replications 20 --jobs 2 --no-db)
# cardholder-days: about 1.29e9 cardholders x 1096 days per replication.
echo "essc sim, $scenario (this machine: $(nproc) cores)"
printf '  %-52s %10s s   (target <= 1 s)\n' "1 replication, --jobs 1, rollout only (best of 2)" "$rollout"
printf '  %-52s %10s s\n' "1 replication, --jobs 1, with latency (best of 2)" "$latency"
awk -v a="$rollout" -v b="$latency" 'BEGIN { printf "  %-52s %10.3f s   (%+.0f%%)\n", "latency model adds per replication (1 core)", b - a, 100 * (b - a) / a }'
printf '  %-52s %10s s   (target <= 60 s)\n' "100 replications, --jobs 2, rollout only" "$hundred"
printf '  %-52s %10s s\n' "20 replications, --jobs 2, with latency (make run)" "$twenty"
awk -v t="$rollout" 'BEGIN { printf "  %-52s %10.3g\n", "cardholder-days per second (1 core)", 1.29e9 * 1096 / t }'
