#!/bin/sh
# SPDX-License-Identifier: MIT
# Answers hello, then dies of SIGSEGV on the next request.
. "$(dirname "$0")/lib.sh"
read_hello
IFS= read -r line || exit 0
echo "crash-after-hello.sh: about to crash" >&2
kill -SEGV $$
