#!/bin/sh
# SPDX-License-Identifier: MIT
# A well-behaved adapter: answers hello with the role asked for; `refuse` is
# refused with `replayed`, ops it does not know with `unimplemented`, and
# every other op is answered ok with {"op": NAME}.  Exits 0 at end of input.
. "$(dirname "$0")/lib.sh"
while IFS= read -r line; do
  id=$(req_id "$line")
  case $(req_op "$line") in
    hello) answer_hello "$line" ;;
    refuse) printf '{"id":%s,"ok":false,"error":{"code":"replayed","message":"token already used"}}\n' "$id" ;;
    reset|echo|bye) answer_ok "$line" ;;
    *) printf '{"id":%s,"ok":false,"error":{"code":"unimplemented","message":"not offered"},"extra":[1,2]}\n' "$id" ;;
  esac
done
exit 0
