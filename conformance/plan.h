/* SPDX-License-Identifier: MIT */
/*
 * The conformance plan: the vector files of a directory (docs/VECTORS.md)
 * loaded into tests the runner can play, each with its role, profile
 * constraints, setup steps and steps, plus each file's BLAKE2b-256 for the
 * certificate.  Loading is strict: a malformed file is an error naming the
 * file, the test and the member, never a half-loaded plan.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "model/std/stdcode.h"

G_BEGIN_DECLS

#define CONF_PLAN_ERROR (conf_plan_error_quark ())
/* The longest request text a step may give as its line (docs/VECTORS.md). */
#define CONF_PLAN_LINE_MAX 65536
GQuark conf_plan_error_quark (void);

/* One request and what it must give.  All fields public, owned by the plan. */
typedef struct {
  char *op;
  JsonObject *params;
  gboolean expect_ok;
  ModelStdCode expect_code;     /* expect_ok FALSE and no any_code: the code */
  GArray *any_codes;            /* of ModelStdCode, or NULL */
  JsonObject *expect_result;    /* subset the result must contain, or NULL */
  char *check;                  /* a named check of docs/VECTORS.md, or NULL */
  char *line;                   /* the request as text, sent instead of op and params
                                 * ("$id" marks the id), or NULL (docs/VECTORS.md) */
} ConfStep;

/* Frees a ConfStep (p may be NULL): as a GDestroyNotify for arrays of steps. */
void conf_step_free (gpointer p);

/* One test.  All fields public, owned by the plan. */
typedef struct {
  char *name;                   /* unique in the suite, e.g. "qr/replay-refused" */
  char *file;                   /* "qr.json" */
  gint64 tc_id;
  GStrv requirements;           /* ESSC-STD ids */
  char *comment;
  GStrv flags;
  char *result;                 /* "valid", "invalid", "acceptable" */
  char *role;                   /* "verifier", "channel", "platform" */
  JsonObject *profile;          /* the group's constraints */
  GPtrArray *setup;             /* ConfStep*, the group's (shared); first is reset */
  GPtrArray *steps;             /* ConfStep* */
} ConfTest;

typedef struct {
  char *name;                   /* file name, e.g. "qr.json" */
  char *blake2b;                /* hex of BLAKE2b-256 of the file's bytes */
} ConfVectorFile;

typedef struct {
  GPtrArray *tests;             /* ConfTest*, in file then document order */
  GPtrArray *files;             /* ConfVectorFile*, sorted by name */
} ConfPlan;

/* The largest vector file read. */
#define CONF_PLAN_MAX_FILE_BYTES (64 << 20)

/* Loads every *.json of dir.  Returns: (transfer full) or NULL with error. */
ConfPlan *conf_plan_load (const char *dir, GError **error);
void conf_plan_free (ConfPlan *plan);
/*
 * Parses one vector file's bytes (text, len bytes, not necessarily
 * NUL-terminated) as conf_plan_load parses each file it loads, with the
 * same checks and errors, path naming the file in them (each test's file
 * is its last component); no manifest is involved, so files is left
 * empty.  Returns: (transfer full) the plan of its tests, or NULL with
 * error.
 */
ConfPlan *conf_plan_parse_file (const char *path, const char *text, gsize len, GError **error);


/* The tests of one role.  Returns: (transfer container) ConfTest* of plan. */
GPtrArray *conf_plan_for_role (const ConfPlan *plan, const char *role);

/* The directory of the suite's vectors when none is given (--vectors):
 * the vectors part of the data root (base/datadir.h): the build tree's
 * conformance/vectors when essc runs from its build tree, else
 * BINDIR/../share/essc/vectors when that data root exists, else the
 * installed PREFIX/share/essc/vectors.  Returns: (transfer full). */
char *conf_plan_default_dir (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfPlan, conf_plan_free)

G_END_DECLS
