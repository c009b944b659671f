/* SPDX-License-Identifier: MIT */
/*
 * Telling essc's database kinds apart (see dbkind.h).
 */
#include "base/dbkind.h"

#include "base/error.h"

#include <sqlite3.h>
#include <sys/stat.h>

static const struct {
  gint32 id;
  const char *name;
  const char *describe;
} KINDS[] = {
  [BASE_DB_NEW]         = { 0, "new", "a new database" },
  [BASE_DB_STORE]       = { BASE_DB_ID_STORE, "store", "an e-card store (essc demo --db)" },
  [BASE_DB_RUN]         = { BASE_DB_ID_RUN, "run", "a run database (essc sim)" },
  [BASE_DB_SWEEP]       = { BASE_DB_ID_SWEEP, "sweep", "a sweep database (essc sweep)" },
  [BASE_DB_CALIBRATION] = { BASE_DB_ID_CALIBRATION, "calibration", "a calibration database "
                                                                   "(essc calibrate)" },
  [BASE_DB_CONFORMANCE] = { BASE_DB_ID_CONFORMANCE, "conformance", "a database of conformance "
                                                                   "runs (essc conform --db)" },
  [BASE_DB_REGISTRY]    = { BASE_DB_ID_REGISTRY, "registry", "a channel registry (essc "
                                                             "registry)" },
  [BASE_DB_SENSITIVITY] = { BASE_DB_ID_SENSITIVITY, "sensitivity", "a sensitivity database "
                                                                   "(essc sensitivity)" },
  [BASE_DB_SERVE]       = { BASE_DB_ID_SERVE, "serve", "the runs of the certification "
                                                     "service (essc serve)" },
  [BASE_DB_FOREIGN]     = { 0, "foreign", "a database of another program" },
  [BASE_DB_UNREADABLE]  = { 0, "unreadable", "not a database essc can read" },
};

gint32
base_db_kind_application_id (BaseDbKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (KINDS), 0);
  return KINDS[kind].id;
}

const char *
base_db_kind_name (BaseDbKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (KINDS), "?");
  return KINDS[kind].name;
}

const char *
base_db_kind_describe (BaseDbKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (KINDS), "?");
  return KINDS[kind].describe;
}

/* A file of the store's id "ESSC" (every kind's before they had their own),
 * told by its tables; tables is the sorted, comma-separated list. */
static BaseDbKind
by_tables (GPtrArray *tables)
{
  gboolean has[6] = { FALSE };
  static const char *const names[] = { "ecard", "part", "run", "sweep", "calibration",
                                       "conformance_run" };
  for (guint i = 0; i < tables->len; i++)
    for (guint j = 0; j < G_N_ELEMENTS (names); j++)
      has[j] |= g_strcmp0 (tables->pdata[i], names[j]) == 0;
  if (tables->len == 0)
    return BASE_DB_NEW;
  if (has[0] || has[1])
    return BASE_DB_STORE;
  if (has[2])
    return BASE_DB_RUN;
  if (has[3])
    return BASE_DB_SWEEP;
  if (has[4])
    return BASE_DB_CALIBRATION;
  if (has[5])
    return BASE_DB_CONFORMANCE;
  return BASE_DB_FOREIGN;
}

BaseDbKind
base_db_identify (const char *path, char **detail)
{
  g_return_val_if_fail (path != NULL, BASE_DB_UNREADABLE);
  g_autofree char *dummy = NULL;
  char **out = detail != NULL ? detail : &dummy;
  *out = NULL;
  struct stat st;
  if (stat (path, &st) != 0)
    return BASE_DB_NEW;
  if (!S_ISREG (st.st_mode))
    {
      *out = g_strdup ("not a regular file");
      return BASE_DB_UNREADABLE;
    }
  if (st.st_size == 0)
    return BASE_DB_NEW;

  sqlite3 *db = NULL;
  sqlite3_stmt *q = NULL;
  gint64 app = -1;
  g_autoptr (GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  gboolean ok = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK
                && sqlite3_db_config (db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL) == SQLITE_OK
                && sqlite3_db_config (db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL) == SQLITE_OK
                && sqlite3_prepare_v2 (db, "PRAGMA application_id", -1, &q, NULL) == SQLITE_OK
                && sqlite3_step (q) == SQLITE_ROW;
  if (ok)
    app = sqlite3_column_int64 (q, 0);
  sqlite3_finalize (q);
  q = NULL;
  ok = ok && sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND "
                                 "name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name", -1, &q,
                                 NULL) == SQLITE_OK;
  int rc = SQLITE_DONE;
  while (ok && (rc = sqlite3_step (q)) == SQLITE_ROW)
    g_ptr_array_add (tables, g_strdup ((const char *) sqlite3_column_text (q, 0)));
  ok = ok && rc == SQLITE_DONE;
  if (!ok)
    *out = g_strdup_printf ("damaged or not an SQLite database: %s",
                            db != NULL ? sqlite3_errmsg (db) : "out of memory");
  sqlite3_finalize (q);
  sqlite3_close (db);
  if (!ok)
    return BASE_DB_UNREADABLE;

  g_ptr_array_add (tables, NULL);
  g_autofree char *list = g_strjoinv (", ", (char **) tables->pdata);
  g_ptr_array_set_size (tables, tables->len - 1);
  BaseDbKind kind = BASE_DB_FOREIGN;
  switch (app)
    {
    case 0:
      kind = tables->len == 0 ? BASE_DB_NEW : BASE_DB_FOREIGN;
      break;
    case BASE_DB_ID_STORE:
      kind = by_tables (tables);
      break;
    case BASE_DB_ID_RUN:
      kind = BASE_DB_RUN;
      break;
    case BASE_DB_ID_SWEEP:
      kind = BASE_DB_SWEEP;
      break;
    case BASE_DB_ID_CALIBRATION:
      kind = BASE_DB_CALIBRATION;
      break;
    case BASE_DB_ID_CONFORMANCE:
      kind = BASE_DB_CONFORMANCE;
      break;
    case BASE_DB_ID_REGISTRY:
      kind = BASE_DB_REGISTRY;
      break;
    case BASE_DB_ID_SENSITIVITY:
      kind = BASE_DB_SENSITIVITY;
      break;
    case BASE_DB_ID_SERVE:
      kind = BASE_DB_SERVE;
      break;
    default:
      break;
    }
  if (kind != BASE_DB_NEW)
    *out = g_strdup_printf ("application_id 0x%08" G_GINT64_MODIFIER "x, tables %s",
                            app & 0xffffffff, tables->len > 0 ? list : "none");
  return kind;
}

gboolean
base_db_may_write (const char *path, BaseDbKind kind, BaseDbKind also, GQuark domain, gint code,
                   GError **error)
{
  g_autofree char *detail = NULL;
  BaseDbKind is = base_db_identify (path, &detail);
  if (is == BASE_DB_NEW || is == kind || (also != BASE_DB_NEW && is == also))
    return TRUE;
  return base_fail (error, domain, code, "%s: exists and is %s (%s), not %s: not written", path,
                    base_db_kind_describe (is), detail, base_db_kind_describe (kind));
}
