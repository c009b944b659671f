#!/bin/sh
# SPDX-License-Identifier: MIT
# Answers hello, then answers every request with an id 1000 higher.
. "$(dirname "$0")/lib.sh"
read_hello
while IFS= read -r line; do
  printf '{"id":%s,"ok":true,"result":{}}\n' "$(($(req_id "$line") + 1000))"
done
