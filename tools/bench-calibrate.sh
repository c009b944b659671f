#!/bin/sh
# SPDX-License-Identifier: MIT
# Benchmark of the calibration (essc calibrate, ABC-SMC) on the shipped
# scenarios/calibration-2019-2020.ini with --jobs 2 (target <= 15 min on
# this machine's 2 cores), and the backtest fitted to 2019-12-31 with its
# 100-replication forecast.  Each prints its own time; outputs go to a
# temporary directory; nothing is written beside the scenario (--no-write).
set -eu
essc=${1:-./essc}
scenario=scenarios/calibration-2019-2020.ini
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "essc calibrate, $scenario (this machine: $(nproc) cores)"
s=$(date +%s)
"$essc" calibrate "$scenario" --jobs 2 --no-write > "$tmp/calibrate.txt"
e=$(date +%s)
sed -n '/^calibration:/p; /^generations/,/^$/p; /^posterior digest/p' "$tmp/calibrate.txt" \
  | sed 's/^/  /'
printf '  %-52s %10d s   (target <= 900 s)\n' "calibration, --jobs 2" $((e - s))
s=$(date +%s)
"$essc" backtest "$scenario" --fit-until 2019-12-31 --jobs 2 --no-write > "$tmp/backtest.txt"
e=$(date +%s)
sed -n '/^coverage/p' "$tmp/backtest.txt" | sed 's/^/  /'
printf '  %-52s %10d s\n' "backtest to 2019-12-31, --jobs 2 (fit and forecast)" $((e - s))
