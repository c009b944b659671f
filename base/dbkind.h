/* SPDX-License-Identifier: MIT */
/*
 * The kinds of database essc writes, and how a file is told to be one: each
 * kind's PRAGMA application_id, its name in messages, and the one rule for
 * whether a command may replace or add to an existing file (docs/RUNDB.md,
 * "Which file is which").
 *
 * The e-card store keeps the application id ESSC-STD 10.1 gives it ("ESSC").
 * The program's own databases have one each: a run database "ESRN", a sweep
 * "ESSW", a calibration "ESCA", conformance runs "ESCF", the channel registry
 * "ESRG", a sensitivity analysis "ESSA", the certification service's runs "ESSV".  Files written before the kinds had their own ids carry "ESSC";
 * such a file is told by its tables.  Opens files read-only; never writes.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  BASE_DB_NEW,          /* no file, a 0-byte file, or an SQLite file with no table and id 0 */
  BASE_DB_STORE,        /* an e-card store (essc demo --db; ESSC-STD section 10) */
  BASE_DB_RUN,          /* a run database (essc sim) */
  BASE_DB_SWEEP,        /* a sweep database (essc sweep) */
  BASE_DB_CALIBRATION,  /* a calibration database (essc calibrate, essc backtest) */
  BASE_DB_CONFORMANCE,  /* conformance runs and certificates (essc conform --db) */
  BASE_DB_REGISTRY,     /* the channel registry (essc registry) */
  BASE_DB_SENSITIVITY,  /* a sensitivity analysis (essc sensitivity) */
  BASE_DB_SERVE,        /* the certification service's runs (essc serve) */
  BASE_DB_FOREIGN,      /* an SQLite file of another program, or of no kind essc knows */
  BASE_DB_UNREADABLE,   /* not a regular file, not SQLite, damaged, or cannot be read */
} BaseDbKind;

#define BASE_DB_ID_STORE       0x45535343   /* "ESSC" */
#define BASE_DB_ID_RUN         0x4553524e   /* "ESRN" */
#define BASE_DB_ID_SWEEP       0x45535357   /* "ESSW" */
#define BASE_DB_ID_CALIBRATION 0x45534341   /* "ESCA" */
#define BASE_DB_ID_CONFORMANCE 0x45534346   /* "ESCF" */
#define BASE_DB_ID_REGISTRY    0x45535247   /* "ESRG" */
#define BASE_DB_ID_SENSITIVITY 0x45535341   /* "ESSA" */
#define BASE_DB_ID_SERVE       0x45535356   /* "ESSV" */

/* The PRAGMA application_id a kind writes (0 for NEW, FOREIGN, UNREADABLE). */
gint32 base_db_kind_application_id (BaseDbKind kind);

/* The kind's one-word name, for machines (essc export's JSON, --list):
 * "new", "store", "run", "sweep", "calibration", "conformance",
 * "registry", "sensitivity", "serve", "foreign", "unreadable". */
const char *base_db_kind_name (BaseDbKind kind);

/* "an e-card store (essc demo --db)", "a run database (essc sim)", ... */
const char *base_db_kind_describe (BaseDbKind kind);

/*
 * What the file at path is.  Its application id decides; an old file with
 * the store's id "ESSC" is told by its tables (ecard or part: a store; run:
 * a run database; sweep; calibration; conformance_run alone: conformance
 * runs; none: NEW; others: FOREIGN).  *detail (may be NULL) gets (transfer
 * full) what was found, for messages: "application_id 0x..., tables a, b"
 * or the reason it could not be read; NULL for NEW.
 */
BaseDbKind base_db_identify (const char *path, char **detail);

/*
 * TRUE when a command writing a database of kind may write path: path is
 * NEW or of kind; with also (may be BASE_DB_NEW: none) a second kind that
 * may hold the file too (conformance runs added to a run database).
 * Otherwise FALSE with error (domain, code) "PATH: exists and is DESCRIPTION
 * (DETAIL), not WANTED: not written".
 */
gboolean base_db_may_write (const char *path, BaseDbKind kind, BaseDbKind also, GQuark domain,
                            gint code, GError **error);

G_END_DECLS
