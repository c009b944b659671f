/* SPDX-License-Identifier: MIT */
/*
 * Pieces the renderers of views.c (the vendor's pages) and views_staff.c
 * (the staff's) share: a page started and finished, a run's state as a
 * coloured word, a channel's status and certificate.  Private to serve/.
 */
#pragma once

#include "serve/views.h"

G_BEGIN_DECLS

/* A new page with the frame begun; serve_view_finish ends it and returns
 * (transfer full) its text. */
GString *serve_view_start (const ServePageFrame *frame);
char *serve_view_finish (GString *out);

/* <span [id=ID] class="state s-...">STATE</span> (id may be NULL). */
void serve_view_state (GString *out, const char *id, const char *state);
/* A run (may be NULL: "–") as a link "#N" and its state. */
void serve_view_run_link (GString *out, JsonObject *run);
/* A channel's status in Chinese and English with data-status. */
void serve_view_status (GString *out, const char *status);
/* A channel's certificate object (may be NULL: "–"): serial, validity
 * (days only when dates, else times), revoked or not in force. */
void serve_view_certificate (GString *out, JsonObject *cert, gboolean dates);
/* A class: its Chinese name and wire name. */
void serve_view_class (GString *out, const char *klass);

G_END_DECLS
