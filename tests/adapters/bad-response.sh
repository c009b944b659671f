#!/bin/sh
# SPDX-License-Identifier: MIT
# Answers hello, then answers the next request with a response that is
# well-framed JSON but breaks the protocol as MODE (the first argument)
# says: `code` an unknown error code, `ok-code` error code "ok", `ok-string`
# "ok":"yes", `no-result` no result, `float-id` the id as 2.0, `array` a
# JSON array, `deep` a result nested 100 levels, `no-id` no id, `nul` a NUL
# byte inside the line, `escaped-nul` a string escaping U+0000 ("X\u0000junk",
# which json-glib would read as "X").
. "$(dirname "$0")/lib.sh"
read_hello
IFS= read -r line || exit 0
id=$(req_id "$line")
case $1 in
  code) printf '{"id":%s,"ok":false,"error":{"code":"no_such_code","message":"?"}}\n' "$id" ;;
  ok-code) printf '{"id":%s,"ok":false,"error":{"code":"ok"}}\n' "$id" ;;
  ok-string) printf '{"id":%s,"ok":"yes","result":{}}\n' "$id" ;;
  no-result) printf '{"id":%s,"ok":true}\n' "$id" ;;
  float-id) printf '{"id":%s.0,"ok":true,"result":{}}\n' "$id" ;;
  array) printf '[%s,true]\n' "$id" ;;
  deep) printf '{"id":%s,"ok":true,"result":{"a":' "$id"
        i=0; while [ $i -lt 100 ]; do printf '['; i=$((i + 1)); done
        i=0; while [ $i -lt 100 ]; do printf ']'; i=$((i + 1)); done
        printf '}}\n' ;;
  no-id) printf '{"ok":true,"result":{}}\n' ;;
  nul) printf '{"id":%s,"ok":true,"result":{"a":"\000"}}\n' "$id" ;;
  escaped-nul) printf '{"id":%s,"ok":true,"result":{"a":"X\\u0000junk"}}\n' "$id" ;;
esac
cat >/dev/null
