#!/bin/sh
# SPDX-License-Identifier: MIT
# Answers hello, then answers every request with a line that is not JSON.
. "$(dirname "$0")/lib.sh"
read_hello
while IFS= read -r line; do
  printf 'garbage %s: \001\377 this is not JSON\n' "$(req_id "$line")"
done
