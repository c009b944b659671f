/* SPDX-License-Identifier: MIT */
/*
 * What the files of `essc registry` share (cli/cmd_registry.c, which
 * defines these, and cli/cmd_registry_token.c): the options every
 * subcommand has (--db, --now, --actor), their parsing into a RegCtx, and
 * the printing of errors with the exit status of their code.  Private to
 * cli/.
 */
#pragma once

#include <glib.h>

#include "registry/lifecycle.h"

G_BEGIN_DECLS

/* The common options' values.  All fields public. */
typedef struct {
  char *db, *now, *actor;
} RegCliCommon;

void reg_cli_common_clear (RegCliCommon *c);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RegCliCommon, reg_cli_common_clear)

/* Parses argv with entries and the common options ("registry SUB" names
 * the command in messages); checks --db and --now and fills ctx.  FALSE
 * (the caller exits 2) after printing the error. */
gboolean reg_cli_parse (int *argc, char ***argv, const char *sub, const char *parameter,
                        const char *summary, const GOptionEntry *entries, RegCliCommon *c,
                        RegCtx *ctx);
/* FALSE after a usage error when value is NULL or empty. */
gboolean reg_cli_need (const char *sub, const char *value, const char *option);
/* Prints error ("essc registry SUB: ...") and returns its exit status. */
int reg_cli_error (const char *sub, const GError *error);
/* Returns: (transfer full) t as YYYY-MM-DDTHH:MM:SSZ. */
char *reg_cli_utc (gint64 t);
/* Returns: (transfer full) untrusted text, printable and bounded. */
char *reg_cli_shown (const char *s);

/* A subcommand of `essc registry` or `essc registry token`. */
typedef struct {
  const char *name, *summary;
  int (*run) (int argc, char **argv);
} RegCliSub;

/*
 * Runs the subcommand argv[1] of command ("registry", "registry token") from
 * subs (n of them).  No subcommand: the help on standard error, exit 2;
 * --help, -h or help: the help on standard output, exit 0; an unknown one: a
 * usage error.  The help is head, a line per subcommand, then tail.
 */
int reg_cli_dispatch (const char *command, int argc, char **argv, const RegCliSub *subs,
                      gsize n, const char *head, const char *tail);

/* essc registry token issue|revoke|list (cli/cmd_registry_token.c). */
int reg_cli_token (int argc, char **argv);

G_END_DECLS
