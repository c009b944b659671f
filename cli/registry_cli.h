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

/* essc registry token issue|revoke|list (cli/cmd_registry_token.c). */
int reg_cli_token (int argc, char **argv);

G_END_DECLS
