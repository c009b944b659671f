/* SPDX-License-Identifier: MIT */
/*
 * essc --version (cli/version.c): the version, the build's options, the
 * libraries' versions and the data root the program would use.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Prints the version lines to stdout. */
void essc_cli_print_version (void);

G_END_DECLS
