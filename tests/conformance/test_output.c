/* SPDX-License-Identifier: MIT */
/*
 * Tests of what a conformance run writes (conformance/output.c), read back
 * by parsers other than essc's: multi-line diagnostics (an IUT's traceback
 * with blank lines, trailing blanks, lines starting with '#', '---' and
 * '...', Chinese, invalid UTF-8, control characters, CR LF) come back as
 * their text from the TAP's YAML (read here line by line by YAML's rules
 * for the two forms essc writes, by TAP::Parser, prove's reader, and by
 * PyYAML when it is installed), from the JUnit XML (GMarkup and Python's
 * expat) and from the JSON results (json-glib).  Also the TAP line and the
 * JUnit element of a test that was not run.
 */
#include "base/text.h"
#include "conformance/output.h"
#include "conformance/runner.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#define TEXT_MAX 2000 /* as conformance/output.c */

#define TRACEBACK                                                            \
  "Traceback (most recent call last):\n"                                     \
  "  File \"verifier.py\", line 12, in <module>\n"                           \
  "    main()   \n"                                                          \
  "\n"                                                                       \
  "  File \"verifier.py\", line 8, in main\n"                                \
  "# not a comment\n"                                                        \
  "--- not a document\n"                                                     \
  "...\n"                                                                    \
  "    \n"                                                                   \
  "key: not a mapping\n"                                                     \
  "ValueError: 身份证号码 11010519491231002X 无效 \xff\xfe (bad bytes)\n"

/* A text and how the TAP's YAML carries it. */
typedef struct {
  const char *name;
  const char *text;
  gboolean block;        /* a literal block "|" (else a double-quoted scalar) */
  const char *prove;     /* what TAP::Parser reads, when it differs from YAML */
} Case;

static const Case CASES[] = {
  /* The traceback as the IUT wrote it, ending in a line feed: exact. */
  { "t/traceback", TRACEBACK, TRUE, NULL },
  /* Inside a refusal's text: a block reads it with one line feed added. */
  { "t/refusal", "refused: internal (" TRACEBACK ")", TRUE, NULL },
  /* CR LF is one line feed; a tab inside a line stays; a tab that starts a
   * line stays for YAML, and prove's reader makes it one space. */
  { "t/crlf-tabs", "first\tline\r\n\tat Verifier.java:12\r\nlast", TRUE,
    "first\tline\n at Verifier.java:12\nlast\n" },
  /* Control characters, U+2028 (a line break to YAML 1.1) and a lone CR
   * become \xNN text. */
  { "t/controls", "colour \x1b[31mred\x1b[0m bell \x07\nU+2028 \xe2\x80\xa8 here\rthere\n",
    TRUE, NULL },
  /* What a block cannot carry: a first line starting with a blank, and a
   * blank last line; these are double-quoted scalars. */
  { "t/leading-blank", "  indented first line\nsecond", FALSE, NULL },
  { "t/trailing-blank-lines", "text\n\n\n", FALSE, NULL },
  { "t/leading-newline", "\nafter an empty line", FALSE, NULL },
  { "t/one-line", "just \"one\" line \\ with a tab\there", FALSE, NULL },
};

#define N_CASES ((guint) G_N_ELEMENTS (CASES))

/* The text every output carries for text: bounded, cleaned. */
static char *
cleaned (const char *text)
{
  return base_text_printable_lines (text, strlen (text), TEXT_MAX);
}

/* What a YAML reader gives for a Case. */
static char *
yaml_expected (const Case *c)
{
  g_autofree char *t = cleaned (c->text);
  if (c->block && !g_str_has_suffix (t, "\n"))
    return g_strconcat (t, "\n", NULL);
  return g_steal_pointer (&t);
}

static const char *const REQS[] = { "ID-2", NULL };

typedef struct {
  ConfRun *run;
  ConfTest *tests;   /* one per result */
  char *dir;
} Fx;

static void
result_free (gpointer p)
{
  ConfTestResult *r = p;
  g_free (r->name);
  g_free (r->reason);
  g_free (r->op);
  g_free (r->expected);
  g_free (r->got);
  g_free (r->stderr_tail);
  g_free (r);
}

/* A run with one failed test per Case (its text as got, message and the
 * IUT's stderr), then one not run. */
static void
fx_set_up (Fx *f, gconstpointer data)
{
  guint n = G_N_ELEMENTS (CASES) + 1;
  f->dir = essc_test_make_tmpdir ("essc-output-XXXXXX");
  f->run = g_new0 (ConfRun, 1);
  f->run->results = g_ptr_array_new_with_free_func (result_free);
  f->run->latency = g_ptr_array_new ();
  f->run->iut_name = g_strdup ("sample");
  f->run->iut_version = g_strdup ("1");
  f->tests = g_new0 (ConfTest, n);
  for (guint i = 0; i < n; i++)
    {
      ConfTest *t = &f->tests[i];
      t->name = i < G_N_ELEMENTS (CASES) ? (char *) CASES[i].name : (char *) "t/not-run";
      t->file = (char *) "t.json";
      t->tc_id = i + 1;
      t->requirements = (GStrv) REQS;
      t->comment = (char *) "a comment";
      ConfTestResult *r = g_new0 (ConfTestResult, 1);
      r->test = t;
      r->name = g_strdup (t->name);
      if (i < G_N_ELEMENTS (CASES))
        {
          r->verdict = CONF_VERDICT_FAIL;
          r->step = 2;
          r->op = g_strdup ("id.validate");
          r->expected = g_strdup ("accepted");
          r->got = g_strdup (CASES[i].text);
          r->reason = g_strdup (CASES[i].text);
          r->stderr_tail = g_strdup (CASES[i].text);
        }
      else
        {
          r->verdict = CONF_VERDICT_NOT_RUN;
          r->reason = g_strdup ("not run: the implementation failed 10 tests in a row "
                                "(timeout, crash, network or protocol error)");
        }
      f->run->counts[r->verdict]++;
      g_ptr_array_add (f->run->results, r);
    }
}

static void
fx_tear_down (Fx *f, gconstpointer data)
{
  conf_run_free (f->run);
  g_free (f->tests);
  essc_test_remove_dir (f->dir);
  g_free (f->dir);
}

static char *
write_tap (Fx *f)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&buf, &len);
  conf_tap_begin (out, f->run->results->len);
  for (guint i = 0; i < f->run->results->len; i++)
    conf_tap_result (out, f->run->results->pdata[i], i);
  fclose (out);
  char *path = g_build_filename (f->dir, "run.tap", NULL);
  g_assert_true (g_file_set_contents (path, buf, (gssize) len, NULL));
  free (buf);
  return path;
}

/* ---- TAP: the YAML read by its own rules ----------------------------------- */

/* Unescapes a YAML double-quoted scalar of the escapes essc writes. */
static char *
unquote (const char *q)
{
  g_assert_true (*q == '"');
  GString *s = g_string_new (NULL);
  for (q++; *q != '"'; q++)
    {
      g_assert_true (*q != '\0');
      if (*q != '\\')
        {
          g_string_append_c (s, *q);
          continue;
        }
      q++;
      switch (*q)
        {
        case 'n': g_string_append_c (s, '\n'); break;
        case 't': g_string_append_c (s, '\t'); break;
        case '"': case '\\': g_string_append_c (s, *q); break;
        default: g_error ("unexpected escape \\%c", *q);
        }
    }
  g_assert_cmpstr (q + 1, ==, "");
  return g_string_free (s, FALSE);
}

/*
 * The members of the YAML block of test number n in tap, read by YAML's
 * rules for what essc writes: the block's lines are indented by two spaces
 * (TAP), each member "key: value" by two more; a value "|" is a literal
 * block whose lines are indented by two more than the key (a line of the
 * indentation alone is an empty line), read with clip chomping: the lines
 * joined by line feeds, and one line feed at the end.
 */
static GHashTable *
yaml_of (const char *tap, guint n)
{
  g_autofree char *head = g_strdup_printf ("not ok %u - ", n);
  g_auto (GStrv) lines = g_strsplit (tap, "\n", -1);
  GHashTable *members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  guint i = 0;
  while (lines[i] != NULL && !g_str_has_prefix (lines[i], head))
    i++;
  g_assert_nonnull (lines[i]);
  g_assert_cmpstr (lines[++i], ==, "  ---");
  for (i++; strcmp (lines[i], "  ...") != 0; i++)
    {
      g_assert_true (g_str_has_prefix (lines[i], "  ") && lines[i][2] != ' ');
      const char *colon = strstr (lines[i], ": ");
      g_assert_nonnull (colon);
      char *key = g_strndup (lines[i] + 2, (gsize) (colon - lines[i] - 2));
      const char *value = colon + 2;
      if (strcmp (value, "|") != 0)
        {
          g_hash_table_insert (members, key, *value == '"' ? unquote (value) : g_strdup (value));
          continue;
        }
      GString *text = g_string_new (NULL);
      while (g_str_has_prefix (lines[i + 1], "    "))
        {
          g_string_append (text, lines[i + 1] + 4);
          g_string_append_c (text, '\n');
          i++;
        }
      g_hash_table_insert (members, key, g_string_free (text, FALSE));
    }
  return members;
}

static void
test_tap_yaml (Fx *f, gconstpointer data)
{
  g_autofree char *path = write_tap (f);
  g_autofree char *tap = NULL;
  g_assert_true (g_file_get_contents (path, &tap, NULL, NULL));
  g_assert_true (g_utf8_validate (tap, -1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (CASES); i++)
    {
      const Case *c = &CASES[i];
      g_test_message ("case %s", c->name);
      g_autoptr (GHashTable) y = yaml_of (tap, i + 1);
      g_autofree char *want = yaml_expected (c);
      g_assert_cmpstr (g_hash_table_lookup (y, "got"), ==, want);
      g_assert_cmpstr (g_hash_table_lookup (y, "message"), ==, want);
      g_assert_cmpstr (g_hash_table_lookup (y, "expected"), ==, "accepted");
      g_assert_cmpstr (g_hash_table_lookup (y, "op"), ==, "id.validate");
      g_assert_cmpstr (g_hash_table_lookup (y, "step"), ==, "2");
      /* The form: "got: |" and indented lines, or one quoted line. */
      g_autofree char *block = g_strdup_printf ("%s\n  ---\n", c->name);
      const char *at = strstr (tap, block);
      g_assert_nonnull (at);
      g_assert_cmpint (strstr (at, "  got: |\n") != NULL
                       && strstr (at, "  got: |\n") < strstr (at, "  ...\n"), ==, c->block);
    }
  /* Its stderr too, and a long one keeps its end, from a line start. */
  g_autoptr (GHashTable) y = yaml_of (tap, 1);
  g_autofree char *want = cleaned (TRACEBACK);
  g_assert_cmpstr (g_hash_table_lookup (y, "stderr"), ==, want);
}

static void
test_stderr_tail (Fx *f, gconstpointer data)
{
  ConfTestResult *r = f->run->results->pdata[0];
  GString *err = g_string_new (NULL);
  for (int i = 0; g_utf8_strlen (err->str, -1) < 3 * TEXT_MAX; i++)
    g_string_append_printf (err, "  File \"x.py\", line %d, in f%d\n", i, i);
  g_string_append (err, "RecursionError: maximum recursion depth exceeded\n");
  g_free (r->stderr_tail);
  r->stderr_tail = g_string_free (err, FALSE);
  g_autofree char *path = write_tap (f);
  g_autofree char *tap = NULL;
  g_assert_true (g_file_get_contents (path, &tap, NULL, NULL));
  g_autoptr (GHashTable) y = yaml_of (tap, 1);
  const char *got = g_hash_table_lookup (y, "stderr");
  g_assert_true (g_str_has_prefix (got, "...\n  File \"x.py\", line "));
  g_assert_true (g_str_has_suffix (got, "\nRecursionError: maximum recursion depth exceeded\n"));
  g_assert_cmpint (g_utf8_strlen (got, -1), <=, TEXT_MAX + 4);
  g_assert_nonnull (strstr (r->stderr_tail, got + 4));
}

/* A test not run: a SKIP with the reason, no diagnostics. */
static void
test_tap_not_run (Fx *f, gconstpointer data)
{
  g_autofree char *path = write_tap (f);
  g_autofree char *tap = NULL;
  g_assert_true (g_file_get_contents (path, &tap, NULL, NULL));
  g_autofree char *line = g_strdup_printf ("\nok %u - ID-2 t/not-run # SKIP not run: the "
                                           "implementation failed 10 tests in a row (timeout, "
                                           "crash, network or protocol error)\n",
                                           N_CASES + 1);
  g_assert_nonnull (strstr (tap, line));
  g_assert_true (g_str_has_suffix (tap, line + 1));
}

/* JSON text as parsed by json-glib (the file's own text). */
static JsonNode *
parse_json (const char *text)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  g_autoptr (GError) error = NULL;
  if (!json_parser_load_from_data (p, text, -1, &error))
    g_error ("not JSON: %s\n%s", error->message, text);
  return json_node_copy (json_parser_get_root (p));
}

/* prove's reader: the whole TAP parses, and each value is the text (with
 * prove's reading of a tab that starts a line). */
static void
test_tap_prove (Fx *f, gconstpointer data)
{
  g_autofree char *path = write_tap (f);
  g_autofree char *script = essc_test_src_path ("tests", "tools", "tap_yaml.pl", NULL);
  EsscTestRun r = essc_test_run_sh ("perl '%s' '%s'", script, path);
  if (r.status != 0)
    g_error ("TAP::Parser: exit %d\n%s", r.status, r.err);
  g_autoptr (JsonNode) root = parse_json (r.out);
  JsonArray *docs = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (docs), ==, G_N_ELEMENTS (CASES));
  for (guint i = 0; i < G_N_ELEMENTS (CASES); i++)
    {
      const Case *c = &CASES[i];
      g_test_message ("case %s", c->name);
      JsonObject *doc = json_array_get_object_element (docs, i);
      g_assert_cmpint (json_object_get_int_member (doc, "test"), ==, i + 1);
      JsonObject *y = json_object_get_object_member (doc, "yaml");
      g_autofree char *want = c->prove ? g_strdup (c->prove) : yaml_expected (c);
      g_assert_cmpstr (json_object_get_string_member (y, "got"), ==, want);
      g_assert_cmpstr (json_object_get_string_member (y, "stderr"), ==, want);
    }
  essc_test_run_clear (&r);

  /* And prove itself counts every test. */
  r = essc_test_run_sh ("prove --exec cat '%s' 2>&1", path);
  g_assert_cmpint (r.status, ==, 1);
  g_autofree char *counted = g_strdup_printf ("Tests: %u Failed: %u", N_CASES + 1, N_CASES);
  g_assert_nonnull (strstr (r.out, counted));
  g_assert_null (strstr (r.out, "Parse errors"));
  essc_test_run_clear (&r);
}

/* A YAML parser (PyYAML), when there is one. */
static void
test_tap_pyyaml (Fx *f, gconstpointer data)
{
  g_autofree char *path = write_tap (f);
  g_autofree char *script = essc_test_src_path ("tests", "tools", "readback.py", NULL);
  EsscTestRun r = essc_test_run_sh ("python3 '%s' tap-yaml '%s'", script, path);
  if (r.status == 77)
    {
      g_test_skip ("PyYAML is not installed");
      essc_test_run_clear (&r);
      return;
    }
  if (r.status != 0)
    g_error ("readback.py tap-yaml: exit %d\n%s", r.status, r.err);
  g_autoptr (JsonNode) root = parse_json (r.out);
  JsonArray *docs = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (docs), ==, G_N_ELEMENTS (CASES));
  for (guint i = 0; i < G_N_ELEMENTS (CASES); i++)
    {
      g_test_message ("case %s", CASES[i].name);
      JsonObject *y = json_object_get_object_member (json_array_get_object_element (docs, i),
                                                     "yaml");
      g_autofree char *want = yaml_expected (&CASES[i]);
      g_assert_cmpstr (json_object_get_string_member (y, "got"), ==, want);
      g_assert_cmpstr (json_object_get_string_member (y, "message"), ==, want);
      g_assert_cmpstr (json_object_get_string_member (y, "stderr"), ==, want);
      g_assert_cmpint (json_object_get_int_member (y, "step"), ==, 2);
    }
  essc_test_run_clear (&r);
}

/* ---- JUnit ------------------------------------------------------------------ */

/* The failure text of a Case's test. */
static char *
junit_body (const Case *c)
{
  g_autofree char *t = cleaned (c->text);
  return g_strdup_printf ("step 2, op id.validate\nexpected: accepted\ngot: %s\nstderr:\n%s", t,
                          t);
}

typedef struct {
  GPtrArray *names, *messages, *texts;  /* per element with a message */
  GString *text;
  gboolean in;
} Markup;

static void
on_start (GMarkupParseContext *ctx, const char *element, const char **names,
          const char **values, gpointer data, GError **error)
{
  Markup *m = data;
  for (int i = 0; names[i] != NULL; i++)
    if (strcmp (names[i], "message") == 0)
      {
        g_ptr_array_add (m->names, g_strdup (element));
        g_ptr_array_add (m->messages, g_strdup (values[i]));
        g_string_truncate (m->text, 0);
        m->in = TRUE;
      }
}

static void
on_text (GMarkupParseContext *ctx, const char *text, gsize len, gpointer data, GError **error)
{
  Markup *m = data;
  if (m->in)
    g_string_append_len (m->text, text, (gssize) len);
}

static void
on_end (GMarkupParseContext *ctx, const char *element, gpointer data, GError **error)
{
  Markup *m = data;
  if (m->in)
    g_ptr_array_add (m->texts, g_strdup (m->text->str));
  m->in = FALSE;
}

static void
test_junit (Fx *f, gconstpointer data)
{
  g_autofree char *xml = conf_junit_render (f->run, "verifier");
  g_autofree char *path = g_build_filename (f->dir, "junit.xml", NULL);
  g_assert_true (g_file_set_contents (path, xml, -1, NULL));

  /* GMarkup. */
  Markup m = { g_ptr_array_new_with_free_func (g_free), g_ptr_array_new_with_free_func (g_free),
               g_ptr_array_new_with_free_func (g_free), g_string_new (NULL), FALSE };
  const GMarkupParser parser = { on_start, on_end, on_text, NULL, NULL };
  g_autoptr (GMarkupParseContext) ctx = g_markup_parse_context_new (&parser, 0, &m, NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (g_markup_parse_context_parse (ctx, xml, -1, &error));
  g_assert_no_error (error);
  g_assert_true (g_markup_parse_context_end_parse (ctx, &error));
  g_assert_cmpuint (m.messages->len, ==, G_N_ELEMENTS (CASES) + 1);
  for (guint i = 0; i < G_N_ELEMENTS (CASES); i++)
    {
      g_test_message ("case %s", CASES[i].name);
      g_autofree char *want = cleaned (CASES[i].text);
      g_autofree char *body = junit_body (&CASES[i]);
      g_assert_cmpstr (m.names->pdata[i], ==, "failure");
      g_assert_cmpstr (m.messages->pdata[i], ==, want);
      g_assert_cmpstr (m.texts->pdata[i], ==, body);
    }
  g_assert_cmpstr (m.names->pdata[G_N_ELEMENTS (CASES)], ==, "skipped");
  g_assert_true (g_str_has_prefix (m.messages->pdata[G_N_ELEMENTS (CASES)], "not run: "));
  g_ptr_array_unref (m.names);
  g_ptr_array_unref (m.messages);
  g_ptr_array_unref (m.texts);
  g_string_free (m.text, TRUE);
  g_assert_nonnull (strstr (xml, "failures=\"8\" errors=\"0\" skipped=\"1\""));

  /* Python's expat, which normalises a raw line feed in an attribute. */
  g_autofree char *script = essc_test_src_path ("tests", "tools", "readback.py", NULL);
  EsscTestRun r = essc_test_run_sh ("python3 '%s' junit '%s'", script, path);
  if (r.status != 0)
    g_error ("readback.py junit: exit %d\n%s", r.status, r.err);
  g_autoptr (JsonNode) root = parse_json (r.out);
  JsonArray *cases = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (cases), ==, G_N_ELEMENTS (CASES) + 1);
  for (guint i = 0; i < G_N_ELEMENTS (CASES); i++)
    {
      g_test_message ("case %s (expat)", CASES[i].name);
      JsonObject *fail = json_object_get_object_member (json_array_get_object_element (cases, i),
                                                        "failure");
      g_autofree char *want = cleaned (CASES[i].text);
      g_autofree char *body = junit_body (&CASES[i]);
      g_assert_cmpstr (json_object_get_string_member (fail, "message"), ==, want);
      g_assert_cmpstr (json_object_get_string_member (fail, "text"), ==, body);
    }
  JsonObject *last = json_array_get_object_element (cases, G_N_ELEMENTS (CASES));
  g_assert_true (json_object_has_member (last, "skipped"));
  g_assert_false (json_object_has_member (last, "failure"));
  essc_test_run_clear (&r);
}

/* ---- JSON ------------------------------------------------------------------- */

static void
test_json (Fx *f, gconstpointer data)
{
  g_autoptr (ConfPlan) plan = g_new0 (ConfPlan, 1);
  plan->tests = g_ptr_array_new ();
  plan->files = g_ptr_array_new ();
  g_autoptr (ConfProfile) profile = conf_profile_default ("verifier");
  g_autofree char *text = conf_results_render (f->run, plan, "python3 verifier.py", "verifier",
                                               profile);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  /* Line feeds as the escape \n, never as \x0a text. */
  g_assert_nonnull (strstr (text, "Traceback (most recent call last):\\n  File"));
  g_assert_null (strstr (text, "\\\\x0a"));
  g_autoptr (JsonNode) root = parse_json (text);
  JsonObject *o = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (o, "verdict"), ==, "not conformant");
  g_assert_true (json_object_get_null_member (o, "only"));
  JsonObject *summary = json_object_get_object_member (o, "summary");
  g_assert_cmpint (json_object_get_int_member (summary, "not_run"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (summary, "fail"), ==, G_N_ELEMENTS (CASES));
  JsonArray *tests = json_object_get_array_member (o, "tests");
  for (guint i = 0; i < G_N_ELEMENTS (CASES); i++)
    {
      g_test_message ("case %s", CASES[i].name);
      JsonObject *t = json_array_get_object_element (tests, i);
      g_autofree char *want = cleaned (CASES[i].text);
      g_assert_cmpstr (json_object_get_string_member (t, "got"), ==, want);
      g_assert_cmpstr (json_object_get_string_member (t, "reason"), ==, want);
      g_assert_cmpstr (json_object_get_string_member (t, "stderr"), ==, want);
    }
  JsonObject *last = json_array_get_object_element (tests, G_N_ELEMENTS (CASES));
  g_assert_cmpstr (json_object_get_string_member (last, "verdict"), ==, "not_run");
  g_assert_true (json_object_get_null_member (last, "stderr"));
}

/* The cleaning itself: what stays and what becomes \xNN text. */
static void
test_cleaned (void)
{
  g_autofree char *a = cleaned ("a\r\nb\rc\td\n\xe4\xb8\xad \xff \xe2\x80\xa8 \xef\xbb\xbf \x7f");
  g_assert_cmpstr (a, ==, "a\nb\\x0dc\td\n中 \\xff \\xe2\\x80\\xa8 \\xef\\xbb\\xbf \\x7f");
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add (path, Fx, NULL, fx_set_up, fn, fx_tear_down)
  g_test_add_func ("/conf/output/cleaned", test_cleaned);
  ADD ("/conf/output/tap-yaml-blocks", test_tap_yaml);
  ADD ("/conf/output/tap-stderr-tail", test_stderr_tail);
  ADD ("/conf/output/tap-not-run", test_tap_not_run);
  ADD ("/conf/output/tap-read-by-prove", test_tap_prove);
  ADD ("/conf/output/tap-read-by-pyyaml", test_tap_pyyaml);
  ADD ("/conf/output/junit-read-back", test_junit);
  ADD ("/conf/output/json-read-back", test_json);
  return g_test_run ();
}
