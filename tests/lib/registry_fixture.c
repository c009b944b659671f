/* SPDX-License-Identifier: MIT */
/*
 * The registry tests' fixture (see registry_fixture.h).
 */
#include "tests/lib/registry_fixture.h"

#include "conformance/cert.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

void
rfx_new (RegFx *f, const char *name)
{
  memset (f, 0, sizeof *f);
  fx.bin = essc_test_bin ();
  fx.src = essc_test_srcdir ();
  if (fx.dir == NULL)
    {
      g_autoptr (GError) e = NULL;
      fx.dir = g_dir_make_tmp ("essc-registry-XXXXXX", &e);
      g_assert_no_error (e);
      g_test_message ("temporary directory %s", fx.dir);
    }
  f->dir = g_build_filename (fx.dir, name, NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->dir, 0700), ==, 0);
  f->db = g_build_filename (f->dir, "registry.db", NULL);
  f->vectors = g_build_filename (fx.src, "conformance", "vectors", NULL);
  g_autofree char *iss = g_build_filename (f->dir, "issuer", NULL);
  g_autofree char *ch = g_build_filename (f->dir, "channel", NULL);
  g_autofree char *ch2 = g_build_filename (f->dir, "channel2", NULL);
  FixtureRun r;
  rfx_essc (f, &r, "keygen", "--out", iss, NULL);
  rfx_expect (&r, 0, "key id");
  rfx_essc (f, &r, "keygen", "--out", ch, NULL);
  rfx_expect (&r, 0, "key id");
  rfx_essc (f, &r, "keygen", "--out", ch2, NULL);
  rfx_expect (&r, 0, "key id");
  f->iss_key = g_strconcat (iss, ".key", NULL);
  f->iss_pub = g_strconcat (iss, ".pub", NULL);
  f->ch_pub = g_strconcat (ch, ".pub", NULL);
  f->ch2_pub = g_strconcat (ch2, ".pub", NULL);
  g_autoptr (GError) e = NULL;
  guint8 id[MODEL_KEY_ID_LEN];
  g_assert_true (conf_cert_read_public_key (f->iss_pub, f->iss_pk, id, &e));
  g_assert_no_error (e);
}

void
rfx_free (RegFx *f)
{
  g_free (f->dir);
  g_free (f->db);
  g_free (f->iss_key);
  g_free (f->iss_pub);
  g_free (f->ch_pub);
  g_free (f->ch2_pub);
  g_free (f->vectors);
}

char *
rfx_at (int minutes)
{
  g_autoptr (GDateTime) t0 = g_date_time_new_utc (2020, 6, 1, 0, 0, 0);
  g_autoptr (GDateTime) t = g_date_time_add_minutes (t0, minutes);
  return g_date_time_format (t, "%Y-%m-%dT%H:%M:%SZ");
}

static void
run_args (RegFx *f, FixtureRun *r, GPtrArray *args)
{
  g_ptr_array_insert (args, 0, (gpointer) fx.bin);
  g_ptr_array_add (args, NULL);
  fixture_run ((const char *const *) args->pdata, NULL, 300, r);
  if (r->timed_out)
    g_error ("essc %s did not finish within 5 minutes", (const char *) args->pdata[1]);
}

void
rfx_reg (RegFx *f, FixtureRun *r, const char *sub, int minutes, ...)
{
  g_autofree char *now = rfx_at (minutes);
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  g_ptr_array_add (args, (gpointer) "registry");
  g_ptr_array_add (args, (gpointer) sub);
  g_ptr_array_add (args, f->db);
  g_ptr_array_insert (args, 2, (gpointer) "--db");
  g_ptr_array_add (args, (gpointer) "--now");
  g_ptr_array_add (args, now);
  va_list ap;
  va_start (ap, minutes);
  const char *a;
  gboolean vectors_given = FALSE;
  while ((a = va_arg (ap, const char *)) != NULL)
    {
      vectors_given = vectors_given || strcmp (a, "--vectors") == 0;
      g_ptr_array_add (args, (gpointer) a);
    }
  va_end (ap);
  /* The subcommands that run the suite read the vectors named. */
  if (!vectors_given && (strcmp (sub, "test") == 0 || strcmp (sub, "renew") == 0))
    {
      g_ptr_array_add (args, (gpointer) "--vectors");
      g_ptr_array_add (args, f->vectors);
    }
  run_args (f, r, args);
}

void
rfx_essc (RegFx *f, FixtureRun *r, ...)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  va_list ap;
  va_start (ap, r);
  const char *a;
  while ((a = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  run_args (f, r, args);
}

void
rfx_expect (FixtureRun *r, int code, const char *part)
{
  if (r->code != code
      || (part != NULL && strstr (r->out, part) == NULL && strstr (r->err, part) == NULL))
    g_error ("exit %d (expected %d%s%s%s)\nstdout: %s\nstderr: %s", r->code, code,
             part ? ", and the phrase \"" : "", part ? part : "", part ? "\"" : "", r->out,
             r->err);
  fixture_run_clear (r);
}

char *
rfx_impl (const char *fault)
{
  g_autofree char *bin = g_shell_quote (fx.bin);
  if (fault == NULL)
    return g_strdup_printf ("%s impl --role channel", bin);
  return g_strdup_printf ("%s impl --role channel --fault %s", bin, fault);
}

void
rfx_init_registry (RegFx *f, const char *id, const char *name, const char *fault)
{
  FixtureRun r;
  g_autofree char *impl = rfx_impl (fault);
  rfx_reg (f, &r, "init", 0, "--name", "人力资源社会保障部 (test)", "--pub", f->iss_pub, NULL);
  rfx_expect (&r, 0, "created registry");
  rfx_reg (f, &r, "apply", 1, "--id", id, "--name", name, "--class", "social", "--tier", "1",
           "--public-key", f->ch_pub, "--role", "channel", "--impl", impl, NULL);
  rfx_expect (&r, 0, "applied");
}

void
rfx_sql (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  char *err = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &err) != SQLITE_OK)
    g_error ("%s: %s: %s", path, sql, err);
  sqlite3_close (db);
}

char *
rfx_sql_text (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  if (sqlite3_prepare_v2 (db, sql, -1, &st, NULL) != SQLITE_OK)
    g_error ("%s: %s: %s", path, sql, sqlite3_errmsg (db));
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  const char *t = (const char *) sqlite3_column_text (st, 0);
  char *out = g_strdup (t);
  sqlite3_finalize (st);
  sqlite3_close (db);
  return out;
}

static gint
cmp_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

GBytes *
rfx_snapshot (const char *path)
{
  GByteArray *out = g_byte_array_new ();
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
      g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *n;
      while (d != NULL && (n = g_dir_read_name (d)) != NULL)
        g_ptr_array_add (names, g_strdup (n));
      g_ptr_array_sort (names, cmp_str);
      for (guint i = 0; i < names->len; i++)
        {
          g_autofree char *p = g_build_filename (path, names->pdata[i], NULL);
          g_autoptr (GBytes) b = rfx_snapshot (p);
          g_byte_array_append (out, names->pdata[i], (guint) strlen (names->pdata[i]) + 1);
          g_byte_array_append (out, g_bytes_get_data (b, NULL), (guint) g_bytes_get_size (b));
        }
    }
  else
    {
      g_autofree char *text = NULL;
      gsize len = 0;
      if (g_file_get_contents (path, &text, &len, NULL))
        g_byte_array_append (out, (const guint8 *) text, (guint) len);
    }
  return g_byte_array_free_to_bytes (out);
}

char *
rfx_chromium_dom (RegFx *f, const char *path)
{
  static guint n_profiles;
  g_autofree char *profile = g_strdup_printf ("%s/chromium-%u", f->dir, ++n_profiles);
  g_autofree char *profile_arg = g_strdup_printf ("--user-data-dir=%s", profile);
  g_autofree char *url = g_filename_to_uri (path, NULL, NULL);
  g_mkdir_with_parents (profile, 0700);
  const char *const argv[] = {
    "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
    "--no-first-run", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--window-size=1280,2000", "--dump-dom", profile_arg, url, NULL,
  };
  FixtureRun r;
  fixture_run (argv, NULL, 60, &r);
  if (r.timed_out || r.code != 0)
    g_error ("chromium %s: exit %d%s\n%s", url, r.code, r.timed_out ? " (killed after 60 s)" : "",
             r.err);
  char *dom = g_steal_pointer (&r.out);
  fixture_run_clear (&r);
  return dom;
}
