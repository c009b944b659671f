/* SPDX-License-Identifier: MIT */
/*
 * What essc's --help texts list, read by the tests of the man pages and of
 * the bash completion (tests/cli/test_man.c, test_completion.c) on their
 * own, so that a page or a completion that drifts from --help is caught:
 * the commands of `essc --help`, a command's subcommands and the options of
 * `essc CMD [SUB] --help`.  Each runs $ESSC_BIN; a --help that fails fails
 * the test.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The lines of `essc ARGS --help` (args NULL-terminated; NULL for essc's
 * own), as the C locale in UTF-8 prints them.  Returns: (transfer full) */
GStrv essc_test_help_lines (const char *const *args);

/* The commands of `essc --help`, in its order (the lines under
 * "Commands:").  Returns: (transfer full) names. */
GPtrArray *essc_test_help_commands (void);

/* The subcommands of `essc CMD --help`: the lines under "Subcommands:"
 * and the first word of each form of a usage line "essc CMD SUB ..." or
 * "essc CMD [OPTION...] SUB ... | SUB2 ...", once each, in order (none for
 * a command without).  Returns: (transfer full) names. */
GPtrArray *essc_test_help_subcommands (const char *cmd);

/* The options of `essc ARGS --help` (args NULL-terminated; none for essc's
 * own): every name of each option line ("-r, --replications=N" gives "-r"
 * and "--replications"); with long_only, the long names only.
 * Returns: (transfer full) names. */
GPtrArray *essc_test_help_options (const char *const *args, gboolean long_only);

/* TRUE when names holds name. */
gboolean essc_test_names_have (const GPtrArray *names, const char *name);

G_END_DECLS
