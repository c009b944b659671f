#!/bin/sh
# SPDX-License-Identifier: MIT
# Answers hello, then answers the next request with a line of 100 MB.
. "$(dirname "$0")/lib.sh"
read_hello
IFS= read -r line || exit 0
head -c 100000000 /dev/zero | tr '\0' a
echo
