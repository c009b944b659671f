#!/bin/sh
# SPDX-License-Identifier: MIT
# Answers hello at once, then answers every request correctly but only
# after ESSC_ADAPTER_DELAY seconds (default 2).
. "$(dirname "$0")/lib.sh"
read_hello
while IFS= read -r line; do
  sleep "${ESSC_ADAPTER_DELAY:-2}"
  answer_ok "$line"
done
