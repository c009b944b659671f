#!/bin/sh
# SPDX-License-Identifier: MIT
# Benchmark: how long the whole conformance suite takes against each
# reference role (essc conform --role R --impl 'essc impl --role R'), the
# reference channel over HTTP and over HTTPS (essc impl --listen, one server
# for the three runs; HTTPS with a throwaway CA made by openssl), and the
# self-test (every role clean plus every fault).  Wall-clock seconds over
# three runs each, best of three; prints a table.
set -eu
essc=${1:-./essc}
tmp=$(mktemp -d)
srv=""
trap 'if [ -n "$srv" ]; then kill "$srv" 2>/dev/null || true; fi; rm -rf "$tmp"' EXIT
# serve ARGS...: starts essc impl --listen 127.0.0.1:0 ARGS in the background;
# sets srv (its pid) and url (from its "listening on URL" line, 5 s at most).
serve () {
  : > "$tmp/url"
  "$essc" impl --listen 127.0.0.1:0 "$@" > "$tmp/url" &
  srv=$!
  for _ in $(seq 50); do
    url=$(sed -n 's/^listening on //p' "$tmp/url")
    [ -n "$url" ] && return 0
    sleep 0.1
  done
  echo "bench-conform: essc impl --listen printed no URL" >&2
  exit 1
}
unserve () {
  kill "$srv"
  wait "$srv" || true
  srv=""
}
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
  n=$("$essc" conform --role "$role" --impl "$essc impl --role $role" 2>/dev/null | sed -n 's/^1\.\.//p')
  ms=$(best "$essc" conform --role "$role" --impl "$essc impl --role $role")
  printf '  %-34s %8s %10s\n' "conform --role $role (reference)" "$n" "$(echo "$ms" | awk '{printf "%.3f", $1/1000}')"
done
serve --role channel
"$essc" conform --role channel --impl "$url" > /dev/null 2>&1 || { echo "bench-conform: the reference channel over HTTP is not conformant" >&2; exit 1; }   # conformant, or the bench stops
n=$("$essc" conform --role channel --impl "$url" 2>/dev/null | sed -n 's/^1\.\.//p')
ms=$(best "$essc" conform --role channel --impl "$url")
printf '  %-34s %8s %10s\n' "conform --role channel over HTTP" "$n" "$(echo "$ms" | awk '{printf "%.3f", $1/1000}')"
unserve
if command -v openssl > /dev/null 2>&1 \
   && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
        -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -subj /CN=127.0.0.1 \
        -addext subjectAltName=IP:127.0.0.1 > /dev/null 2>&1; then
  serve --role channel --tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem"
  "$essc" conform --role channel --impl "$url" --ca "$tmp/cert.pem" > /dev/null 2>&1
  ms=$(best "$essc" conform --role channel --impl "$url" --ca "$tmp/cert.pem")
  printf '  %-34s %8s %10s\n' "conform --role channel over HTTPS" "$n" "$(echo "$ms" | awk '{printf "%.3f", $1/1000}')"
  unserve
fi
s=$(date +%s%N); "$essc" selftest > /dev/null 2>&1 || true; e=$(date +%s%N)
printf '  %-34s %8s %10s\n' "selftest (references + all faults)" "-" "$(echo $(( (e - s) / 1000000 )) | awk '{printf "%.3f", $1/1000}')"
