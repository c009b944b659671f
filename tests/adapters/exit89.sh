#!/bin/sh
# SPDX-License-Identifier: MIT
# Answers hello, then exits with status 89 ("not implemented") on the next
# request.
. "$(dirname "$0")/lib.sh"
read_hello
IFS= read -r line || exit 0
exit 89
