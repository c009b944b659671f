# SPDX-License-Identifier: MIT
# One man page of essc from its --help texts and its entry in
# tools/man-pages.txt (run by tools/gen-man.sh, which explains the inputs;
# docs/HACKING.md, "Man pages").  POSIX awk (Debian's mawk).
#
# Variables: cmd (the command; empty for essc(1) itself), summary (the
# command's line of 'essc --help'; for essc(1), the first sentence of the
# description), subs (the subcommands that have a --help of their own, in
# order), version, date, datadir, docdir.  Files: tools/man-pages.txt, then 'essc [CMD]
# --help', then 'essc CMD SUB --help' for each of subs.
#
# From a --help text it takes the synopsis (the lines of "Usage:"), the
# description (up to the first "... Options:" heading), the options (lines
# starting with "-" after two or more spaces: the option, two spaces, its
# text, which may go on in lines indented deeper) and the exit statuses (from "Exit status:" to the end of its
# paragraph).  The page: NAME, SYNOPSIS, DESCRIPTION, [COMMANDS |
# SUBCOMMANDS], OPTIONS, EXIT STATUS, FILES, EXAMPLES, SEE ALSO.  A missing
# part is an error (exit 2) naming what lacks it.

function fail(msg) {
  printf "gen-man: %s\n", msg > "/dev/stderr"
  failed = 1
  exit 2
}

function trim(s) {
  sub(/^[ \t]+/, "", s)
  sub(/[ \t]+$/, "", s)
  return s
}

# Text made safe for roff: backslashes shown as such, every hyphen a
# minus sign (copied from the page, an option still works), and a line
# starting with a control character (. or ') kept as text.
function esc(s) {
  gsub(/\\/, "\\e", s)
  gsub(/-/, "\\-", s)
  if (s ~ /^[.']/)
    s = "\\&" s
  return s
}

# Several lines of text (separated by \n), each escaped.
function esc_lines(s,    n, a, i, out) {
  n = split(s, a, "\n")
  out = ""
  for (i = 1; i <= n; i++)
    out = out (i > 1 ? "\n" : "") esc(a[i])
  return out
}

function place(s) {
  gsub(/@DATADIR@/, datadir, s)
  gsub(/@DOCDIR@/, docdir, s)
  return s
}

# "-r, --replications=N" as bold names and an italic argument.
function opt_tag(spec,    n, a, i, out, name, arg, at) {
  n = split(spec, a, /, /)
  out = ""
  for (i = 1; i <= n; i++) {
    at = index(a[i], "=")
    name = at ? substr(a[i], 1, at - 1) : a[i]
    arg = at ? substr(a[i], at + 1) : ""
    out = out (i > 1 ? ", " : "") "\\fB" esc(name) "\\fR"
    if (at)
      out = out "=\\fI" esc(arg) "\\fR"
  }
  return out
}

# A synopsis line: its leading literal words (essc, the command, the
# subcommand) bold, the rest as written.
function synopsis(line,    n, a, i, lead, rest) {
  n = split(line, a, / /)
  lead = ""
  for (i = 1; i <= n && a[i] ~ /^[a-z][-a-z0-9]*$/; i++)
    lead = lead (lead == "" ? "" : " ") a[i]
  rest = ""
  for (; i <= n; i++)
    rest = rest (rest == "" ? "" : " ") a[i]
  print ".br"
  print "\\fB" esc(lead) "\\fR" (rest == "" ? "" : " " esc(rest))
}

# ---- tools/man-pages.txt: the FILES, EXAMPLES and SEE ALSO of each page --

FNR == 1 { file++ }

file == 1 {
  if ($0 ~ /^#/ || $0 ~ /^[ \t]*$/)
    next
  if ($0 ~ /^\[[a-z][-a-z0-9]*\]$/) {
    section = substr($0, 2, length($0) - 2)
    mine = section == (cmd == "" ? "essc" : cmd)
    if (mine)
      found = 1
    what = ""
    next
  }
  if (!mine)
    next
  if ($0 ~ /^  /) {
    line = substr($0, 3)
    if (what == "file")
      ftext[nfiles] = ftext[nfiles] (ftext[nfiles] == "" ? "" : "\n") place(line)
    else if (what == "example")
      excmd[nex] = excmd[nex] (excmd[nex] == "" ? "" : "\n") place(line)
    else
      fail(FILENAME ":" FNR ": an indented line outside a file or example entry")
    next
  }
  key = $1
  rest = trim(substr($0, length($1) + 1))
  if (key == "file") {
    ftag[++nfiles] = place(rest)
    what = "file"
  } else if (key == "example") {
    excap[++nex] = rest
    what = "example"
  } else if (key == "see") {
    see = see (see == "" ? "" : " ") rest
    what = ""
  } else if (key == "doc") {
    docs = docs (docs == "" ? "" : " ") rest
    what = ""
  } else
    fail(FILENAME ":" FNR ": expected [COMMAND], file, example, see or doc, got '" key "'")
  next
}

# ---- the --help texts: k = 0 the command's, 1.. its subcommands' ----------

FNR == 1 { k = file - 2; state = "start" }

state == "start" && /^Usage:/ {
  rest = trim(substr($0, 7))
  if (rest != "")
    syn[k, ++nsyn[k]] = rest
  state = "usage"
  next
}
state == "start" { fail(FILENAME ": no 'Usage:' line") }

state == "usage" && /^ +essc( |$)/ { syn[k, ++nsyn[k]] = trim($0); next }
state == "usage" && /^[ \t]*$/ { state = "desc"; next }
state == "usage" { fail(FILENAME ": unexpected line after the usage: " $0) }

/^([A-Z][A-Za-z ]* )?Options:$/ { state = "options"; next }
state == "options" && /^  +-/ {
  line = trim($0)
  at = index(line, "  ")
  ospec[k, ++nopt[k]] = at ? substr(line, 1, at - 1) : line
  otext[k, nopt[k]] = at ? trim(substr(line, at)) : ""
  next
}
# a line of an option's text that goes on under it, indented deeper
state == "options" && /^   +[^ -]/ && nopt[k] > 0 {
  otext[k, nopt[k]] = otext[k, nopt[k]] " " trim($0)
  next
}
state == "options" && /^[ \t]*$/ { next }
{ state = "desc"; desc[k, ++ndesc[k]] = $0 }

# ---- the page ------------------------------------------------------------

# The description of help text k; the exit statuses (the text from "Exit
# status:" to the end of its paragraph) go to exit_text[k] instead, and the
# command list of essc --help to COMMANDS.
function description(k,    i, line, at, verbatim, in_exit, in_commands, para) {
  verbatim = 0
  in_exit = 0
  in_commands = 0
  para = 0
  for (i = 1; i <= ndesc[k]; i++) {
    line = desc[k, i]
    if (line ~ /^[ \t]*$/) {
      if (verbatim) { print ".fi"; print ".RE"; verbatim = 0 }
      in_exit = 0
      in_commands = 0
      para = 0
      continue
    }
    if (in_exit) {
      exit_text[k] = exit_text[k] " " trim(line)
      continue
    }
    if (cmd == "" && line == "Commands:") {
      in_commands = 1
      continue
    }
    if (in_commands) {
      line = trim(line)
      at = index(line, " ")
      cmd_name[++ncmd] = substr(line, 1, at - 1)
      cmd_summary[ncmd] = trim(substr(line, at))
      continue
    }
    if (line ~ /^ /) {
      if (!verbatim) {
        if (!para) { print ".PP"; para = 1 }
        print ".RS 2"
        print ".nf"
        verbatim = 1
      }
      print esc(substr(line, 3))
      continue
    }
    if (verbatim) { print ".fi"; print ".RE"; verbatim = 0 }
    at = index(line, "Exit status:")
    if (at) {
      exit_text[k] = trim(substr(line, at + 12))
      in_exit = 1
      line = trim(substr(line, 1, at - 1))
      if (line == "")
        continue
    }
    if (!para) { print ".PP"; para = 1 }
    print esc(line)
  }
  if (verbatim) { print ".fi"; print ".RE" }
}

function option_list(k, skip,    i) {
  for (i = 1; i <= nopt[k]; i++) {
    if (skip && common[ospec[k, i] SUBSEP otext[k, i]])
      continue
    print ".TP"
    print opt_tag(ospec[k, i])
    print esc(otext[k, i])
  }
}

# "0 done, 2 usage error, 3 internal error": one entry per status.
function exit_list(text,    n, parts, seps, i, s) {
  gsub(/[,;] [0-9] /, "\001&", text)
  n = split(text, parts, /\001[,;] /)
  if (parts[1] !~ /^[0-9] /)
    fail("essc " cmd " --help: 'Exit status:' is not followed by a status: " text)
  for (i = 1; i <= n; i++) {
    s = trim(parts[i])
    print ".TP"
    print "\\fB" substr(s, 1, 1) "\\fR"
    s = trim(substr(s, 2))
    sub(/[.;,]$/, "", s)
    print esc(s)
  }
}

END {
  if (failed)
    exit 2
  page = cmd == "" ? "essc" : "essc-" cmd
  if (!found)
    fail("tools/man-pages.txt has no [" (cmd == "" ? "essc" : cmd) "] entry")
  if (nfiles == 0)
    fail("tools/man-pages.txt: [" (cmd == "" ? "essc" : cmd) "] has no file entry")
  if (nex == 0)
    fail("tools/man-pages.txt: [" (cmd == "" ? "essc" : cmd) "] has no example entry")
  nsub = split(subs, sub_name, / /)
  if (file - 2 != nsub)
    fail("expected " nsub + 1 " help texts, got " file - 1)

  if (summary == "") {
    for (i = 1; i <= ndesc[0] && desc[0, i] !~ /^[ \t]*$/; i++)
      summary = summary (summary == "" ? "" : " ") trim(desc[0, i])
    sub(/ \(.*$/, "", summary)
    sub(/\.$/, "", summary)
    summary = tolower(substr(summary, 1, 1)) substr(summary, 2)
  }
  print ".\\\" Generated by tools/gen-man.sh from 'essc " (cmd == "" ? "" : cmd " ") "--help' and"
  print ".\\\" tools/man-pages.txt (docs/HACKING.md, \"Man pages\"); do not edit."
  print ".TH \"" toupper(esc(page)) "\" \"1\" \"" date "\" \"essc " version "\" \"essc manual\""
  print ".nh"
  print ".ad l"
  print ".SH NAME"
  print esc(page) " \\- " esc(summary)
  print ".SH SYNOPSIS"
  if (nsyn[0] == 0)
    fail("essc " cmd " --help: no synopsis")
  for (i = 1; i <= nsyn[0]; i++)
    synopsis(syn[0, i])
  print ".SH DESCRIPTION"
  description(0)
  if (exit_text[0] == "")
    fail("essc " cmd " --help has no 'Exit status:' paragraph")

  if (cmd == "") {
    print ".SH COMMANDS"
    print "Each command has its page, essc\\-COMMAND(1), and its \\fB\\-\\-help\\fR."
    if (ncmd == 0)
      fail("essc --help lists no commands")
    for (i = 1; i <= ncmd; i++) {
      print ".TP"
      print "\\fBessc " esc(cmd_name[i]) "\\fR"
      print esc(cmd_summary[i]) " (\\fBessc\\-" esc(cmd_name[i]) "\\fR(1))"
    }
  }

  if (nsub > 0) {
    print ".SH SUBCOMMANDS"
    for (s = 1; s <= nsub; s++) {
      print ".SS \"essc " esc(cmd) " " esc(sub_name[s]) "\""
      for (i = 1; i <= nsyn[s]; i++)
        synopsis(syn[s, i])
      description(s)
      if (exit_text[s] != "") {
        print ".PP"
        print "Exit status: " esc(exit_text[s])
      }
    }
    # The options every subcommand has, alike, are listed once.
    for (i = 1; i <= nopt[1]; i++) {
      o = ospec[1, i] SUBSEP otext[1, i]
      n = 0
      for (s = 1; s <= nsub; s++)
        for (j = 1; j <= nopt[s]; j++)
          if (ospec[s, j] SUBSEP otext[s, j] == o) { n++; break }
      if (n == nsub && nsub > 1)
        common[o] = 1
    }
  }

  print ".SH OPTIONS"
  option_list(0, 0)
  if (nsub > 0) {
    if (nsub > 1) {
      print ".SS \"Options of every subcommand\""
      for (i = 1; i <= nopt[1]; i++)
        if (common[ospec[1, i] SUBSEP otext[1, i]]) {
          print ".TP"
          print opt_tag(ospec[1, i])
          print esc(otext[1, i])
        }
    }
    for (s = 1; s <= nsub; s++) {
      n = 0
      for (i = 1; i <= nopt[s]; i++)
        if (!common[ospec[s, i] SUBSEP otext[s, i]])
          n++
      if (n == 0)
        continue
      print ".SS \"Options of essc " esc(cmd) " " esc(sub_name[s]) "\""
      option_list(s, 1)
    }
  }

  print ".SH EXIT STATUS"
  exit_list(exit_text[0])

  print ".SH FILES"
  for (i = 1; i <= nfiles; i++) {
    print ".TP"
    print "\\fI" esc(ftag[i]) "\\fR"
    print esc_lines(ftext[i])
  }

  print ".SH EXAMPLES"
  for (i = 1; i <= nex; i++) {
    print ".PP"
    print esc(excap[i])
    if (excmd[i] != "") {
      print ".PP"
      print ".RS 4"
      print ".nf"
      print esc_lines(excmd[i])
      print ".fi"
      print ".RE"
    }
  }

  print ".SH SEE ALSO"
  n = 0
  if (cmd == "")
    for (i = 1; i <= ncmd; i++)
      also[++n] = "essc-" cmd_name[i]
  else
    also[++n] = "essc"
  m = split(see, extra, / /)
  for (i = 1; i <= m; i++)
    also[++n] = extra[i]
  for (i = 1; i <= n; i++)
    print ".BR " esc(also[i]) " (1)" (i < n ? "," : "")
  m = split(docs, doc, / /)
  if (m > 0)
    print ".PP"
  for (i = 1; i <= m; i++)
    print (i > 1 ? ".br\n" : "") "\\fI" esc(docdir "/docs/" doc[i]) "\\fR"
}
