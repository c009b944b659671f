#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian packages of packages.txt that a purpose needs and are
# missing: tools/deps.sh [run|check|package] (default run).  run takes the
# [run] section; check [run] and [check]; package [run] and [package].
# A package counts as present when it is installed, or when an installed
# package Provides it (dpkg's Provides field).  As root it runs apt-get
# itself for the missing ones; otherwise it prints the exact command to run.
# Exits 0 when every package is present afterwards, 2 otherwise (also on an
# unknown purpose, or a package listed twice or outside a section).
set -eu
here=$(dirname "$0")
list="$here/../packages.txt"
purpose=${1:-run}
case "$purpose" in
  run) sections="run" ;;
  check) sections="run check" ;;
  package) sections="run package" ;;
  *) echo "deps: unknown purpose '$purpose' (expected run, check or package)" >&2; exit 2 ;;
esac

# The packages of the sections named, after checking the list's shape.
packages=$(awk -v want=" $sections " '
  /^[[:space:]]*(#|$)/ { next }
  /^\[[a-z]+\]$/ { section = substr($0, 2, length($0) - 2); next }
  {
    name = $1
    if (section == "") { printf "deps: %s:%d: %s is in no section\n", FILENAME, NR, name > "/dev/stderr"; bad = 1 }
    if (name in seen) { printf "deps: %s:%d: %s is listed twice (also in [%s])\n", FILENAME, NR, name, seen[name] > "/dev/stderr"; bad = 1 }
    seen[name] = section
    if (index(want, " " section " ")) print name
  }
  END { exit bad }' "$list") || exit 2

missing=""
for p in $packages; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$status" in
    *"install ok installed"*) ;;
    *) missing="$missing $p" ;;
  esac
done
[ -z "$missing" ] && exit 0

# A package that is not installed under its own name may be provided by one
# that is (NodeSource's nodejs Provides and Conflicts with Debian's npm:
# installing npm would fail).  The names the installed packages provide, one
# a line, versions dropped ("npm (= 10.8.2)" is npm).
provided=$(dpkg-query -W -f='${Status}\t${Provides}\n' 2>/dev/null | awk -F '\t' '
  $1 ~ /install ok installed/ {
    n = split($2, p, ",")
    for (i = 1; i <= n; i++) { sub(/^[ ]+/, "", p[i]); sub(/[ (].*$/, "", p[i]); if (p[i] != "") print p[i] }
  }' || true)
still=""
for p in $missing; do
  if printf '%s\n' "$provided" | grep -qx -- "$p"; then continue; fi
  still="$still $p"
done
missing=$still
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "deps ($purpose): installing:$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2 || { echo "deps: apt-get update failed" >&2; exit 2; }
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $missing >&2 || { echo "deps: apt-get install failed" >&2; exit 2; }
  exit 0
fi
echo "deps ($purpose): missing Debian packages. Run as root:" >&2
echo "  apt-get update && apt-get install -y --no-install-recommends$missing" >&2
exit 2
