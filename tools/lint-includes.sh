#!/bin/sh
# SPDX-License-Identifier: MIT
# make lint: the include rules between the layers (docs/ARCHITECTURE.md).
# Each argument is "DIR:ALLOWED..." (from the Makefile's layer table): every
# `#include "..."` in DIR/*.c and DIR/*.h, and in tests/LAYER/ for that layer,
# must name a header under one of the ALLOWED folders, or be one of the
# ALLOWED headers.  Tests may also include tests/lib/.  Prints each violation
# as FILE:LINE and exits 1 if there is one.
set -eu
status=0
check () {   # check FILE ALLOWED...
  file=$1; shift
  grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$file" | while IFS= read -r hit; do
    line=${hit%%:*}
    inc=$(printf '%s\n' "$hit" | sed 's/^[^"]*"\([^"]*\)".*/\1/')
    ok=no
    for a in "$@"; do
      case "$inc" in "$a"|"$a"/*) ok=yes ;; esac
    done
    if [ $ok = no ]; then
      echo "lint: $file:$line: includes \"$inc\"; ${file%/*}/ may include only: $*" >&2
      echo x
    fi
  done
}
for rule in "$@"; do
  dir=${rule%%:*}
  allowed=${rule#*:}
  layer=${dir##*/}
  for f in "$dir"/*.c "$dir"/*.h; do
    [ -f "$f" ] || continue
    # shellcheck disable=SC2086
    [ -z "$(check "$f" $allowed)" ] || status=1
  done
  for f in tests/"$layer"/*.c tests/"$layer"/*.h; do
    [ -f "$f" ] || continue
    # shellcheck disable=SC2086
    [ -z "$(check "$f" $allowed tests/lib)" ] || status=1
  done
done
if [ $status = 0 ]; then
  echo "lint: include rules hold ($# layers)"
fi
exit $status
