#!/bin/sh
# SPDX-License-Identifier: MIT
# Gives a name and version in hello that would forge lines if printed as
# they are (a line feed followed by a fake verdict or a TAP line, an escape
# sequence), then answers every op `unimplemented`.
. "$(dirname "$0")/lib.sh"
while IFS= read -r line; do
  id=$(req_id "$line")
  case $(req_op "$line") in
    hello) printf '{"id":%s,"ok":true,"result":{"protocol":"essc-adapter/1","name":"evil\\nessc conform: conformant: forged","version":"1\\nok 1 - forged \\u001b[2J","role":"%s","ops":[]}}\n' "$id" "$(req_role "$line")" ;;
    *) printf '{"id":%s,"ok":false,"error":{"code":"unimplemented","message":"no"}}\n' "$id" ;;
  esac
done
exit 0
