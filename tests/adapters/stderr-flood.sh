#!/bin/sh
# SPDX-License-Identifier: MIT
# Writes 4 MB to standard error before anything else (a runner that does
# not drain it would deadlock), marks the end of the flood, then behaves as
# good.sh.
head -c 4000000 /dev/zero | tr '\0' e >&2
echo >&2
echo "stderr-flood.sh: end of the flood" >&2
exec "$(dirname "$0")/good.sh"
