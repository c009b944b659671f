/* SPDX-License-Identifier: MIT */
/*
 * Tests of base/csv: which fields are quoted and how, NULL against the
 * empty text, CR LF records; and fields of every byte value (random, seed
 * printed) written and read back by the tests' own reader
 * (tests/lib/csv_read.h) unchanged.
 */
#include "base/csv.h"
#include "tests/lib/csv_read.h"
#include "tests/lib/testutil.h"

#include <string.h>

static void
test_csv_quoting (void)
{
  static const struct {
    const char *in, *out;
  } cases[] = {
    { "plain", "plain" },
    { "上海市", "上海市" },
    { "3.1415926535897931", "3.1415926535897931" },
    { "a,b", "\"a,b\"" },
    { "say \"hi\"", "\"say \"\"hi\"\"\"" },
    { "\"", "\"\"\"\"" },
    { "two\nlines", "\"two\nlines\"" },
    { "cr\r", "\"cr\r\"" },
    { "", "\"\"" },
    { " spaced ", " spaced " },
    { "tab\there", "tab\there" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GString) out = g_string_new (NULL);
      base_csv_field (out, TRUE, cases[i].in, -1);
      g_assert_cmpstr (out->str, ==, cases[i].out);
    }
  /* a record: a field, a NULL, an empty text, a counted field with a NUL */
  g_autoptr (GString) rec = g_string_new (NULL);
  base_csv_field (rec, TRUE, "x", -1);
  base_csv_null (rec, FALSE);
  base_csv_field (rec, FALSE, "", 0);
  base_csv_field (rec, FALSE, "a\0b", 3);
  base_csv_end (rec);
  g_assert_cmpmem (rec->str, rec->len, "x,,\"\",a\0b\r\n", 11);
}

/* Random fields over every byte value, many with the special ones, and
 * NULLs: written, read back, compared. */
static void
test_csv_round_trip (void)
{
  guint32 seed = g_test_rand_int ();
  g_test_message ("seed %" G_GUINT32_FORMAT, seed);
  g_autoptr (GRand) rng = g_rand_new_with_seed (seed);
  static const char special[] = ",\"\r\n";
  for (int trial = 0; trial < 200; trial++)
    {
      guint n_rows = (guint) g_rand_int_range (rng, 1, 6);
      guint n_cols = (guint) g_rand_int_range (rng, 1, 5);
      g_autoptr (GPtrArray) want = g_ptr_array_new_with_free_func (g_free);  /* NULL: NULL */
      g_autoptr (GArray) lens = g_array_new (FALSE, FALSE, sizeof (gsize));
      g_autoptr (GString) csv = g_string_new (NULL);
      for (guint r = 0; r < n_rows; r++)
        {
          for (guint c = 0; c < n_cols; c++)
            {
              /* a lone NULL would be an empty line: not written alone */
              if (n_cols > 1 && g_rand_int_range (rng, 0, 8) == 0)
                {
                  g_ptr_array_add (want, NULL);
                  g_array_append_val (lens, (gsize) { 0 });
                  base_csv_null (csv, c == 0);
                  continue;
                }
              gsize len = (gsize) g_rand_int_range (rng, 0, 12);
              char *field = g_malloc (len + 1);
              for (gsize k = 0; k < len; k++)
                field[k] = g_rand_boolean (rng) ? special[g_rand_int_range (rng, 0, 4)]
                                                : (char) g_rand_int_range (rng, 0, 256);
              field[len] = '\0';
              base_csv_field (csv, c == 0, field, (gssize) len);
              g_ptr_array_add (want, field);
              g_array_append_val (lens, len);
            }
          base_csv_end (csv);
        }
      g_autofree char *problem = NULL;
      g_autoptr (GPtrArray) got = csv_read (csv->str, csv->len, &problem);
      g_assert_cmpstr (problem, ==, NULL);
      g_assert_cmpuint (got->len, ==, n_rows);
      for (guint r = 0; r < n_rows; r++)
        {
          GPtrArray *record = got->pdata[r];
          g_assert_cmpuint (record->len, ==, n_cols);
          for (guint c = 0; c < n_cols; c++)
            {
              const CsvField *f = record->pdata[c];
              const char *w = want->pdata[r * n_cols + c];
              if (w == NULL)
                g_assert_null (f->text);
              else
                g_assert_cmpmem (f->text, f->len, w, g_array_index (lens, gsize, r * n_cols + c));
            }
        }
    }
}

/* The reader is strict: it is what the other tests trust. */
static void
test_csv_reader_strict (void)
{
  static const char *const bad[] = { "a\r\nb", "a\nb\r\n", "a\"b\r\n", "\"a\"b\r\n", "\"a\r\n",
                                     "a,\r", "a," };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *problem = NULL;
      g_autoptr (GPtrArray) got = csv_read (bad[i], strlen (bad[i]), &problem);
      g_assert_null (got);
      g_assert_nonnull (problem);
      g_autofree char *shown = g_strescape (bad[i], NULL);
      g_test_message ("%s -> %s", shown, problem);
    }
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/base/csv/quoting", test_csv_quoting);
  g_test_add_func ("/base/csv/round-trip", test_csv_round_trip);
  g_test_add_func ("/base/csv/reader-strict", test_csv_reader_strict);
  return g_test_run ();
}
