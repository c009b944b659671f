/* SPDX-License-Identifier: MIT */
/*
 * Tests of essc export (docs/EXPORT.md) through the essc binary ($ESSC_BIN):
 * every table of a run database (essc sim on a copy of the latency test
 * scenario whose first line holds a quote and a comma), a sweep, a
 * calibration, a conformance database, an e-card store and a registry,
 * each exported in CSV (one file per table) and JSON and compared value by
 * value, in primary-key order, with sqlite3's own reading of the same rows:
 * the CSV read back by the tests' strict reader (tests/lib/csv_read.h), the
 * JSON by json-glib.  Then values at the edges (NUL, invalid UTF-8, control
 * characters, infinities, the smallest double, the int64 range, NULL
 * against the empty text),
 * the same bytes on a second export, hostile inputs and outputs (exit 2,
 * the message naming the file, nothing written), an output that fails
 * while written (exit 3, nothing left), and the usage rules.
 */
#include "base/dbkind.h"
#include "tests/lib/csv_read.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

/* What the comparisons met, so a test can say the cases it needs were there. */
typedef struct {
  guint values, nulls, reals_17, comma_quote, chinese, blobs;
} Seen;

/* ---- helpers ---------------------------------------------------------------- */

static char *
read_file (const char *path, gsize *len)
{
  char *data = NULL;
  g_autoptr (GError) e = NULL;
  g_file_get_contents (path, &data, len, &e);
  g_assert_no_error (e);
  return data;
}

static int
cmp_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The files in dir, sorted, comma separated. */
static char *
listing (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, cmp_str);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (",", (char **) names->pdata);
}

static void
exec_sql (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  char *msg = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &msg);
  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, msg);
  sqlite3_close (db);
}

static void
copy_file (const char *from, const char *to)
{
  gsize len = 0;
  g_autofree char *data = read_file (from, &len);
  g_assert_true (g_file_set_contents (to, data, (gssize) len, NULL));
}

/* An essc run that must succeed. */
static void
essc_ok (const char *const *args)
{
  EsscTestRun r = essc_test_run_essc_v (NULL, 0, args);
  if (r.status != 0)
    g_error ("essc %s ...: exit %d\n%s", args[0], r.status, r.err);
  essc_test_run_clear (&r);
}

/* The tables of db (SQLite's own left out), sorted. */
static GPtrArray *
db_tables (sqlite3 *db)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_schema WHERE type = 'table' "
                                           "AND name NOT LIKE 'sqlite%'", -1, &st, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (st) == SQLITE_ROW)
    g_ptr_array_add (names, g_strdup ((const char *) sqlite3_column_text (st, 0)));
  sqlite3_finalize (st);
  g_ptr_array_sort (names, cmp_str);
  return names;
}

/* SELECT * of table in its primary key's order (the rowid's without one). */
static sqlite3_stmt *
select_ordered (sqlite3 *db, const char *table)
{
  g_autofree char *pk_sql = g_strdup_printf ("SELECT group_concat ('\"' || name || '\"', ', ') "
                                             "FROM (SELECT name FROM pragma_table_info ('%s') "
                                             "WHERE pk > 0 ORDER BY pk)", table);
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, pk_sql, -1, &st, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  const char *pk = (const char *) sqlite3_column_text (st, 0);
  g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\" ORDER BY %s", table,
                                          pk != NULL ? pk : "rowid");
  sqlite3_finalize (st);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &st, NULL), ==, SQLITE_OK);
  return st;
}

static void
count_text (Seen *seen, const char *text)
{
  if (strchr (text, ',') != NULL && strchr (text, '"') != NULL)
    seen->comma_quote++;
  if (strstr (text, "北京市") != NULL)
    seen->chinese++;
}

/* A REAL that "%.15g" does not give back: one that needs its 17 digits. */
static gboolean
needs_17 (double v)
{
  char buf[64];
  g_ascii_formatd (buf, sizeof buf, "%.15g", v);
  return g_ascii_strtod (buf, NULL) != v;
}

/* ---- the comparisons ---------------------------------------------------------- */

/* The CSV value field against the database's value i of st. */
static void
compare_csv_value (sqlite3_stmt *st, int i, const CsvField *f, const char *where, Seen *seen)
{
  seen->values++;
  switch (sqlite3_column_type (st, i))
    {
    case SQLITE_NULL:
      if (f->text != NULL)
        g_error ("%s: NULL in the database, \"%s\" in the CSV", where, f->text);
      seen->nulls++;
      break;
    case SQLITE_INTEGER:
      {
        g_autofree char *want = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                 (gint64) sqlite3_column_int64 (st, i));
        if (g_strcmp0 (f->text, want) != 0)
          g_error ("%s: %s in the database, %s in the CSV", where, want, f->text);
      }
      break;
    case SQLITE_FLOAT:
      {
        double want = sqlite3_column_double (st, i);
        char *end = NULL;
        double got = f->text != NULL ? g_ascii_strtod (f->text, &end) : NAN;
        if (f->text == NULL || *end != '\0' || got != want)
          g_error ("%s: %.17g in the database, %s in the CSV", where, want, f->text);
        seen->reals_17 += needs_17 (want);
      }
      break;
    case SQLITE_BLOB:
      {
        int n = sqlite3_column_bytes (st, i);
        const guint8 *b = sqlite3_column_blob (st, i);
        g_autoptr (GString) hex = g_string_new (NULL);
        for (int k = 0; k < n; k++)
          g_string_append_printf (hex, "%02x", b[k]);
        if (f->text == NULL || strcmp (f->text, hex->str) != 0)
          g_error ("%s: blob %s in the database, %s in the CSV", where, hex->str, f->text);
        seen->blobs++;
      }
      break;
    default:
      {
        const char *text = (const char *) sqlite3_column_text (st, i);
        gsize n = (gsize) sqlite3_column_bytes (st, i);
        if (f->text == NULL || f->len != n || memcmp (f->text, text, n) != 0)
          g_error ("%s: \"%s\" in the database, \"%s\" in the CSV", where, text, f->text);
        count_text (seen, text);
      }
      break;
    }
}

/* The JSON value v against the database's value i of st. */
static void
compare_json_value (sqlite3_stmt *st, int i, JsonNode *v, const char *where, Seen *seen)
{
  seen->values++;
  switch (sqlite3_column_type (st, i))
    {
    case SQLITE_NULL:
      g_assert_true (JSON_NODE_HOLDS_NULL (v));
      seen->nulls++;
      break;
    case SQLITE_INTEGER:
      g_assert_true (JSON_NODE_HOLDS_VALUE (v));
      g_assert_cmpint (json_node_get_value_type (v), ==, G_TYPE_INT64);
      g_assert_cmpint (json_node_get_int (v), ==, sqlite3_column_int64 (st, i));
      break;
    case SQLITE_FLOAT:
      {
        double want = sqlite3_column_double (st, i);
        /* a REAL is written with a point or an exponent: json-glib reads a double */
        if (!JSON_NODE_HOLDS_VALUE (v) || json_node_get_value_type (v) != G_TYPE_DOUBLE
            || json_node_get_double (v) != want)
          g_error ("%s: %.17g in the database, %s in the JSON", where, want,
                   json_to_string (v, FALSE));
        seen->reals_17 += needs_17 (want);
      }
      break;
    case SQLITE_BLOB:
      {
        int n = sqlite3_column_bytes (st, i);
        const guint8 *b = sqlite3_column_blob (st, i);
        g_autoptr (GString) hex = g_string_new (NULL);
        for (int k = 0; k < n; k++)
          g_string_append_printf (hex, "%02x", b[k]);
        g_assert_cmpstr (json_node_get_string (v), ==, hex->str);
        seen->blobs++;
      }
      break;
    default:
      {
        const char *text = (const char *) sqlite3_column_text (st, i);
        if (!JSON_NODE_HOLDS_VALUE (v) || g_strcmp0 (json_node_get_string (v), text) != 0)
          g_error ("%s: \"%s\" in the database, %s in the JSON", where, text,
                   json_to_string (v, FALSE));
        count_text (seen, text);
      }
      break;
    }
}

/*
 * Exports every table of db as CSV (one file per table, into dir/csv) and
 * as JSON (dir/all.json), and compares every value of every row with
 * sqlite3's reading; kind is the JSON's "kind".
 */
static void
check_exports (const char *db_path, const char *dir, const char *kind, Seen *seen)
{
  g_autofree char *csv_dir = g_build_filename (dir, "csv", NULL);
  g_autofree char *json_path = g_build_filename (dir, "all.json", NULL);
  essc_ok ((const char *const[]) { "export", db_path, "--out", csv_dir, NULL });
  essc_ok ((const char *const[]) { "export", db_path, "--format", "json", "--out", json_path,
                                   NULL });
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) e = NULL;
  g_assert_true (json_parser_load_from_file (parser, json_path, &e));
  g_assert_no_error (e);
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "database"), ==, db_path);
  g_assert_cmpstr (json_object_get_string_member (root, "kind"), ==, kind);
  JsonObject *tables = json_object_get_object_member (root, "tables");

  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_stmt *app = NULL;
  sqlite3_prepare_v2 (db, "PRAGMA application_id", -1, &app, NULL);
  g_assert_cmpint (sqlite3_step (app), ==, SQLITE_ROW);
  g_assert_cmpint (json_object_get_int_member (root, "application_id"), ==,
                   sqlite3_column_int64 (app, 0));
  sqlite3_finalize (app);
  g_autoptr (GPtrArray) names = db_tables (db);
  g_assert_cmpuint (json_object_get_size (tables), ==, names->len);
  g_autofree char *files = listing (csv_dir);
  g_autoptr (GString) want_files = g_string_new (NULL);
  for (guint t = 0; t < names->len; t++)
    {
      const char *table = names->pdata[t];
      g_string_append_printf (want_files, "%s%s.csv", t ? "," : "", table);
      /* CSV */
      g_autofree char *file = g_strdup_printf ("%s/%s.csv", csv_dir, table);
      gsize len = 0;
      g_autofree char *data = read_file (file, &len);
      g_autofree char *problem = NULL;
      g_autoptr (GPtrArray) records = csv_read (data, len, &problem);
      if (records == NULL)
        g_error ("%s: %s", file, problem);
      /* JSON */
      JsonObject *jt = json_object_get_object_member (tables, table);
      g_assert_nonnull (jt);
      JsonArray *columns = json_object_get_array_member (jt, "columns");
      JsonArray *rows = json_object_get_array_member (jt, "rows");

      sqlite3_stmt *st = select_ordered (db, table);
      int n = sqlite3_column_count (st);
      GPtrArray *header = records->pdata[0];
      g_assert_cmpuint (header->len, ==, (guint) n);
      g_assert_cmpuint (json_array_get_length (columns), ==, (guint) n);
      for (int i = 0; i < n; i++)
        {
          g_assert_cmpstr (csv_text (records, 0, (guint) i), ==, sqlite3_column_name (st, i));
          g_assert_cmpstr (json_array_get_string_element (columns, (guint) i), ==,
                           sqlite3_column_name (st, i));
        }
      guint row = 0;
      for (; sqlite3_step (st) == SQLITE_ROW; row++)
        {
          g_assert_cmpuint (row + 1, <, records->len);
          g_assert_cmpuint (row, <, json_array_get_length (rows));
          GPtrArray *record = records->pdata[row + 1];
          JsonArray *jrow = json_array_get_array_element (rows, row);
          g_assert_cmpuint (record->len, ==, (guint) n);
          g_assert_cmpuint (json_array_get_length (jrow), ==, (guint) n);
          for (int i = 0; i < n; i++)
            {
              g_autofree char *where = g_strdup_printf ("%s: table %s, row %u, column %s",
                                                        db_path, table, row + 1,
                                                        sqlite3_column_name (st, i));
              compare_csv_value (st, i, record->pdata[i], where, seen);
              compare_json_value (st, i, json_array_get_element (jrow, (guint) i), where, seen);
            }
        }
      sqlite3_finalize (st);
      g_assert_cmpuint (records->len, ==, row + 1);
      g_assert_cmpuint (json_array_get_length (rows), ==, row);
    }
  g_assert_cmpstr (files, ==, want_files->str);
  sqlite3_close (db);
}

/* ---- the run database ---------------------------------------------------------- */

/* A copy of the latency test scenario whose data paths are absolute and
 * whose first line (kept in run.scenario_text) has a quote and a comma. */
static char *
write_scenario (const char *dir)
{
  g_autofree char *src = essc_test_src_path ("tests", "data", "small", "latency.ini", NULL);
  g_autofree char *small = essc_test_src_path ("tests", "data", "small", NULL);
  gsize len = 0;
  g_autofree char *text = read_file (src, &len);
  g_autoptr (GString) s = g_string_new ("# essc export's test: \"quoted\", with a comma\n");
  g_string_append (s, text);
  static const char *const files[] = { "cities.csv", "channels.csv", "service-times.csv" };
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *from = g_strdup_printf ("= %s\n", files[i]);
      g_autofree char *to = g_strdup_printf ("= %s/%s\n", small, files[i]);
      g_assert_cmpuint (g_string_replace (s, from, to, 1), ==, 1);
    }
  char *path = g_build_filename (dir, "export.ini", NULL);
  g_assert_true (g_file_set_contents (path, s->str, (gssize) s->len, NULL));
  return path;
}

static char *
make_run (const char *dir)
{
  g_autofree char *scenario = write_scenario (dir);
  char *db = g_build_filename (dir, "run.db", NULL);
  essc_ok ((const char *const[]) { "sim", scenario, "--replications", "2", "--db", db, NULL });
  return db;
}

/* Every table of a run database, every value, in CSV and JSON; the cases
 * the brief names among them; and the same bytes a second time. */
static void
test_export_run (void)
{
  g_autofree char *dir = essc_test_make_tmpdir ("essc-export-XXXXXX");
  g_autofree char *db = make_run (dir);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_assert_cmpint (g_mkdir (out, 0755), ==, 0);
  Seen seen = { 0 };
  check_exports (db, out, "run", &seen);
  g_test_message ("%u values: %u NULL, %u REAL needing 17 digits, %u texts with a comma and a "
                  "quote, %u with 北京市, %u BLOB", seen.values, seen.nulls, seen.reals_17,
                  seen.comma_quote, seen.chinese, seen.blobs);
  /* each value twice (CSV and JSON) */
  /* replication.posterior_draw twice, the national platform's province */
  g_assert_cmpuint (seen.nulls, >=, 2 * 3);
  g_assert_cmpuint (seen.reals_17, >, 2 * 100);
  g_assert_cmpuint (seen.comma_quote, >=, 2);     /* run.scenario_text */
  g_assert_cmpuint (seen.chinese, >=, 2 * 2);     /* city.name, city.province */
  g_assert_cmpuint (seen.blobs, >, 0);            /* latency_month.histogram */

  /* the same bytes again; one table to standard output is its file's bytes */
  g_autofree char *json1 = g_build_filename (out, "all.json", NULL);
  g_autofree char *json2 = g_build_filename (dir, "again.json", NULL);
  essc_ok ((const char *const[]) { "export", db, "--format", "json", "--out", json2, NULL });
  gsize n1 = 0, n2 = 0;
  g_autofree char *a = read_file (json1, &n1);
  g_autofree char *b = read_file (json2, &n2);
  g_assert_cmpmem (a, n1, b, n2);
  EsscTestRun r = essc_test_run_essc ("export", db, "--table", "city");
  g_assert_cmpint (r.status, ==, 0);
  g_autofree char *city_csv = g_build_filename (out, "csv", "city.csv", NULL);
  g_autofree char *city = read_file (city_csv, &n1);
  g_assert_cmpstr (r.out, ==, city);
  g_assert_true (g_str_has_prefix (r.out, "code,name,province_code,province,population,lon,"
                                          "lat\r\n110000,北京市,110000,北京市,21893095,"));
  essc_test_run_clear (&r);
  /* one table to a file, and into an existing folder as TABLE.csv */
  g_autofree char *one = g_build_filename (dir, "one.csv", NULL);
  essc_ok ((const char *const[]) { "export", db, "--table", "city", "--out", one, NULL });
  g_autofree char *one_text = read_file (one, &n2);
  g_assert_cmpstr (one_text, ==, city);
  g_autofree char *folder = g_build_filename (dir, "folder", NULL);
  g_assert_cmpint (g_mkdir (folder, 0755), ==, 0);
  essc_ok ((const char *const[]) { "export", db, "-t", "city", "-o", folder, NULL });
  g_autofree char *in_folder = listing (folder);
  g_assert_cmpstr (in_folder, ==, "city.csv");
  /* two named tables in JSON, in the order given */
  r = essc_test_run_essc ("export", db, "--format", "json", "--table", "run", "--table", "city");
  g_assert_cmpint (r.status, ==, 0);
  const char *run_at = strstr (r.out, "\n\"run\": {\"columns\": [\"key\", \"value\"], \"types\": "
                                      "[\"TEXT\", \"TEXT\"], \"order\": [\"key\"]");
  const char *city_at = strstr (r.out, "\n\"city\": {");
  g_assert_nonnull (run_at);
  g_assert_nonnull (city_at);
  g_assert_true (run_at < city_at);
  g_assert_null (strstr (r.out, "\"city_day\""));
  essc_test_run_clear (&r);
  /* --list: every table with its rows and columns */
  r = essc_test_run_essc ("export", db, "--list");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "a run database (essc sim), application_id 0x4553524e"));
  g_assert_true (g_regex_match_simple ("\ncity +5  code, name, province_code, province, "
                                       "population, lon, lat\n", r.out, 0, 0));
  g_assert_true (g_regex_match_simple ("\nreplication +2  replication, posterior_draw, "
                                       "arrivals\n", r.out, 0, 0));
  essc_test_run_clear (&r);
  g_assert_true (essc_test_remove_dir (dir));
}

/* ---- the other kinds ------------------------------------------------------------ */

static void
test_export_kinds (void)
{
  g_autofree char *dir = essc_test_make_tmpdir ("essc-export-XXXXXX");
  g_autofree char *small = essc_test_src_path ("tests", "data", "small", "latency.ini", NULL);

  /* a sweep of two points */
  g_autofree char *sweep = g_build_filename (dir, "grid.sweep", NULL);
  g_autofree char *sweep_text = g_strdup_printf ("[sweep]\nname = grid\nscenario = %s\n"
                                                 "replications = 1\n[grid]\n"
                                                 "adoption.innovation = 0.002; 0.004\n", small);
  g_assert_true (g_file_set_contents (sweep, sweep_text, -1, NULL));
  g_autofree char *sweep_db = g_build_filename (dir, "sweep.db", NULL);
  essc_ok ((const char *const[]) { "sweep", sweep, "--no-latency", "--db", sweep_db, NULL });
  /* a calibration, of a copy of the calibration test scenario (essc
   * calibrate writes its posterior and calibrated scenario beside it) */
  static const char *const calib_files[] = { "calibrate.ini", "cities.csv", "channels.csv",
                                             "calibrate-figures.csv" };
  for (guint i = 0; i < G_N_ELEMENTS (calib_files); i++)
    {
      g_autofree char *from = essc_test_src_path ("tests", "data", "small", calib_files[i],
                                                  NULL);
      g_autofree char *to = g_build_filename (dir, calib_files[i], NULL);
      copy_file (from, to);
    }
  g_autofree char *calib = g_build_filename (dir, "calibrate.ini", NULL);
  g_autofree char *calib_db = g_build_filename (dir, "calib.db", NULL);
  essc_ok ((const char *const[]) { "calibrate", calib, "--db", calib_db, NULL });
  /* conformance runs of the reference channel */
  g_autofree char *conf_db = g_build_filename (dir, "conf.db", NULL);
  g_autofree char *impl = g_strdup_printf ("%s impl --role channel", essc_test_bin ());
  essc_ok ((const char *const[]) { "conform", "--role", "channel", "--impl", impl, "--db",
                                   conf_db, NULL });
  /* an e-card store */
  g_autofree char *store = g_build_filename (dir, "store.db", NULL);
  essc_ok ((const char *const[]) { "demo", "--db", store, NULL });
  /* a registry */
  g_autofree char *key = g_build_filename (dir, "issuer", NULL);
  g_autofree char *pub = g_build_filename (dir, "issuer.pub", NULL);
  g_autofree char *reg = g_build_filename (dir, "registry.db", NULL);
  essc_ok ((const char *const[]) { "keygen", "--out", key, NULL });
  essc_ok ((const char *const[]) { "registry", "init", "--db", reg, "--name", "测试注册处",
                                   "--pub", pub, "--now", "2020-01-01T00:00:00Z", "--actor",
                                   "tester", NULL });

  static const struct {
    const char *name, *kind;
    BaseDbKind id;
  } kinds[] = {
    { "sweep.db", "sweep", BASE_DB_SWEEP }, { "calib.db", "calibration", BASE_DB_CALIBRATION },
    { "conf.db", "conformance", BASE_DB_CONFORMANCE }, { "store.db", "store", BASE_DB_STORE },
    { "registry.db", "registry", BASE_DB_REGISTRY },
  };
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *db = g_build_filename (dir, kinds[i].name, NULL);
      g_assert_cmpint (base_db_identify (db, NULL), ==, kinds[i].id);
      g_autofree char *out = g_strdup_printf ("%s-out", db);
      g_assert_cmpint (g_mkdir (out, 0755), ==, 0);
      Seen seen = { 0 };
      check_exports (db, out, kinds[i].kind, &seen);
      g_test_message ("%s: %u values, %u NULL, %u BLOB", kinds[i].name, seen.values, seen.nulls,
                      seen.blobs);
      g_assert_cmpuint (seen.values, >, 0);
      if (strcmp (kinds[i].kind, "store") == 0 || strcmp (kinds[i].kind, "registry") == 0)
        g_assert_cmpuint (seen.blobs, >, 0);   /* keys, hashes */
    }
  g_assert_true (essc_test_remove_dir (dir));
}

/* ---- values at the edges ------------------------------------------------------------ */

/* A run-kind file written by hand: text with NUL, invalid UTF-8, control
 * characters and line separators; the infinities and the smallest
 * subnormal double (SQLite keeps no -0.0); the int64
 * range; NULL against the empty text and the empty blob; a table without
 * a primary key (rowid order) and one keyed by text (key order). */
static void
test_export_edges (void)
{
  g_autofree char *dir = essc_test_make_tmpdir ("essc-export-XXXXXX");
  g_autofree char *db = g_build_filename (dir, "edges.db", NULL);
  exec_sql (db, "PRAGMA application_id = 1163088462;"
                "CREATE TABLE v (id INTEGER PRIMARY KEY, t TEXT, r REAL, i INTEGER, b BLOB);"
                "INSERT INTO v VALUES (1, 'a' || char (0) || 'b', 9e999, 9223372036854775807, "
                "x'');"
                "INSERT INTO v VALUES (2, CAST (x'c328ff41' AS TEXT), -9e999, "
                "-9223372036854775808, x'00ff');"
                "INSERT INTO v VALUES (3, char (1, 9, 10, 13, 34, 92, 127, 8232, 0x4e2d), "
                "5e-324, 0, NULL);"
                "INSERT INTO v VALUES (4, '', 2.0, NULL, NULL);"
                "INSERT INTO v VALUES (5, NULL, 0.1, 1, x'0a');"
                "CREATE TABLE nokey (x); INSERT INTO nokey VALUES ('c'), ('a'), ('b');"
                "CREATE TABLE keyed (k TEXT PRIMARY KEY, n INTEGER);"
                "INSERT INTO keyed VALUES ('c', 3), ('a', 1), ('b', 2);");
  g_autofree char *json = g_build_filename (dir, "edges.json", NULL);
  g_autofree char *csv = g_build_filename (dir, "csv", NULL);
  essc_ok ((const char *const[]) { "export", db, "--format", "json", "--out", json, NULL });
  essc_ok ((const char *const[]) { "export", db, "--out", csv, NULL });
  gsize len = 0;
  g_autofree char *text = read_file (json, &len);
  g_assert_cmpuint (strlen (text), ==, len);   /* no raw NUL */
  g_assert_true (g_utf8_validate (text, (gssize) len, NULL));
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) e = NULL;
  g_assert_true (json_parser_load_from_data (parser, text, (gssize) len, &e));
  g_assert_no_error (e);
  static const char *const rows[] = {
    "\n[1, \"a\\u0000b\", null, 9223372036854775807, \"\"]",
    "\n[2, {\"text_hex\": \"c328ff41\"}, null, -9223372036854775808, \"00ff\"]",
    "\n[3, \"\\u0001\\t\\n\\r\\\"\\\\\\u007f\\u2028中\", 4.9406564584124654e-324, 0, null]",
    "\n[4, \"\", 2.0, null, null]",
    "\n[5, null, 0.10000000000000001, 1, \"0a\"]",
    "\"order\": [\"rowid\"], \"rows\": [\n[\"c\"],\n[\"a\"],\n[\"b\"]\n]}",
    "\"order\": [\"k\"], \"rows\": [\n[\"a\", 1],\n[\"b\", 2],\n[\"c\", 3]\n]}",
  };
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    if (strstr (text, rows[i]) == NULL)
      g_error ("%s: no %s in\n%s", json, rows[i], text);
  JsonObject *tables = json_object_get_object_member (
      json_node_get_object (json_parser_get_root (parser)), "tables");
  JsonArray *v = json_object_get_array_member (json_object_get_object_member (tables, "v"),
                                               "rows");
  JsonArray *row3 = json_array_get_array_element (v, 2);
  g_assert_cmpstr (json_array_get_string_element (row3, 1), ==,
                   "\001\t\n\r\"\\\177\u2028中");
  g_assert_cmpfloat (json_array_get_double_element (row3, 2), ==, 5e-324);

  g_autofree char *v_csv = g_build_filename (csv, "v.csv", NULL);
  g_autofree char *bytes = read_file (v_csv, &len);
  static const char want[] =
    "id,t,r,i,b\r\n"
    "1,a\0b,inf,9223372036854775807,\"\"\r\n"
    "2,\xc3\x28\xff\x41,-inf,-9223372036854775808,00ff\r\n"
    "3,\"\001\t\n\r\"\"\\\177\xe2\x80\xa8\xe4\xb8\xad\",4.9406564584124654e-324,0,\r\n"
    "4,\"\",2,,\r\n"
    "5,,0.10000000000000001,1,0a\r\n";
  g_assert_cmpmem (bytes, len, want, sizeof want - 1);
  g_autofree char *problem = NULL;
  g_autoptr (GPtrArray) records = csv_read (bytes, len, &problem);
  g_assert_cmpstr (problem, ==, NULL);
  g_assert_cmpuint (records->len, ==, 6);
  g_autofree char *nokey = g_build_filename (csv, "nokey.csv", NULL);
  g_autofree char *nokey_text = read_file (nokey, &len);
  g_assert_cmpstr (nokey_text, ==, "x\r\nc\r\na\r\nb\r\n");
  g_assert_true (essc_test_remove_dir (dir));
}

/* ---- refusals -------------------------------------------------------------------- */

/* essc export args...: exit status, stderr naming says (and what), and
 * nothing written in out_dir. */
static void
expect_refused (int status, const char *names, const char *what, const char *out_dir,
                const char *const *args)
{
  g_autofree char *before = listing (out_dir);
  EsscTestRun r = essc_test_run_essc_v (NULL, 0, args);
  g_test_message ("%s", r.err);
  g_assert_cmpint (r.status, ==, status);
  g_assert_cmpstr (r.out, ==, "");
  g_assert_true (g_str_has_prefix (r.err, "essc export: "));
  if (names != NULL)
    g_assert_nonnull (strstr (r.err, names));
  if (what != NULL)
    g_assert_nonnull (strstr (r.err, what));
  g_autofree char *after = listing (out_dir);
  g_assert_cmpstr (after, ==, before);
  essc_test_run_clear (&r);
}

static void
test_export_hostile (void)
{
  g_autofree char *dir = essc_test_make_tmpdir ("essc-export-XXXXXX");
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_assert_cmpint (g_mkdir (out, 0755), ==, 0);
  g_autofree char *json = g_build_filename (out, "x.json", NULL);
  g_autofree char *csvs = g_build_filename (out, "csv", NULL);
  /* a small run-kind database to spoil */
  g_autofree char *good = g_build_filename (dir, "good.db", NULL);
  exec_sql (good, "PRAGMA application_id = 1163088462; CREATE TABLE run (key TEXT PRIMARY KEY,"
                  " value TEXT); INSERT INTO run VALUES ('schema', 'essc-simdb/3');"
                  "CREATE TABLE t (a INTEGER PRIMARY KEY, b REAL); INSERT INTO t VALUES (1, 2.5);");

  g_autofree char *text = g_build_filename (dir, "text.db", NULL);
  g_assert_true (g_file_set_contents (text, "This is a text file, not a database.\n", -1, NULL));
  g_autofree char *empty = g_build_filename (dir, "empty.db", NULL);
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_autofree char *missing = g_build_filename (dir, "missing.db", NULL);
  g_autofree char *view = g_build_filename (dir, "view.db", NULL);
  copy_file (good, view);
  exec_sql (view, "CREATE VIEW forever AS WITH RECURSIVE c (x) AS (SELECT 1 UNION ALL SELECT "
                  "x + 1 FROM c) SELECT x FROM c");
  g_autofree char *trigger = g_build_filename (dir, "trigger.db", NULL);
  copy_file (good, trigger);
  exec_sql (trigger, "CREATE TRIGGER tr AFTER INSERT ON t BEGIN DELETE FROM run; END");
  g_autofree char *generated = g_build_filename (dir, "generated.db", NULL);
  copy_file (good, generated);
  exec_sql (generated, "CREATE TABLE g (a INTEGER, b INTEGER AS (a * 2))");
  g_autofree char *foreign = g_build_filename (dir, "foreign.db", NULL);
  exec_sql (foreign, "PRAGMA application_id = 1234; CREATE TABLE x (a)");
  g_autofree char *half = g_build_filename (dir, "half.db", NULL);
  gsize len = 0;
  g_autofree char *bytes = read_file (good, &len);
  memset (bytes + 100, 0, 100);   /* the schema page's b-tree header */
  g_assert_true (g_file_set_contents (half, bytes, (gssize) len, NULL));

  static const struct {
    const char *file_var, *what;
  } cases[] = {
    { "text", "not an SQLite database" }, { "empty", "an empty file, not a database" },
    { "missing", "No such file" }, { "view", "holds a view forever" },
    { "trigger", "holds a trigger tr" }, { "generated", "holds a generated column g.b" },
    { "foreign", "a database of another program" }, { "half", "damaged" },
    { "dir", "not a regular file" },
  };
  const char *paths[] = { text, empty, missing, view, trigger, generated, foreign, half, dir };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i].file_var);
      expect_refused (2, paths[i], cases[i].what, out, (const char *const[]) { "export",
                      paths[i], "--format", "json", "--out", json, NULL });
      expect_refused (2, paths[i], cases[i].what, out, (const char *const[]) { "export",
                      paths[i], "--out", csvs, NULL });
      expect_refused (2, paths[i], cases[i].what, out, (const char *const[]) { "export",
                      paths[i], "--list", NULL });
    }
  /* an unknown table: named, and the tables the file has */
  expect_refused (2, good, "no table 'nope' (its tables: run, t)", out,
                  (const char *const[]) { "export", good, "--table", "nope", "--out", json,
                                          NULL });
  /* outputs in a missing folder */
  g_autofree char *nowhere = g_build_filename (dir, "no-such-folder", "x.json", NULL);
  expect_refused (2, nowhere, "No such file or directory", dir,
                  (const char *const[]) { "export", good, "--format", "json", "--out", nowhere,
                                          NULL });
  g_autofree char *nowhere_csv = g_build_filename (dir, "no-such-folder", "t.csv", NULL);
  expect_refused (2, nowhere_csv, "No such file or directory", dir,
                  (const char *const[]) { "export", good, "--table", "t", "--out", nowhere_csv,
                                          NULL });
  g_autofree char *nowhere_dir = g_build_filename (dir, "no-such-folder", "csv", NULL);
  expect_refused (2, nowhere_dir, "cannot make the folder", dir,
                  (const char *const[]) { "export", good, "--out", nowhere_dir, NULL });
  /* an output that is a folder (JSON), a file where a folder is needed (CSV) */
  expect_refused (2, out, "not a regular file (a folder)", out,
                  (const char *const[]) { "export", good, "--format", "json", "--out", out,
                                          NULL });
  expect_refused (2, text, "exists and is not a folder", out,
                  (const char *const[]) { "export", good, "--out", text, NULL });
  /* the database itself as the output, by its name or a link */
  gsize before_len = 0, after_len = 0;
  g_autofree char *good_before = read_file (good, &before_len);
  expect_refused (2, good, "is the database itself: not replaced", dir,
                  (const char *const[]) { "export", good, "--format", "json", "--out", good,
                                          NULL });
  expect_refused (2, good, "is the database itself: not replaced", dir,
                  (const char *const[]) { "export", good, "--table", "t", "--out", good,
                                          NULL });
  g_autofree char *hard = g_build_filename (out, "t.csv", NULL);
  g_assert_cmpint (link (good, hard), ==, 0);
  expect_refused (2, hard, "is the database itself: not replaced", out,
                  (const char *const[]) { "export", good, "--out", out, NULL });
  g_autofree char *good_after = read_file (good, &after_len);
  g_assert_cmpmem (good_before, before_len, good_after, after_len);
  g_remove (hard);
  g_assert_true (essc_test_remove_dir (dir));
}

/* An output that fails while written: the file size limit (the shell
 * ignores SIGXFSZ, so the write fails as on a full disk), and a standard
 * output of /dev/full: exit 3, and no file, no temporary left. */
static void
test_export_write_fails (void)
{
  g_autofree char *dir = essc_test_make_tmpdir ("essc-export-XXXXXX");
  g_autofree char *db = make_run (dir);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_assert_cmpint (g_mkdir (out, 0755), ==, 0);
  g_autofree char *bin = essc_test_sh_bin ();
  EsscTestRun r = essc_test_run_sh ("trap '' XFSZ; ulimit -f 8; %s export '%s' --table "
                                    "national_day --out '%s/n.csv'", bin, db, out);
  g_test_message ("%s", r.err);
  g_assert_cmpint (r.status, ==, 3);
  g_assert_nonnull (strstr (r.err, "n.csv"));
  g_autofree char *left = listing (out);
  g_assert_cmpstr (left, ==, "");
  essc_test_run_clear (&r);
  r = essc_test_run_sh ("trap '' XFSZ; ulimit -f 8; %s export '%s' --out '%s/csv'", bin, db,
                        out);
  g_assert_cmpint (r.status, ==, 3);
  g_autofree char *partial = g_build_filename (out, "csv", NULL);
  g_autofree char *files = listing (partial);
  g_test_message ("left after the failure: %s", files);
  g_assert_null (strstr (files, "tmp"));
  g_assert_null (strstr (files, "national_day"));   /* over the limit: not written */
  essc_test_run_clear (&r);
  r = essc_test_run_sh ("%s export '%s' --table city_day > /dev/full", bin, db);
  g_test_message ("%s", r.err);
  g_assert_cmpint (r.status, ==, 3);
  g_assert_nonnull (strstr (r.err, "No space left on device"));
  essc_test_run_clear (&r);
  g_assert_true (essc_test_remove_dir (dir));
}

/* The usage rules, each refused with its reason before anything is read
 * or written. */
static void
test_export_usage (void)
{
  g_autofree char *dir = essc_test_make_tmpdir ("essc-export-XXXXXX");
  g_autofree char *db = g_build_filename (dir, "u.db", NULL);
  exec_sql (db, "PRAGMA application_id = 1163088462; CREATE TABLE a (x); CREATE TABLE b (y);");
  expect_refused (2, NULL, "2 tables in CSV need --out DIR", dir,
                  (const char *const[]) { "export", db, NULL });
  expect_refused (2, NULL, "2 tables in CSV need --out DIR", dir,
                  (const char *const[]) { "export", db, "-t", "a", "-t", "b", NULL });
  expect_refused (2, NULL, "several tables in CSV cannot go to standard output", dir,
                  (const char *const[]) { "export", db, "--out", "-", NULL });
  expect_refused (2, NULL, "--format: 'xml': expected csv or json", dir,
                  (const char *const[]) { "export", db, "--format", "xml", NULL });
  expect_refused (2, NULL, "--list prints the tables", dir,
                  (const char *const[]) { "export", db, "--list", "--out", "x", NULL });
  expect_refused (2, NULL, "--table a: given twice", dir,
                  (const char *const[]) { "export", db, "-t", "a", "-t", "a", NULL });
  expect_refused (2, NULL, "expected one DATABASE", dir,
                  (const char *const[]) { "export", NULL });
  expect_refused (2, NULL, "expected one DATABASE", dir,
                  (const char *const[]) { "export", db, db, NULL });
  /* a table whose name cannot name a file: alone to standard output only */
  exec_sql (db, "CREATE TABLE \"../c\" (z)");
  expect_refused (2, NULL, "table '../c' cannot name a file", dir,
                  (const char *const[]) { "export", db, "--out", dir, NULL });
  EsscTestRun r = essc_test_run_essc ("export", db, "--table", "../c");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "z\r\n");
  essc_test_run_clear (&r);
  /* --help says it all */
  r = essc_test_run_essc ("export", "--help");
  g_assert_cmpint (r.status, ==, 0);
  static const char *const says[] = { "--table", "--format", "--out", "--list", "RFC 4180",
                                      "%.17g", "text_hex", "primary-key order",
                                      "renamed into place", "Exit status: 0 done, 2" };
  for (guint i = 0; i < G_N_ELEMENTS (says); i++)
    if (strstr (r.out, says[i]) == NULL)
      g_error ("essc export --help does not say %s:\n%s", says[i], r.out);
  essc_test_run_clear (&r);
  r = essc_test_run_essc ("--help");
  g_assert_nonnull (strstr (r.out, "  export "));
  essc_test_run_clear (&r);
  g_assert_true (essc_test_remove_dir (dir));
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/cli/export/run", test_export_run);
  g_test_add_func ("/cli/export/kinds", test_export_kinds);
  g_test_add_func ("/cli/export/edges", test_export_edges);
  g_test_add_func ("/cli/export/hostile", test_export_hostile);
  g_test_add_func ("/cli/export/write-fails", test_export_write_fails);
  g_test_add_func ("/cli/export/usage", test_export_usage);
  return g_test_run ();
}
