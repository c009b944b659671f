/* SPDX-License-Identifier: MIT */
/*
 * The fixture of the registry's tests (tests/registry/): a registry in a
 * temporary directory with the issuer's and a channel's keys (made by essc
 * keygen), `essc registry SUB --db DB --now TIME ...` run as $ESSC_BIN
 * under a deadline (tests/lib/report_fixture.h's fixture_run), test and
 * renew with the suite's vectors (--vectors $ESSC_SRCDIR/conformance/vectors
 * unless the test names others), the reference channel
 * as the implementation, clean or with a fault, the exit status and a
 * phrase of the output asserted, raw SQL on the file (as an intruder would
 * run it), snapshots of files to prove that nothing was written, and a page
 * opened in headless Chromium (its DOM).  A failed step aborts the test.
 */
#pragma once

#include <glib.h>

#include "model/std/keypair.h"
#include "tests/lib/report_fixture.h"

G_BEGIN_DECLS

/* Public, read-only.  Paths in dir. */
typedef struct {
  char *dir, *db, *iss_key, *iss_pub, *ch_pub, *ch2_pub, *vectors;
  guint8 iss_pk[MODEL_KEY_PAIR_PK_LEN];
} RegFx;

/* A fresh directory with the keys (no registry yet: rfx_init_registry). */
void rfx_new (RegFx *f, const char *name);
void rfx_free (RegFx *f);

/* Unix seconds of 2020-06-01T00:00:00Z plus minutes, as the --now text. */
char *rfx_at (int minutes);

/* Runs `essc registry SUB --db f->db --now AT ARGS...` (test and renew:
 * with --vectors f->vectors unless ARGS has --vectors). */
void rfx_reg (RegFx *f, FixtureRun *r, const char *sub, int minutes, ...)
    G_GNUC_NULL_TERMINATED;
/* Runs `essc ARGS...`. */
void rfx_essc (RegFx *f, FixtureRun *r, ...) G_GNUC_NULL_TERMINATED;

/* Aborts unless r exited code and (part not NULL) stdout or stderr holds
 * part; clears r. */
void rfx_expect (FixtureRun *r, int code, const char *part);

/* The reference channel's command line, with fault (NULL: clean). */
char *rfx_impl (const char *fault);

/* `registry init` at minute 0, then `apply` of id (tier 1, class social,
 * ch_pub) with impl fault (NULL: clean), at minute 1. */
void rfx_init_registry (RegFx *f, const char *id, const char *name, const char *fault);

/* Runs sql on path through a connection of its own. */
void rfx_sql (const char *path, const char *sql);
/* The first column of the first row, as text (NULL: SQL NULL). */
char *rfx_sql_text (const char *path, const char *sql);

/* Returns: (transfer full) the bytes of path ("" when missing), and of
 * every file of a directory, names and bytes, in name order. */
GBytes *rfx_snapshot (const char *path);

/* Opens path in headless Chromium; returns: (transfer full) its DOM. */
char *rfx_chromium_dom (RegFx *f, const char *path);

G_END_DECLS
