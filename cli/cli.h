/* SPDX-License-Identifier: MIT */
/*
 * The essc front: exit statuses shared by every subcommand, the subcommand
 * table entry type, and the option parsing and usage errors they share
 * (untrusted text is shown with base_text_printable, base/text.h).
 *
 * Exit statuses: 0 success, 1 the checked thing failed (a non-conformant
 * implementation, an invalid ID), 2 usage or input error (message on stderr
 * naming what was wrong), 3 internal error.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

enum {
  ESSC_EXIT_OK = 0,
  ESSC_EXIT_FAILED = 1,
  ESSC_EXIT_USAGE = 2,
  ESSC_EXIT_INTERNAL = 3,
};

/* A subcommand: argv[0] is the subcommand's name; returns an exit status. */
typedef int (*EsscCommandFn) (int argc, char **argv);

typedef struct {
  const char *name;
  const char *summary;
  EsscCommandFn run;
} EsscCommand;

/* The subcommands, in the order --help lists them. */
int essc_cmd_id (int argc, char **argv);
int essc_cmd_demo (int argc, char **argv);
int essc_cmd_bench (int argc, char **argv);
int essc_cmd_store (int argc, char **argv);
int essc_cmd_sim (int argc, char **argv);
int essc_cmd_sweep (int argc, char **argv);
int essc_cmd_sensitivity (int argc, char **argv);
int essc_cmd_calibrate (int argc, char **argv);
int essc_cmd_backtest (int argc, char **argv);
int essc_cmd_report (int argc, char **argv);
int essc_cmd_compare (int argc, char **argv);
int essc_cmd_export (int argc, char **argv);
int essc_cmd_scenario (int argc, char **argv);
/* conformance: impl */
int essc_cmd_impl (int argc, char **argv);
/* conformance: vectors */
int essc_cmd_vectors (int argc, char **argv);
/* conformance: keygen, cert */
int essc_cmd_keygen (int argc, char **argv);
int essc_cmd_cert (int argc, char **argv);
/* conformance: conform, selftest */
int essc_cmd_conform (int argc, char **argv);
int essc_cmd_selftest (int argc, char **argv);
/* conformance: fuzz */
int essc_cmd_fuzz (int argc, char **argv);
/* the registry of channels and certificates */
int essc_cmd_registry (int argc, char **argv);
int essc_cmd_serve (int argc, char **argv);

/*
 * Parses argv with a GOptionContext built from entries; on a bad option
 * prints "essc CMD: message" and a hint to stderr and returns FALSE (the
 * caller exits 2).  parameter is the usage text after the command name,
 * summary the paragraph --help shows.
 */
gboolean essc_cli_parse (int *argc, char ***argv, const char *command,
                         const char *parameter, const char *summary,
                         const GOptionEntry *entries);

/* Prints text to stdout padded with spaces to width terminal columns and
 * one more (a CJK character takes two columns). */
void essc_cli_print_padded (const char *text, int width);

/*
 * The data directory searched for a scenario's data files that are not
 * beside it (base/datadir.h): given (a command's --data-dir) when not NULL,
 * else the build tree's scenarios/ or the installed one.  NULL, with a
 * usage error printed, when given is not a directory.
 * Returns: (transfer full)
 */
char *essc_cli_data_dir (const char *command, const char *given);

/* The help text of --data-dir, the same for every command that loads scenarios. */
#define ESSC_CLI_DATA_DIR_HELP \
  "look for a scenario's data files that are not beside it in DIR (default: the build " \
  "tree's scenarios/ when essc runs from its build tree, else BINDIR/../share/essc/scenarios " \
  "when that exists, else the installed PREFIX/share/essc/scenarios; essc --version shows " \
  "which)"

/* The help text of --vectors, the same for every command that reads the
 * conformance suite's vector files. */
#define ESSC_CLI_VECTORS_HELP \
  "directory of the vector files (default: the suite's own: the build tree's " \
  "conformance/vectors when essc runs from its build tree, else " \
  "BINDIR/../share/essc/vectors when that exists, else the installed " \
  "PREFIX/share/essc/vectors; essc --version shows which)"

/*
 * Prints "essc CMD: vectors: message" to stderr for the vector set in dir
 * that did not load; when none was given (given NULL: dir is the suite's
 * own), "no such folder" when dir is missing, and a second line saying
 * where the set was looked for and how to name another (--vectors DIR).
 */
void essc_cli_vectors_error (const char *command, const char *given, const char *dir,
                             const GError *error);

/* Prints a usage error "essc CMD: message" to stderr; returns ESSC_EXIT_USAGE. */
int essc_cli_usage_error (const char *command, const char *format, ...)
    G_GNUC_PRINTF (2, 3);

G_END_DECLS
