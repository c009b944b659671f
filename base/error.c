/* SPDX-License-Identifier: MIT */
/*
 * The functions of base/error.h.
 */
#include "base/error.h"


/* ---- errors ------------------------------------------------------------ */

gboolean
base_fail (GError **error, GQuark domain, gint code, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (error, domain, code, msg);
  return FALSE;
}

gboolean
base_fail_wrap (GError **error, GQuark domain, const char *prefix, GError *inner)
{
  g_return_val_if_fail (inner != NULL, FALSE);
  g_set_error (error, domain, inner->code, "%s%s", prefix != NULL ? prefix : "",
               inner->message);
  g_error_free (inner);
  return FALSE;
}

