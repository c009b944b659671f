#!/bin/sh
# SPDX-License-Identifier: MIT
# What differential fuzzing finds by itself (docs/FUZZ.md): `essc fuzz`
# against every deliberate fault of the reference (essc impl --list-faults),
# in every role the fault applies to, for at most SECONDS each (stopping at
# the first finding), then against the reference itself for REF_SECONDS per
# role (where nothing may be found).  One fuzz process at a time.
#
#   sh tools/bench-fuzz.sh [ESSC [SECONDS [REF_SECONDS [SEED]]]]
#
# Defaults: ./essc, 60 s per fault and role, 600 s per role for the
# reference, seed 1.  Prints a table (fault, role, found, seconds to the
# first finding, sequences played, whether its shrunk sequence is one no
# vector test holds, the divergence) and the totals; exit 0 when every
# fault is found in every role and the reference shows nothing, 1
# otherwise.  The findings' files go to a temporary folder, removed at the
# end (FUZZ_KEEP=DIR keeps them there instead).  FUZZ_OPTS adds options to
# every essc fuzz (FUZZ_OPTS=--valid-only: start from the valid tests only).
set -u
ESSC=${1:-./essc}
SECONDS_PER=${2:-60}
REF_SECONDS=${3:-600}
SEED=${4:-1}
work=${FUZZ_KEEP:-$(mktemp -d)}
mkdir -p "$work"
tab=$(printf '\t')

"$ESSC" impl --list-faults > "$work/faults.tsv" || exit 2
pairs=0; found=0; novel=0; faults=0; faults_all=0
missed=""
printf '%-28s %-9s %-5s %8s %9s %-5s %s\n' fault role found seconds sequences new divergence
while IFS="$tab" read -r name roles reqs desc; do
  faults=$((faults + 1))
  all=1
  for role in $(echo "$roles" | tr ',' ' '); do
    pairs=$((pairs + 1))
    log="$work/$name-$role.txt"
    "$ESSC" fuzz --role "$role" --impl "$ESSC impl --role $role --fault $name" \
      --seconds "$SECONDS_PER" --seed "$SEED" --max-findings 1 --quiet ${FUZZ_OPTS:-} \
      --out "$work/$name-$role" > "$log" 2> "$log.err"
    rc=$?
    if [ "$rc" -eq 1 ] && grep -q '^finding 1:' "$log"; then
      found=$((found + 1))
      sig=$(sed -n 's/^finding 1: //p' "$log")
      secs=$(sed -n 's/^  sequence \([0-9]*\) of seed [0-9]* (after \([0-9.]*\) s).*/\2/p' "$log")
      seqs=$(sed -n 's/^  sequence \([0-9]*\) of seed.*/\1/p' "$log")
      seqs=$((seqs + 1))
      if grep -q '^  a sequence no vector test holds' "$log"; then
        new=yes; novel=$((novel + 1))
      else
        new=no
      fi
      printf '%-28s %-9s %-5s %8s %9s %-5s %s\n' "$name" "$role" yes "$secs" "$seqs" "$new" "$sig"
    else
      all=0
      missed="$missed $name/$role"
      seqs=$(sed -n 's/^# [a-z]*: \([0-9]*\) sequences.*/\1/p' "$log")
      printf '%-28s %-9s %-5s %8s %9s %-5s %s\n' "$name" "$role" NO "-" "${seqs:--}" "-" \
        "$(tail -n 1 "$log.err")"
    fi
  done
  faults_all=$((faults_all + all))
done < "$work/faults.tsv"
echo
echo "faults: $faults_all of $faults found in every role they apply to ($found of $pairs fault-role pairs; $novel of them by a sequence no vector test holds), at most $SECONDS_PER s each, seed $SEED${FUZZ_OPTS:+, $FUZZ_OPTS}"
[ -n "$missed" ] && echo "not found:$missed"

ref_findings=0
for role in verifier channel platform; do
  log="$work/reference-$role.txt"
  "$ESSC" fuzz --role "$role" --impl "$ESSC impl --role $role" --seconds "$REF_SECONDS" \
    --seed "$SEED" --quiet ${FUZZ_OPTS:-} --out "$work/reference-$role" > "$log" 2> "$log.err"
  rc=$?
  n=$(grep -c '^finding ' "$log")
  ref_findings=$((ref_findings + n))
  echo "reference $role: $(sed -n 's/^# [a-z]*: //p' "$log") (exit $rc)"
done
echo "reference: $ref_findings findings in $REF_SECONDS s per role"
[ -z "${FUZZ_KEEP:-}" ] && rm -rf "$work"
[ "$faults_all" -eq "$faults" ] && [ "$ref_findings" -eq 0 ]
