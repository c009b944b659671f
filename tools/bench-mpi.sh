#!/bin/sh
# SPDX-License-Identifier: MIT
# Strong scaling of essc sim over Open MPI: one national-2019 run of 100
# replications (ESSC_BENCH_REPS to change it) on 1, 2, 4, ... ranks up to the
# cores of this machine, one thread per rank, with the digest of each run
# (the same on every line, or the run is wrong).
set -eu
mpi=${1:-build-mpi/essc}
scenario=scenarios/national-2019.ini
reps=${ESSC_BENCH_REPS:-100}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cores=$(nproc)
mem=$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)
cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
echo "essc sim over Open MPI: $scenario, $reps replications, --jobs 1 per rank"
echo "  machine: $cores cores ($cpu), $mem GiB"
printf '  %5s %10s %9s %11s  %s\n' ranks seconds speed-up efficiency digest
ranks="1"
n=2
while [ "$n" -le "$cores" ]; do ranks="$ranks $n"; n=$((n * 2)); done
case " $ranks " in *" $cores "*) ;; *) ranks="$ranks $cores" ;; esac
base=""
for n in $ranks; do
  s=$(date +%s%N)
  d=$(mpirun --oversubscribe --bind-to none -np "$n" "$mpi" sim "$scenario" \
        --replications "$reps" --jobs 1 --no-db | awk '/^digest:/ { print substr($2, 1, 16) }')
  e=$(date +%s%N)
  t=$(echo $(( (e - s) / 1000000 )) | awk '{ printf "%.2f", $1 / 1000 }')
  [ -z "$base" ] && base=$t
  awk -v n="$n" -v t="$t" -v b="$base" -v d="$d" \
    'BEGIN { printf "  %5d %10.2f %9.2f %10.0f%%  %s\n", n, t, b / t, 100 * b / t / n, d }'
done
