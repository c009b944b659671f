#!/bin/sh
# SPDX-License-Identifier: MIT
# Answers hello, then writes half a response line and exits 0.
. "$(dirname "$0")/lib.sh"
read_hello
IFS= read -r line || exit 0
printf '{"id":%s,"ok":tr' "$(req_id "$line")"
exit 0
