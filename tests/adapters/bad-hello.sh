#!/bin/sh
# SPDX-License-Identifier: MIT
# Answers hello wrongly, as MODE (the first argument) says: `role` claims
# another role, `protocol` another protocol, `refuse` refuses hello,
# `no-ops` leaves out the ops, `not-json` writes garbage.
. "$(dirname "$0")/lib.sh"
IFS= read -r line || exit 0
id=$(req_id "$line")
case $1 in
  role)
    if [ "$(req_role "$line")" = platform ]; then other=channel; else other=platform; fi
    answer_hello "$line" "$other" ;;
  protocol) answer_hello "$line" "" "essc-adapter/0" ;;
  refuse) printf '{"id":%s,"ok":false,"error":{"code":"unimplemented","message":"no hello"}}\n' "$id" ;;
  no-ops) printf '{"id":%s,"ok":true,"result":{"protocol":"essc-adapter/1","name":"n","version":"v","role":"%s"}}\n' "$id" "$(req_role "$line")" ;;
  not-json) echo "Welcome to my adapter!" ;;
esac
cat >/dev/null
