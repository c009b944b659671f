#!/bin/sh
# SPDX-License-Identifier: MIT
# Writes essc's man pages, essc.1 and essc-COMMAND.1 for every command of
# 'essc --help', into OUTDIR (`make man`: build/man/).  Their one source is
# the program: each page's synopsis, description, options and exit statuses
# are its --help text (and, for cert and registry, each subcommand's), so a
# page cannot drift from --help; what --help does not say, the files a
# command reads and writes, its examples and the pages to see also, are in
# tools/man-pages.txt (or PAGES), one [COMMAND] entry each.  tools/gen-man.awk
# turns one command's texts into roff.  A command without an entry, an entry
# without a command, a --help without "Exit status:", a page or document
# named that does not exist: exit 2, nothing written.  docs/HACKING.md, "Man
# pages".
#
#   sh tools/gen-man.sh ESSC OUTDIR PREFIX VERSION [DATE [PAGES]]
#
# PREFIX: where essc is installed (the FILES sections name PREFIX/share/essc
# and PREFIX/share/doc/essc); DATE: the pages' date (default: from
# SOURCE_DATE_EPOCH, else today), YYYY-MM-DD.
set -eu

die () { echo "gen-man: $*" >&2; exit 2; }
[ $# -ge 4 ] && [ $# -le 6 ] || die "usage: gen-man.sh ESSC OUTDIR PREFIX VERSION [DATE [PAGES]]"
essc=$1 out=$2 prefix=$3 version=$4
here=$(dirname "$0")
pages=${6:-$here/man-pages.txt}
if [ $# -ge 5 ] && [ -n "$5" ]; then
  date=$5
elif [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
  date=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)
else
  date=$(date -u +%Y-%m-%d)
fi
[ -x "$essc" ] || die "$essc: not an executable"
[ -r "$pages" ] || die "$pages: cannot be read"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A --help text as the C locale prints it, in UTF-8, with GLib's ellipsis
# in ASCII (or its '?' where C.UTF-8 is missing).
help () {
  LC_ALL=C.UTF-8 LANGUAGE='' "$essc" "$@" --help > "$tmp/help.raw" \
    || die "'essc $* --help' failed"
  sed 's/\xe2\x80\xa6/.../g; s/\[OPTION?\]/[OPTION...]/g' "$tmp/help.raw"
}

# The commands of essc --help: the lines under "Commands:", two spaces,
# the name, spaces, the summary.
help > "$tmp/essc.help"
commands=$(awk '/^Commands:$/ { on = 1; next } on && !/^  [a-z]/ { on = 0 }
                on { print $1 }' "$tmp/essc.help")
[ -n "$commands" ] || die "'essc --help' lists no commands"

# Each command has an entry in PAGES and each entry a command.
entries=$(sed -n 's/^\[\([a-z][-a-z0-9]*\)\]$/\1/p' "$pages")
for c in $commands; do
  echo "$entries" | grep -qx "$c" || die "$pages: no [$c] entry for 'essc $c' (its files and examples)"
done
for e in $entries; do
  [ "$e" = essc ] && continue
  echo "$commands" | grep -qx "$e" || die "$pages: [$e]: essc has no command '$e'"
done
echo "$entries" | grep -qx essc || die "$pages: no [essc] entry (essc(1))"

# The pages and documents an entry names exist.
for p in $(sed -n 's/^see //p' "$pages"); do
  case $p in
    essc) ;;
    essc-*) echo "$commands" | grep -qx "${p#essc-}" || die "$pages: see $p: no such page" ;;
    *) die "$pages: see $p: not an essc page" ;;
  esac
done
for d in $(sed -n 's/^doc //p' "$pages"); do
  [ -f "$here/../docs/$d" ] || [ -f "$here/../$d" ] || die "$pages: doc $d: no docs/$d"
done

mkdir "$tmp/man"
page () {  # page NAME CMD SUMMARY HELP-FILES...
  name=$1 cmd=$2 summary=$3
  shift 3
  awk -v cmd="$cmd" -v summary="$summary" -v subs="$subs" -v version="$version" \
      -v date="$date" -v datadir="$prefix/share/essc" -v docdir="$prefix/share/doc/essc" \
      -f "$here/gen-man.awk" "$pages" "$@" > "$tmp/man/$name.1" \
    || die "$name.1 not written"
}

subs=''
page essc '' '' "$tmp/essc.help"
for c in $commands; do
  help "$c" > "$tmp/$c.help"
  # Subcommands with a --help of their own (cert, registry): named under
  # "Subcommands:" or on a usage line "essc CMD SUB ...", and their --help
  # begins "essc CMD SUB".
  subs=''
  files="$tmp/$c.help"
  for s in $(awk -v c="$c" '
      /^Subcommands:$/ { on = 1; next }
      on && /^  [a-z]/ { print $1; next }
      { on = 0 }
      /^(Usage:)? *essc [a-z]/ {
        line = $0; sub(/^(Usage:)? */, "", line); split(line, w, / /)
        if (w[2] == c && w[3] ~ /^[a-z][-a-z0-9]*$/) print w[3]
      }' "$tmp/$c.help" | awk '!seen[$0]++'); do
    help "$c" "$s" > "$tmp/$c-$s.help"
    if awk -v c="$c" -v s="$s" 'NR <= 2 && ($1 == "essc" || $2 == "essc") {
           line = $0; sub(/^(Usage:)? */, "", line); split(line, w, / /)
           ok = w[2] == c && w[3] == s; exit }
         END { exit !ok }' "$tmp/$c-$s.help"; then
      subs="$subs${subs:+ }$s"
      files="$files $tmp/$c-$s.help"
    fi
  done
  summary=$(awk -v c="$c" '/^Commands:$/ { on = 1; next }
                           on && $1 == c { $1 = ""; sub(/^ +/, ""); print; exit }' "$tmp/essc.help" \
            | sed 's/: essc .*$//')
  # shellcheck disable=SC2086
  page "essc-$c" "$c" "$summary" $files
done

# Replace OUTDIR's pages (a page of a command that is gone goes too).
mkdir -p "$out"
rm -f "$out"/essc.1 "$out"/essc-*.1
cp "$tmp"/man/*.1 "$out"/
