#!/bin/sh
# SPDX-License-Identifier: MIT
# The reference implementation of a role, behind a filter, for the tests of
# essc fuzz (tests/conformance/test_fuzz_diff.c):
#
#   fuzz-proxy.sh ESSC ROLE MODE [OP]
#
# Every request goes to `ESSC impl --role ROLE` and its response comes
# back, except that with MODE
#   hang      a request of OP is never answered;
#   crash     a request of OP kills the adapter (SIGSEGV);
#   garbage   a request of OP is answered with a line that is not JSON;
#   cosmetic  every response differs only where the standard lets it: each
#             error message is another text, each result gets an unknown
#             member (x_extra) first.
essc=$1 role=$2 mode=$3 op=${4:-}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkfifo "$dir/in" "$dir/out"
"$essc" impl --role "$role" < "$dir/in" > "$dir/out" &
exec 3> "$dir/in" 4< "$dir/out"
while IFS= read -r line; do
  case "$line" in
    *"\"op\":\"$op\""*)
      case "$mode" in
        hang) sleep 1000 & wait; exit 0 ;;
        crash) kill -SEGV $$ ;;
        garbage) printf 'garbage \001 not JSON\n'; continue ;;
      esac ;;
  esac
  printf '%s\n' "$line" >&3
  IFS= read -r resp <&4 || exit 0
  if [ "$mode" = cosmetic ]; then
    resp=$(printf '%s\n' "$resp" | sed -E \
      -e 's/"message":"([^"\\]|\\.)*"/"message":"refused, in other words"/' \
      -e 's/"result":\{\}/"result":{"x_extra":true}/' \
      -e 't' \
      -e 's/"result":\{/"result":{"x_extra":true,/')
  fi
  printf '%s\n' "$resp"
done
