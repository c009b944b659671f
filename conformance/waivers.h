/* SPDX-License-Identifier: MIT */
/*
 * A waivers file turns named test failures into expected ones, for a channel
 * gating its CI on the suite while a known defect is being fixed.  Format:
 * one waiver a line, `TEST-NAME reason...`; blank lines and lines starting
 * with '#' are ignored.  A waiver whose test does not exist, or no longer
 * fails, is itself a failure: the runner reports it, so waivers cannot rot.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CONF_WAIVERS_ERROR (conf_waivers_error_quark ())
GQuark conf_waivers_error_quark (void);

/* One waiver.  All fields public. */
typedef struct {
  char *test;        /* test name */
  char *reason;      /* free text, may be "" */
  int line;          /* line in the file */
  gboolean matched;  /* a test of that name ran */
  gboolean used;     /* ... and failed, so the waiver was applied */
} ConfWaiver;

typedef struct {
  char *path;
  GPtrArray *waivers;  /* ConfWaiver* in file order */
} ConfWaivers;

/* Reads path; errors name FILE:LINE.  Returns: (transfer full) or NULL. */
ConfWaivers *conf_waivers_load (const char *path, GError **error);
void conf_waivers_free (ConfWaivers *waivers);

/* Returns: (transfer none) (nullable) the waiver for test. */
ConfWaiver *conf_waivers_find (ConfWaivers *waivers, const char *test);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfWaivers, conf_waivers_free)

G_END_DECLS
