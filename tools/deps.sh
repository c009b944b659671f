#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian packages listed in packages.txt that are missing.
# As root it runs apt-get itself; otherwise it prints the exact command to run.
# Exits 0 when every package is present afterwards, 2 otherwise.
set -eu
here=$(dirname "$0")
list="$here/../packages.txt"
missing=""
for p in $(grep -v '^[[:space:]]*#' "$list" | grep -v '^[[:space:]]*$'); do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$status" in
    *"install ok installed"*) ;;
    *) missing="$missing $p" ;;
  esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "deps: installing:$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2 || { echo "deps: apt-get update failed" >&2; exit 2; }
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $missing >&2 || { echo "deps: apt-get install failed" >&2; exit 2; }
  exit 0
fi
echo "deps: missing Debian packages. Run as root:" >&2
echo "  apt-get update && apt-get install -y --no-install-recommends$missing" >&2
exit 2
