#!/bin/sh
# SPDX-License-Identifier: MIT
# Benchmark of the rollout simulator on scenarios/national-2019.ini: one
# replication on one core (target <= 1 s), 100 replications with --jobs 2
# (target <= 60 s), and cardholder-days simulated per second.
set -eu
essc=${1:-./essc}
scenario=scenarios/national-2019.ini
secs () {
  s=$(date +%s%N); "$@" > /dev/null; e=$(date +%s%N)
  echo $(( (e - s) / 1000000 )) | awk '{printf "%.3f", $1/1000}'
}
one=$(secs "$essc" sim "$scenario" --replications 1 --jobs 1 --no-db)
one_b=$(secs "$essc" sim "$scenario" --replications 1 --jobs 1 --no-db)
best=$(printf '%s\n%s\n' "$one" "$one_b" | sort -n | head -1)
hundred=$(secs "$essc" sim "$scenario" --replications 100 --jobs 2 --no-db)
# cardholder-days: about 1.29e9 cardholders x 1096 days per replication.
echo "essc sim, $scenario (this machine: $(nproc) cores)"
printf '  %-44s %10s s   (target <= 1 s)\n' "1 replication, --jobs 1 (best of 2)" "$best"
printf '  %-44s %10s s   (target <= 60 s)\n' "100 replications, --jobs 2" "$hundred"
awk -v t="$best" 'BEGIN { printf "  %-44s %10.3g\n", "cardholder-days per second (1 core)", 1.29e9 * 1096 / t }'
