/* SPDX-License-Identifier: MIT */
/*
 * The service's HTML building blocks (essc serve, docs/SERVE.md "Pages"):
 * the page frame (doctype, <html lang="zh-CN">, UTF-8, the header naming
 * the service and who is logged in with the logout form, the navigation,
 * main, the footer), escaped text, forms that always carry the session's
 * hidden `csrf` field, and tables whose rows carry data-key and cells
 * data-col (as reports/html.h writes them, so a test reads them back).
 *
 * Every text a caller passes is escaped here (& < > " ' become entities;
 * bytes that are not UTF-8 become U+FFFD; NULL is the empty text): a caller
 * never appends data to the page itself.  The page refers only to
 * /static/style.css and /static/live.js (serve/static.h): no inline style
 * or script, as the Content-Security-Policy forbids them.  Pure functions
 * appending to a GString: no I/O, no clock.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* ---- text ----------------------------------------------------------------- */

/* Appends text escaped for HTML text and attribute values (quoted with ").
 * NULL appends nothing; invalid UTF-8 is replaced (g_utf8_make_valid). */
void serve_html_escape (GString *out, const char *text);
/* The same with printf-style formatting of the text before escaping. */
void serve_html_escapef (GString *out, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
/* A time (Unix seconds) as "2024-05-01 08:00:00 UTC"; 0 gives "–". */
void serve_html_time (GString *out, gint64 t);
/* The day of a time, "2024-05-01" (UTC); 0 gives "–". */
void serve_html_date (GString *out, gint64 t);

/* ---- the frame -------------------------------------------------------------- */

/* What the frame shows.  Borrowed. */
typedef struct {
  const char *title;       /* the page's own title (the <title> and the <h1>) */
  const char *who;         /* the logged-in actor ("vendor:acme", "staff:li"), or NULL */
  gboolean staff;          /* the navigation shows the staff pages */
  const char *csrf;        /* the session's CSRF token (the logout form), or NULL */
  gboolean refresh;        /* <meta http-equiv="refresh" content="2"> inside
                              <noscript>: a page that follows a run where scripts
                              do not run (live.js does where they do) */
  gboolean live;           /* loads /static/live.js (a run page) */
} ServePageFrame;

/* Appends everything up to and including <main>. */
void serve_page_begin (GString *out, const ServePageFrame *frame);
/* Closes main, the footer, body and html. */
void serve_page_end (GString *out);

/* Returns: (transfer full) a whole page whose main holds one message
 * (an error page: the status, e.g. 404, and the message). */
char *serve_page_message (const ServePageFrame *frame, guint status, const char *message);

/* A message box: kind "error" (role="alert") or "notice". */
void serve_html_message (GString *out, const char *kind, const char *text);

/* ---- forms -------------------------------------------------------------------- */

/* <form method="post" action=ACTION [id=ID] [class=CLASS]> and the hidden
 * csrf field (an empty value when csrf is NULL: the server refuses it). */
void serve_form_begin (GString *out, const char *action, const char *id, const char *klass,
                       const char *csrf);
void serve_form_end (GString *out);

/* A labelled <input>: type "text", "url", "number", "password"...; value
 * may be NULL.  id and name are ASCII names chosen by the caller. */
void serve_form_input (GString *out, const char *id, const char *name, const char *type,
                       const char *label, const char *value, gboolean required);
/* A labelled <textarea>. */
void serve_form_textarea (GString *out, const char *id, const char *name, const char *label,
                          const char *value, guint rows, gboolean required);
/* A labelled <select> of n options: values[i] shown as labels[i] (labels
 * NULL: the values); the one equal to selected (may be NULL) is selected. */
void serve_form_select (GString *out, const char *id, const char *name, const char *label,
                        const char *const *values, const char *const *labels, gsize n,
                        const char *selected);
/* <button type="submit" id=ID [class=CLASS]>LABEL</button> (id may be NULL). */
void serve_form_button (GString *out, const char *id, const char *klass, const char *label);

/* ---- tables ---------------------------------------------------------------------- */

/* <table id=ID> with an optional caption and the headings; cols as pairs
 * (key, heading), NULL-terminated; a key starting with "#" is a number
 * column (right-aligned; "#" not part of the key). */
void serve_table_begin (GString *out, const char *id, const char *caption, ...)
    G_GNUC_NULL_TERMINATED;
/* <tr data-key=KEY>; key may be NULL. */
void serve_table_row (GString *out, const char *key);
/* A text cell (data-col=COL). */
void serve_table_cell (GString *out, const char *col, const char *text);
/* A number cell with data-value. */
void serve_table_num (GString *out, const char *col, gint64 value);
/* A cell holding a link to href with text. */
void serve_table_link (GString *out, const char *col, const char *href, const char *text);
/* Opens a cell whose content the caller appends (escaped), then
 * serve_table_cell_end. */
void serve_table_cell_begin (GString *out, const char *col, const char *klass);
void serve_table_cell_end (GString *out);
void serve_table_row_end (GString *out);
void serve_table_end (GString *out);

/* ---- reading the actions' JSON ---------------------------------------------------- */

/* A member of o (o may be NULL): the string, or NULL when missing, null or
 * not a string. */
const char *serve_json_str (JsonObject *o, const char *member);
/* The integer, or 0 when missing, null or not an integer. */
gint64 serve_json_int (JsonObject *o, const char *member);
/* The boolean, or FALSE when missing or not a boolean. */
gboolean serve_json_bool (JsonObject *o, const char *member);
/* The object / array, or NULL.  (transfer none) */
JsonObject *serve_json_obj (JsonObject *o, const char *member);
JsonArray *serve_json_arr (JsonObject *o, const char *member);
/* Element i of a as an object, or NULL.  (transfer none) */
JsonObject *serve_json_elem (JsonArray *a, guint i);

/* ---- words --------------------------------------------------------------------- */

/* The class of a verdict word or a run state, for colour: "v-pass",
 * "v-fail", "v-skip", "v-not_implemented", "v-waived", "v-not_run",
 * "s-queued", "s-running", "s-conformant", "s-not-conformant", "s-error",
 * "s-interrupted"; "" for anything else.  Static. */
const char *serve_html_verdict_class (const char *word);

G_END_DECLS
