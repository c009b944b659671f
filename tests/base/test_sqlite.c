/* SPDX-License-Identifier: MIT */
/*
 * Tests of base/sqlite: SQLite failures as GErrors naming the file and what
 * was being done, statements stepped, reset and cleared, NaN and NULL text
 * bound as SQL NULL, the rule for replacing a file, and the atomic write:
 * a new or replaced database on success, and on every failure (the fill
 * gives up, COMMIT fails, bad pragmas, the folder missing or unwritable, the
 * target a directory) the old file intact and no temporary left behind.
 */
#include "base/sqlite.h"
#include "tests/lib/testutil.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TEST_ERROR (g_quark_from_static_string ("test-sqlite-error-quark"))
#define APP_ID 0x45535343

/* A temporary folder (its path), removed with its files when freed. */
typedef char Tmp;

static void
tmp_free (Tmp *dir)
{
  essc_test_remove_dir (dir);
  g_free (dir);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Tmp, tmp_free)

static Tmp *
tmp_new (void)
{
  g_autoptr (GError) error = NULL;
  Tmp *dir = g_dir_make_tmp ("essc-base-sqlite-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

/* Returns: (transfer full) the path of name in t. */
static char *
tmp_path (const Tmp *t, const char *name)
{
  return g_build_filename (t, name, NULL);
}

static int
cmp_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Returns: (transfer full) the names in dir, sorted, joined by spaces. */
static char *
listing (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, cmp_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

/* Runs sql on the database at path (created when missing). */
static void
sql_run (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  sqlite3_close (db);
}

/* Returns: (transfer full) the first column of the first row of sql on the
 * database at path, as text ("NULL" for NULL). */
static char *
sql_text (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &st, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  char *v = g_strdup (sqlite3_column_type (st, 0) == SQLITE_NULL
                          ? "NULL"
                          : (const char *) sqlite3_column_text (st, 0));
  sqlite3_finalize (st);
  sqlite3_close (db);
  return v;
}

static void
write_file (const char *path, const char *text)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
}

/* Returns: (transfer full) the bytes of the file at path. */
static char *
read_file (const char *path, gsize *len)
{
  char *data = NULL;
  g_assert_true (g_file_get_contents (path, &data, len, NULL));
  return data;
}

/* A database in a folder of its own, opened through base_sqlite_open
 * (errors TEST_ERROR, code 7), with table t (a INTEGER UNIQUE, b) and an
 * INSERT into it prepared. */
typedef struct {
  Tmp *tmp;
  char *path;
  BaseSqlite s;
  sqlite3_stmt *insert;
} Db;

/* Finalizes the INSERT and closes the connection; the file stays. */
static void
db_close (Db *d)
{
  g_clear_pointer (&d->insert, sqlite3_finalize);
  g_clear_pointer (&d->s.db, sqlite3_close);
}

static void
db_free (Db *d)
{
  db_close (d);
  tmp_free (d->tmp);
  g_free (d->path);
  g_free (d);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Db, db_free)

static Db *
db_new (void)
{
  Db *d = g_new0 (Db, 1);
  d->tmp = tmp_new ();
  d->path = tmp_path (d->tmp, "a.db");
  d->s = (BaseSqlite){ NULL, d->path, TEST_ERROR, 7 };
  g_autoptr (GError) error = NULL;
  g_assert_true (base_sqlite_open (&d->s, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "open",
                                   &error));
  g_assert_nonnull (d->s.db);
  g_assert_true (base_sqlite_exec (&d->s, "CREATE TABLE t (a INTEGER UNIQUE, b)", "schema",
                                   &error));
  d->insert = base_sqlite_prepare (&d->s, "INSERT INTO t VALUES (?, ?)", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (d->insert);
  return d;
}

/* ---- errors ------------------------------------------------------------ */

static void
test_fail_names_file (void)
{
  g_autoptr (Db) d = db_new ();
  g_autoptr (GError) error = NULL;

  /* A failed prepare: "PATH: WHAT: SQLite's message", what NULL says "prepare". */
  g_assert_null (base_sqlite_prepare (&d->s, "SELEC 1", NULL, &error));
  g_assert_error (error, TEST_ERROR, 7);
  g_autofree char *want = g_strdup_printf ("%s: prepare: %s", d->path, sqlite3_errmsg (d->s.db));
  g_assert_cmpstr (error->message, ==, want);
  g_assert_nonnull (strstr (error->message, "syntax error"));
  g_clear_error (&error);
  g_assert_null (base_sqlite_prepare (&d->s, "SELECT * FROM nowhere", "reading nowhere", &error));
  g_autofree char *want2 = g_strdup_printf ("%s: reading nowhere: no such table: nowhere",
                                            d->path);
  g_assert_cmpstr (error->message, ==, want2);
  g_clear_error (&error);

  /* A failed exec names what was being done. */
  g_assert_false (base_sqlite_exec (&d->s, "DROP TABLE nowhere", "dropping", &error));
  g_autofree char *want3 = g_strdup_printf ("%s: dropping: no such table: nowhere", d->path);
  g_assert_cmpstr (error->message, ==, want3);
  g_clear_error (&error);

  /* No connection at all: SQLite's own word for it. */
  BaseSqlite none = { NULL, "x.db", TEST_ERROR, 3 };
  g_assert_false (base_sqlite_fail (&none, "open", &error));
  g_assert_error (error, TEST_ERROR, 3);
  g_assert_cmpstr (error->message, ==, "x.db: open: out of memory");
  g_assert_false (base_sqlite_fail (&none, "open", NULL)); /* error may be NULL */
}

static void
test_fail_rc (void)
{
  g_autoptr (Db) d = db_new ();
  g_autofree char *noise = tmp_path (d->tmp, "noise.db");
  g_autoptr (GError) error = NULL;

  /* Not an SQLite file: opens, fails at the first read as damaged. */
  char junk[4096];
  memset (junk, 'x', sizeof junk);
  junk[sizeof junk - 1] = '\0';
  write_file (noise, junk);
  BaseSqlite s = { NULL, noise, TEST_ERROR, 1 };
  g_assert_true (base_sqlite_open (&s, SQLITE_OPEN_READONLY, "open", &error));
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (s.db, "PRAGMA application_id", -1, &st, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (st);
  sqlite3_finalize (st);
  g_assert_true (base_sqlite_damaged (rc));
  g_assert_false (base_sqlite_fail_rc (&s, rc, 2, "reading the header", &error));
  g_assert_error (error, TEST_ERROR, 2);
  g_autofree char *want = g_strdup_printf ("%s: reading the header: damaged or not an SQLite "
                                           "database (file is not a database)", noise);
  g_assert_cmpstr (error->message, ==, want);
  g_clear_error (&error);
  sqlite3_close (s.db);

  /* Anything else: the caller's code, SQLite's message and the code's text. */
  rc = sqlite3_exec (d->s.db, "INSERT INTO t VALUES (1, 1); INSERT INTO t VALUES (1, 2)", NULL,
                     NULL, NULL);
  g_assert_cmpint (rc, ==, SQLITE_CONSTRAINT);
  g_assert_false (base_sqlite_damaged (rc));
  g_assert_false (base_sqlite_fail_rc (&d->s, rc, 2, "inserting", &error));
  g_assert_error (error, TEST_ERROR, 7);
  g_autofree char *want2 = g_strdup_printf ("%s: inserting: UNIQUE constraint failed: t.a "
                                            "(constraint failed)", d->path);
  g_assert_cmpstr (error->message, ==, want2);
  g_assert_true (base_sqlite_damaged (SQLITE_CORRUPT_INDEX)); /* extended codes too */
  g_assert_true (base_sqlite_damaged (SQLITE_FORMAT));
  g_assert_false (base_sqlite_damaged (SQLITE_BUSY));
}

static void
test_open_fails (void)
{
  g_autoptr (Tmp) t = tmp_new ();
  g_autofree char *path = g_build_filename (t, "no-such-folder", "a.db", NULL);
  g_autoptr (GError) error = NULL;
  BaseSqlite s = { NULL, path, TEST_ERROR, 4 };
  g_assert_false (base_sqlite_open (&s, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                    "cannot open", &error));
  g_assert_null (s.db); /* the half-open handle is closed */
  g_assert_error (error, TEST_ERROR, 4);
  g_autofree char *want = g_strdup_printf ("%s: cannot open: unable to open database file",
                                           path);
  g_assert_cmpstr (error->message, ==, want);
}

/* A hostile file's schema is not trusted: a view calling a function with a
 * side effect cannot be read, and a read-only connection is defensive. */
static void
test_open_distrusts (void)
{
  g_autoptr (Tmp) t = tmp_new ();
  g_autofree char *path = g_build_filename (t, "v.db", NULL);
  sqlite3 *raw = NULL;
  g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, "CREATE VIEW v AS SELECT load_extension ('x') AS a",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);
  const int modes[] = { SQLITE_OPEN_READONLY, SQLITE_OPEN_READWRITE };
  for (gsize i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      BaseSqlite s = { NULL, path, TEST_ERROR, 4 };
      g_assert_true (base_sqlite_open (&s, modes[i], "open", NULL));
      int trusted = -1, defensive = -1;
      sqlite3_db_config (s.db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, -1, &trusted);
      sqlite3_db_config (s.db, SQLITE_DBCONFIG_DEFENSIVE, -1, &defensive);
      g_assert_cmpint (trusted, ==, 0);
      g_assert_cmpint (defensive, ==, modes[i] == SQLITE_OPEN_READONLY);
      sqlite3_stmt *st = NULL;
      int rc = sqlite3_prepare_v2 (s.db, "SELECT a FROM v", -1, &st, NULL);
      g_assert_cmpint (rc, ==, SQLITE_ERROR);
      g_assert_nonnull (strstr (sqlite3_errmsg (s.db), "unsafe use of load_extension"));
      sqlite3_finalize (st);
      sqlite3_close (s.db);
    }
}

/* What a hostile schema may hold, each found and named; a plain schema
 * with tables and an index holds none. */
static void
test_schema_code (void)
{
  static const struct {
    const char *sql, *found;
  } cases[] = {
    { "CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT); CREATE INDEX tb ON t (b)", NULL },
    { "CREATE TABLE t (a); CREATE VIEW v AS SELECT a FROM t", "a view v" },
    { "CREATE TABLE t (a); CREATE TABLE u (a); CREATE TRIGGER tr AFTER INSERT ON t "
      "BEGIN INSERT INTO u VALUES (1); END", "a trigger tr" },
    { "CREATE TABLE t (a INTEGER, b INTEGER AS (a * 2))", "a generated column t.b" },
    { "CREATE TABLE t (a INTEGER, b INTEGER GENERATED ALWAYS AS (a + 1) STORED)",
      "a generated column t.b" },
    { "CREATE VIRTUAL TABLE r USING rtree (id, x0, x1)", "a virtual table r" },
  };
  g_autoptr (Tmp) t = tmp_new ();
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("s%" G_GSIZE_FORMAT ".db", i);
      g_autofree char *path = g_build_filename (t, name, NULL);
      sqlite3 *raw = NULL;
      g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_exec (raw, cases[i].sql, NULL, NULL, NULL), ==, SQLITE_OK);
      sqlite3_close (raw);
      BaseSqlite s = { NULL, path, TEST_ERROR, 4 };
      g_assert_true (base_sqlite_open (&s, SQLITE_OPEN_READONLY, "open", NULL));
      g_autofree char *found = base_sqlite_schema_code (s.db);
      g_assert_cmpstr (found, ==, cases[i].found);
      sqlite3_close (s.db);
    }
}

/* ---- statements -------------------------------------------------------- */

static void
test_step (void)
{
  g_autoptr (Db) d = db_new ();
  g_autoptr (GError) error = NULL;
  sqlite3_stmt *st = d->insert;

  sqlite3_bind_int (st, 1, 1);
  sqlite3_bind_int (st, 2, 10);
  g_assert_true (base_sqlite_step (&d->s, st, "insert t", &error));
  g_assert_no_error (error);
  /* Reset and cleared: stepped again without binding, it inserts NULLs. */
  g_assert_true (base_sqlite_step (&d->s, st, "insert t", &error));
  g_assert_no_error (error);
  /* A failure names what, or the statement's SQL when what is NULL. */
  sqlite3_bind_int (st, 1, 1);
  g_assert_false (base_sqlite_step (&d->s, st, "insert t", &error));
  g_autofree char *want = g_strdup_printf ("%s: insert t: UNIQUE constraint failed: t.a",
                                           d->path);
  g_assert_cmpstr (error->message, ==, want);
  g_clear_error (&error);
  sqlite3_bind_int (st, 1, 1);
  g_assert_false (base_sqlite_step (&d->s, st, NULL, &error));
  g_autofree char *want2 = g_strdup_printf ("%s: INSERT INTO t VALUES (?, ?): UNIQUE constraint "
                                            "failed: t.a", d->path);
  g_assert_cmpstr (error->message, ==, want2);
  g_clear_error (&error);
  /* ...and the statement is usable again after a failure. */
  sqlite3_bind_int (st, 1, 2);
  g_assert_true (base_sqlite_step (&d->s, st, NULL, &error));
  db_close (d);
  g_autofree char *rows = sql_text (d->path, "SELECT group_concat(ifnull(a, 'NULL') || ':' || "
                                             "ifnull(b, 'NULL'), ',') FROM (SELECT * FROM t "
                                             "ORDER BY rowid)");
  g_assert_cmpstr (rows, ==, "1:10,NULL:NULL,2:NULL");
}

/* NaN is stored as NULL (the helper says so; SQLite 3.40 would too, so this
 * pins the contract rather than the branch), other reals as they are; NULL
 * text as NULL, other text copied at bind time. */
static void
test_bind_null (void)
{
  g_autoptr (Db) d = db_new ();
  g_autoptr (GError) error = NULL;
  sqlite3_stmt *st = d->insert;
  const double values[] = { NAN, 1.5, -0.0, INFINITY };
  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    {
      sqlite3_bind_int (st, 1, (int) i);
      base_sqlite_bind_real (st, 2, values[i]);
      g_assert_true (base_sqlite_step (&d->s, st, NULL, &error));
    }
  char text[] = "copied";
  sqlite3_bind_int (st, 1, 10);
  base_sqlite_bind_text (st, 2, text);
  memcpy (text, "change", 6); /* the binding holds a copy */
  g_assert_true (base_sqlite_step (&d->s, st, NULL, &error));
  sqlite3_bind_int (st, 1, 11);
  base_sqlite_bind_text (st, 2, NULL);
  g_assert_true (base_sqlite_step (&d->s, st, NULL, &error));
  g_assert_no_error (error);
  db_close (d);
  g_autofree char *types = sql_text (d->path, "SELECT group_concat(typeof(b), ',') FROM "
                                              "(SELECT b FROM t ORDER BY a)");
  g_assert_cmpstr (types, ==, "null,real,real,real,text,null");
  g_autofree char *real = sql_text (d->path, "SELECT b FROM t WHERE a = 1");
  g_assert_cmpstr (real, ==, "1.5");
  g_autofree char *copy = sql_text (d->path, "SELECT b FROM t WHERE a = 10");
  g_assert_cmpstr (copy, ==, "copied");
}

/* ---- replacing a file -------------------------------------------------- */

/* What may be replaced: nothing, or an SQLite file of the same application_id. */
static void
test_may_replace (void)
{
  static const struct {
    const char *name;
    const char *sql;  /* run on it, or */
    const char *text; /* written to it, or a directory when both are NULL */
    gboolean may;
  } cases[] = {
    { "ours.db", "PRAGMA application_id = 1163088707", NULL, TRUE },
    { "zero.db", "PRAGMA user_version = 1", NULL, FALSE },
    { "theirs.db", "CREATE TABLE songs (title TEXT)", NULL, FALSE },
    { "other-id.db", "PRAGMA application_id = 1163088708", NULL, FALSE },
    { "plain.db", NULL, "not a database, but some notes\n", FALSE },
    { "empty.db", NULL, "", FALSE },
    { "dir.db", NULL, NULL, FALSE },
  };
  g_autoptr (Tmp) t = tmp_new ();
  g_autofree char *missing = tmp_path (t, "missing.db");
  g_assert_true (base_sqlite_may_replace (missing, APP_ID));
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS)); /* asking creates nothing */
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = tmp_path (t, cases[i].name);
      if (cases[i].sql != NULL)
        sql_run (path, cases[i].sql);
      else if (cases[i].text != NULL)
        write_file (path, cases[i].text);
      else
        g_assert_cmpint (g_mkdir (path, 0755), ==, 0);
      g_test_message ("%s", cases[i].name);
      g_assert_cmpint (base_sqlite_may_replace (path, APP_ID), ==, cases[i].may);
      if (cases[i].text != NULL)
        {
          gsize len;
          g_autofree char *kept = read_file (path, &len);
          g_assert_cmpstr (kept, ==, cases[i].text); /* asking changes nothing */
        }
      if (cases[i].sql == NULL && cases[i].text == NULL)
        g_rmdir (path);
    }
}

/* ---- the atomic write -------------------------------------------------- */

/* How the fill behaves: rows to write, then what to do at the end. */
typedef enum { FILL_OK, FILL_GIVE_UP, FILL_COMMITS, FILL_BAD_SQL } FillMode;

typedef struct {
  FillMode mode;
  int rows;
  gboolean called;
  gboolean in_transaction;
} Fill;

static gboolean
fill (const BaseSqlite *s, gpointer data, GError **error)
{
  Fill *f = data;
  f->called = TRUE;
  f->in_transaction = !sqlite3_get_autocommit (s->db);
  if (!base_sqlite_exec (s, "CREATE TABLE r (n INTEGER, x REAL)", "schema", error))
    return FALSE;
  sqlite3_stmt *st = base_sqlite_prepare (s, "INSERT INTO r VALUES (?, ?)", NULL, error);
  if (st == NULL)
    return FALSE;
  for (int i = 0; i < f->rows; i++)
    {
      sqlite3_bind_int (st, 1, i);
      base_sqlite_bind_real (st, 2, i % 2 ? NAN : i / 2.0);
      if (!base_sqlite_step (s, st, "insert r", error))
        return sqlite3_finalize (st), FALSE;
    }
  sqlite3_finalize (st);
  switch (f->mode)
    {
    case FILL_GIVE_UP:
      g_set_error (error, TEST_ERROR, 99, "the fill gave up after %d rows", f->rows);
      return FALSE;
    case FILL_COMMITS: /* so the write's own COMMIT fails */
      return base_sqlite_exec (s, "COMMIT", "early commit", error);
    case FILL_BAD_SQL:
      return base_sqlite_exec (s, "INSERT INTO nowhere VALUES (1)", "insert nowhere", error);
    default:
      return TRUE;
    }
}

static const char PRAGMAS[] = "PRAGMA application_id = 1163088707; PRAGMA user_version = 3;"
                              " PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;";

static gboolean
write_db (const char *path, const char *pragmas, Fill *f, GError **error)
{
  return base_sqlite_write_atomic (path, TEST_ERROR, 5, pragmas, fill, f, error);
}

static void
test_atomic_new (void)
{
  g_autoptr (Tmp) t = tmp_new ();
  g_autofree char *path = tmp_path (t, "run.db");
  g_autoptr (GError) error = NULL;
  Fill f = { FILL_OK, 100, FALSE, FALSE };
  g_assert_true (write_db (path, PRAGMAS, &f, &error));
  g_assert_no_error (error);
  g_assert_true (f.in_transaction);
  g_autofree char *names = listing (t);
  g_assert_cmpstr (names, ==, "run.db"); /* no temporary, no journal left */
  g_autofree char *n = sql_text (path, "SELECT count(*) || ',' || count(x) FROM r");
  g_assert_cmpstr (n, ==, "100,50");
  g_autofree char *app = sql_text (path, "PRAGMA application_id");
  g_assert_cmpstr (app, ==, "1163088707");
  g_autofree char *version = sql_text (path, "PRAGMA user_version");
  g_assert_cmpstr (version, ==, "3");
  g_assert_true (base_sqlite_may_replace (path, APP_ID));

  /* The mode SQLite itself would have given a new file. */
  g_autofree char *ref = tmp_path (t, "ref.db");
  sql_run (ref, "CREATE TABLE x (y)");
  GStatBuf a, b;
  g_assert_cmpint (g_stat (path, &a), ==, 0);
  g_assert_cmpint (g_stat (ref, &b), ==, 0);
  g_assert_cmpint (a.st_mode & 0777, ==, b.st_mode & 0777);

  /* Written again: replaced whole. */
  f.rows = 3;
  g_assert_true (write_db (path, NULL, &f, &error));
  g_assert_no_error (error);
  g_autofree char *n2 = sql_text (path, "SELECT count(*) FROM r");
  g_assert_cmpstr (n2, ==, "3");
  g_autofree char *app2 = sql_text (path, "PRAGMA application_id"); /* no pragmas this time */
  g_assert_cmpstr (app2, ==, "0");
  g_autofree char *names2 = listing (t);
  g_assert_cmpstr (names2, ==, "ref.db run.db");
}

/* Writes over an existing target with f, which must fail with an error
 * of code whose message is want with PATH replaced by the target's path;
 * the target keeps its bytes and the folder its names. */
static void
expect_failure (const Tmp *t, const char *path, const char *pragmas, Fill *f, int code,
                const char *want)
{
  gsize before_len = 0, after_len = 0;
  g_autofree char *before = read_file (path, &before_len);
  g_autofree char *names = listing (t);
  g_autoptr (GError) error = NULL;
  g_assert_false (write_db (path, pragmas, f, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_error (error, TEST_ERROR, code);
  g_autoptr (GString) expected = g_string_new (want);
  g_string_replace (expected, "PATH", path, 0);
  g_assert_cmpstr (error->message, ==, expected->str);
  g_autofree char *after = read_file (path, &after_len);
  g_assert_cmpmem (before, before_len, after, after_len);
  g_autofree char *names_after = listing (t);
  g_assert_cmpstr (names_after, ==, names);
}

/* Returns: (transfer full) the path of run.db in t, written with 10 rows. */
static char *
existing_target (const Tmp *t)
{
  char *path = tmp_path (t, "run.db");
  Fill ok = { FILL_OK, 10, FALSE, FALSE };
  g_autoptr (GError) error = NULL;
  g_assert_true (write_db (path, PRAGMAS, &ok, &error));
  g_assert_no_error (error);
  return path;
}

static void
test_atomic_failure_leaves_nothing (void)
{
  g_autoptr (Tmp) t = tmp_new ();
  g_autofree char *path = existing_target (t);
  Fill give_up = { FILL_GIVE_UP, 1000, FALSE, FALSE };
  expect_failure (t, path, PRAGMAS, &give_up, 99, "the fill gave up after 1000 rows");
  Fill bad = { FILL_BAD_SQL, 5, FALSE, FALSE };
  expect_failure (t, path, PRAGMAS, &bad, 5, "PATH: insert nowhere: no such table: nowhere");
  Fill commits = { FILL_COMMITS, 5, FALSE, FALSE };
  expect_failure (t, path, PRAGMAS, &commits, 5,
                  "PATH: commit: cannot commit - no transaction is active");
  Fill never = { FILL_OK, 5, FALSE, FALSE };
  expect_failure (t, path, "PRAGMA nonsense(", &never, 5,
                  "PATH: create: incomplete input");
  g_assert_false (never.called);
  g_autofree char *n = sql_text (path, "SELECT count(*) FROM r");
  g_assert_cmpstr (n, ==, "10");
}

static void
test_atomic_missing_folder (void)
{
  g_autoptr (Tmp) t = tmp_new ();
  g_autofree char *path = g_build_filename (t, "no-such-folder", "run.db", NULL);
  g_autoptr (GError) error = NULL;
  Fill f = { FILL_OK, 1, FALSE, FALSE };
  g_assert_false (write_db (path, PRAGMAS, &f, &error));
  g_assert_error (error, TEST_ERROR, 5);
  g_autofree char *want = g_strdup_printf ("%s: create: %s", path, g_strerror (ENOENT));
  g_assert_cmpstr (error->message, ==, want);
  g_assert_false (f.called);
  g_autofree char *names = listing (t);
  g_assert_cmpstr (names, ==, "");
}

static void
test_atomic_unwritable_folder (void)
{
  g_autoptr (Tmp) t = tmp_new ();
  g_autofree char *path = existing_target (t);
  g_assert_cmpint (g_chmod (t, 0555), ==, 0);
  if (access (t, W_OK) == 0) /* root writes anyway */
    {
      g_chmod (t, 0755);
      g_test_skip ("the folder stays writable for this user (root)");
      return;
    }
  Fill f = { FILL_OK, 1, FALSE, FALSE };
  g_autofree char *want = g_strconcat ("PATH: create: ", g_strerror (EACCES), NULL);
  expect_failure (t, path, PRAGMAS, &f, 5, want);
  g_assert_false (f.called);
  g_chmod (t, 0755);
}

static void
test_atomic_target_is_directory (void)
{
  g_autoptr (Tmp) t = tmp_new ();
  g_autofree char *path = tmp_path (t, "run.db");
  g_assert_cmpint (g_mkdir (path, 0755), ==, 0);
  g_assert_false (base_sqlite_may_replace (path, APP_ID));
  g_autoptr (GError) error = NULL;
  Fill f = { FILL_OK, 10, FALSE, FALSE };
  g_assert_false (write_db (path, PRAGMAS, &f, &error));
  g_assert_error (error, TEST_ERROR, 5);
  g_autofree char *want = g_strdup_printf ("%s: cannot rename into place: %s", path,
                                           g_strerror (EISDIR));
  g_assert_cmpstr (error->message, ==, want);
  g_assert_true (f.called);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_DIR));
  g_autofree char *names = listing (t);
  g_assert_cmpstr (names, ==, "run.db");
  g_autofree char *inside = listing (path);
  g_assert_cmpstr (inside, ==, "");
  g_rmdir (path);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/base/sqlite/fail/names-file", test_fail_names_file);
  g_test_add_func ("/base/sqlite/fail/damaged-or-code", test_fail_rc);
  g_test_add_func ("/base/sqlite/open/fails-closed", test_open_fails);
  g_test_add_func ("/base/sqlite/open/distrusts-schema", test_open_distrusts);
  g_test_add_func ("/base/sqlite/schema-code", test_schema_code);
  g_test_add_func ("/base/sqlite/step/resets-and-names", test_step);
  g_test_add_func ("/base/sqlite/bind/nan-and-null-text", test_bind_null);
  g_test_add_func ("/base/sqlite/may-replace", test_may_replace);
  g_test_add_func ("/base/sqlite/atomic/new-and-replaced", test_atomic_new);
  g_test_add_func ("/base/sqlite/atomic/failure-leaves-nothing",
                   test_atomic_failure_leaves_nothing);
  g_test_add_func ("/base/sqlite/atomic/missing-folder", test_atomic_missing_folder);
  g_test_add_func ("/base/sqlite/atomic/unwritable-folder", test_atomic_unwritable_folder);
  g_test_add_func ("/base/sqlite/atomic/target-is-directory", test_atomic_target_is_directory);
  return g_test_run ();
}
