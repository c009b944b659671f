/* SPDX-License-Identifier: MIT */
/*
 * Tests of GB 11643-1999 ID validation (ESSC-STD section 1, ID-*): the
 * published examples, exhaustive single-character corruption, dates,
 * provinces and the county list warning, hostile input.
 */
#include "base/regions.h"
#include "model/std/id.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <string.h>

/* Builds an 18-character ID from 17 digits by appending the check char. */
static void
with_check (const char *digits17, char out[19])
{
  memcpy (out, digits17, 17);
  out[17] = model_id_check_char (digits17);
  out[18] = '\0';
  g_assert_cmpint (out[17], !=, '\0');
}

static void
assert_invalid (const char *id, ModelStdCode code)
{
  g_autoptr (GError) error = NULL;
  g_assert_false (model_id_validate (id, ESSC_TEST_NOW, NULL, &error));
  g_assert_error (error, MODEL_ID_ERROR, (gint) code);
}

/* ID-1, ID-2: the standard's own examples are valid. */
static void
test_examples_valid (void)
{
  ModelIdInfo info;
  g_autoptr (GError) error = NULL;

  g_assert_true (model_id_validate ("11010519491231002X", ESSC_TEST_NOW, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.region, ==, 110105);
  g_assert_cmpuint (info.province, ==, 110000);
  g_assert_true (info.region_known);
  g_assert_cmpint (info.year, ==, 1949);
  g_assert_cmpint (info.month, ==, 12);
  g_assert_cmpint (info.day, ==, 31);
  g_assert_cmpint (info.sequence, ==, 2);
  g_assert_false (info.male);
  g_assert_cmpint (info.check, ==, 'X');

  g_assert_true (model_id_validate ("440524188001010014", ESSC_TEST_NOW, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.year, ==, 1880);
  g_assert_cmpint (info.sequence, ==, 1);
  g_assert_true (info.male);
}

/* ID-2: the check character follows ISO 7064 MOD 11-2. */
static void
test_check_char (void)
{
  g_assert_cmpint (model_id_check_char ("11010519491231002"), ==, 'X');
  g_assert_cmpint (model_id_check_char ("44052418800101001"), ==, '4');
  /* sum = 0 gives remainder 0, check '1' */
  g_assert_cmpint (model_id_check_char ("00000000000000000"), ==, '1');
  g_assert_cmpint (model_id_check_char ("1101051949123100"), ==, '\0');
  g_assert_cmpint (model_id_check_char ("1101051949123100A"), ==, '\0');
  g_assert_cmpint (model_id_check_char (NULL), ==, '\0');
}

/* ID-2: every substitution of one character, by any byte, is refused. */
static void
test_single_corruption (void)
{
  const char *examples[] = { "11010519491231002X", "440524188001010014" };
  for (gsize e = 0; e < G_N_ELEMENTS (examples); e++)
    for (int pos = 0; pos < 18; pos++)
      for (int c = 1; c < 256; c++)
        {
          char id[19];
          if (c == (guchar) examples[e][pos])
            continue;
          memcpy (id, examples[e], 19);
          id[pos] = (char) c;
          g_autoptr (GError) error = NULL;
          if (model_id_validate (id, ESSC_TEST_NOW, NULL, &error))
            g_error ("corrupted ID %s (position %d, byte %d) accepted", id, pos, c);
          g_assert_nonnull (error);
        }
}

/* ID-3: the birth date is a real date, not after the validation day. */
static void
test_birth_date (void)
{
  char id[19];
  ModelIdInfo info;

  with_check ("11010519490230002", id); /* 30 February */
  assert_invalid (id, MODEL_STD_INVALID_ID);
  with_check ("11010519491331002", id); /* month 13 */
  assert_invalid (id, MODEL_STD_INVALID_ID);
  with_check ("11010519491200002", id); /* day 0 */
  assert_invalid (id, MODEL_STD_INVALID_ID);
  with_check ("11010519000229002", id); /* 1900 is not a leap year */
  assert_invalid (id, MODEL_STD_INVALID_ID);
  with_check ("11010520000229002", id); /* 2000 is */
  g_assert_true (model_id_validate (id, ESSC_TEST_NOW, &info, NULL));

  /* ESSC_TEST_NOW is 2020-06-01 00:00 UTC, 08:00 in Beijing. */
  with_check ("11010520200601002", id);
  g_assert_true (model_id_validate (id, ESSC_TEST_NOW, NULL, NULL));
  with_check ("11010520200602002", id);
  assert_invalid (id, MODEL_STD_INVALID_ID);
  /* 2020-06-01 16:00 UTC is already 2 June in Beijing. */
  g_assert_true (model_id_validate (id, ESSC_TEST_NOW + 16 * 3600, NULL, NULL));
  /* Extreme validation times neither overflow nor crash. */
  g_assert_true (model_id_validate (id, G_MAXINT64, NULL, NULL));
  g_assert_false (model_id_validate ("11010519491231002X", G_MININT64, NULL, NULL));
}

/* ID-4, ID-5: the province must be known; an unknown county is a warning. */
static void
test_region (void)
{
  char id[19];
  ModelIdInfo info;

  with_check ("99010519491231002", id);
  assert_invalid (id, MODEL_STD_INVALID_ID);
  with_check ("00010519491231002", id);
  assert_invalid (id, MODEL_STD_INVALID_ID);

  /* 440524 (former Chaoyang county, Shantou) is retired: valid, with a warning. */
  g_assert_true (model_id_validate ("440524188001010014", ESSC_TEST_NOW, &info, NULL));
  g_assert_false (info.region_known);
  g_assert_true (model_id_region_known (110105));
  g_assert_true (model_id_region_known (440500));
  g_assert_true (model_id_region_known (440000));
  g_assert_false (model_id_region_known (440524));
  g_assert_cmpstr (model_id_region_name (110105), ==, "北京市朝阳区");
  g_assert_cmpstr (model_id_region_name (440500), ==, "广东省汕头市");
  g_assert_null (model_id_region_name (440524));
  g_assert_true (model_id_province_known (810000));
  g_assert_false (model_id_province_known (110100));
}

/* ID-7, section 1.1: the division code list shipped with the standard
 * (docs/data/regions-2023.csv) is what tools/gen-std-regions.sh writes from
 * the county list, each row's level fits its code, and the reference knows
 * exactly its codes: every one, and no other (as many codes compiled in). */
static void
test_shipped_list (void)
{
  g_autofree char *path = essc_test_src_path ("docs", "data", "regions-2023.csv", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);

  g_autofree char *src = essc_test_src_path (".", NULL);
  EsscTestRun r = essc_test_run_sh ("cd '%s' && sh tools/gen-std-regions.sh "
                                    "base/data/counties-2023.csv", src);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, text);
  essc_test_run_clear (&r);

  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "code,level,name");
  guint n = 0, per_level[3] = { 0, 0, 0 };
  guint32 last = 0;
  for (int i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], ",", 3);
      g_assert_cmpuint (g_strv_length (f), ==, 3);
      g_assert_true (g_regex_match_simple ("^[1-9][0-9]{5}$", f[0], 0, 0));
      g_assert_true (g_utf8_validate (f[2], -1, NULL) && f[2][0] != '\0');
      guint32 code = (guint32) g_ascii_strtoull (f[0], NULL, 10);
      g_assert_cmpuint (code, >, last);   /* sorted, each code once */
      last = code;
      if (strcmp (f[1], "province") == 0)
        {
          g_assert_cmpuint (code % 10000, ==, 0);
          g_assert_true (model_id_province_known (code));
          per_level[0]++;
        }
      else if (strcmp (f[1], "prefecture") == 0)
        {
          g_assert_cmpuint (code % 100, ==, 0);
          g_assert_cmpuint (code % 10000, !=, 0);
          per_level[1]++;
        }
      else
        {
          g_assert_cmpstr (f[1], ==, "county");
          g_assert_cmpuint (code % 100, !=, 0);
          per_level[2]++;
        }
      g_assert_true (model_id_region_known (code));
      n++;
    }
  g_assert_cmpuint (per_level[0], ==, 31);
  g_assert_cmpuint (per_level[1], ==, 342);
  g_assert_cmpuint (per_level[2], ==, 2975);
  g_assert_cmpuint (n, ==, 3348);
  g_assert_cmpuint (n, ==, base_regions_len);
  /* the province-level codes of ID-4 outside the list are valid, not known */
  static const guint32 outside[] = { 710000, 810000, 820000, 830000, 440524, 110199 };
  for (gsize i = 0; i < G_N_ELEMENTS (outside); i++)
    g_assert_false (model_id_region_known (outside[i]));
}

/* ID-1: exact length and character classes; hostile bytes give errors. */
static void
test_malformed (void)
{
  assert_invalid ("", MODEL_STD_MALFORMED);
  assert_invalid ("11010519491231002", MODEL_STD_MALFORMED);
  assert_invalid ("11010519491231002XX", MODEL_STD_MALFORMED);
  assert_invalid ("11010519491231002x", MODEL_STD_MALFORMED);
  assert_invalid ("1101051949123\xff" "002X", MODEL_STD_MALFORMED);
  assert_invalid ("\xe4\xb8\xad" "10519491231002X", MODEL_STD_MALFORMED);
  assert_invalid ("110105194912 1002X", MODEL_STD_MALFORMED);
  assert_invalid ("1101051949X231002X", MODEL_STD_MALFORMED);

  char with_nul[20] = "1101051949123";
  memcpy (with_nul + 14, "002X", 5); /* NUL at position 13 */
  assert_invalid (with_nul, MODEL_STD_MALFORMED);

  g_autofree char *long_id = g_strnfill (1 << 20, '1');
  assert_invalid (long_id, MODEL_STD_MALFORMED);

  g_autoptr (GError) error = NULL;
  g_assert_false (model_id_validate ("11010519491231002x", ESSC_TEST_NOW, NULL, &error));
  g_assert_nonnull (strstr (error->message, "character 18"));
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/id/examples/valid", test_examples_valid);
  g_test_add_func ("/id/check-char/mod11-2", test_check_char);
  g_test_add_func ("/id/corruption/every-single-character", test_single_corruption);
  g_test_add_func ("/id/birth-date/real-and-not-future", test_birth_date);
  g_test_add_func ("/id/region/province-and-county", test_region);
  g_test_add_func ("/id/region/shipped-list", test_shipped_list);
  g_test_add_func ("/id/malformed/hostile-input", test_malformed);
  return g_test_run ();
}
