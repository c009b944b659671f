#!/bin/sh
# SPDX-License-Identifier: MIT
# Answers hello, then never answers: waits on a `sleep 1000` of its own
# process group, whose pid it writes to standard error, so the tests can
# check that ending the IUT ends (and reaps) the sleep too.
. "$(dirname "$0")/lib.sh"
read_hello
IFS= read -r line || exit 0
sleep 1000 &
echo "hang.sh: sleep pid $!" >&2
wait
