/* SPDX-License-Identifier: MIT */
/* Tests of the conformance JSON helpers: hostile lines, getters, hex, canonical form. */
#include "conformance/json.h"
#include "tests/lib/testutil.h"

#include <string.h>

static void
test_parse_hostile (void)
{
  const char *bad[] = { "", "[]", "42", "{", "{\"a\":}", "{\"a\":1}x", "\xff{}",
                        "{\"a\":\"\xc3\x28\"}" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      JsonObject *o = conf_json_parse_object (bad[i], strlen (bad[i]), &error);
      g_assert_null (o);
      g_assert_error (error, CONF_JSON_ERROR, MODEL_STD_MALFORMED);
    }
  g_autoptr (GError) error = NULL;
  g_assert_null (conf_json_parse_object ("{\"a\":1}\0{}", 10, &error));
  g_assert_nonnull (strstr (error->message, "NUL"));

  /* Deep nesting is an error, never a stack overflow. */
  GString *deep = g_string_new ("{\"a\":");
  for (int i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  g_clear_error (&error);
  JsonObject *o = conf_json_parse_object (deep->str, deep->len, &error);
  g_assert_null (o);
  g_assert_nonnull (strstr (error->message, "nested deeper"));
  /* 64 levels are fine, 65 are not; brackets inside strings do not count. */
  for (int levels = 64; levels <= 65; levels++)
    {
      g_autoptr (GString) nest = g_string_new ("{\"a\":");
      for (int i = 1; i < levels; i++)
        g_string_append_c (nest, '[');
      for (int i = 1; i < levels; i++)
        g_string_append_c (nest, ']');
      g_string_append_c (nest, '}');
      g_clear_error (&error);
      g_autoptr (JsonObject) n = conf_json_parse_object (nest->str, nest->len, &error);
      g_assert_true ((n != NULL) == (levels == 64));
    }
  g_clear_error (&error);
  g_autofree char *quoted = g_strdup_printf ("{\"a\":\"%s\"}", deep->str + 5);
  g_autoptr (JsonObject) ok = conf_json_parse_object (quoted, strlen (quoted), &error);
  g_assert_no_error (error);
  g_string_free (deep, TRUE);
}

/* Only JSON's escapes are read (json-glib took any, \\q as q), and a
 * UTF-16 surrogate only in a pair: a lone one used to decode into bytes
 * that are not UTF-8, so the line written back did not parse (found by
 * tests/fuzz/fuzz_json.c). */
static void
test_escapes (void)
{
  const char *bad[] = { "{\"s\":\"\\ud83d0\"}", "{\"s\":\"\\ud83dx\\u0041\"}",
                        "{\"s\":\"\\udc00x\"}", "{\"s\":\"\\ud800\\ud800\"}",
                        "{\"\\udfff\":1}", "{\"s\":\"\\e\"}", "{\"s\":\"a\\qb\"}",
                        "{\"s\":\"\\u12\"}", "{\"s\":\"\\u12g4\"}" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (JsonObject) o = conf_json_parse_object (bad[i], strlen (bad[i]), &error);
      g_assert_null (o);
      g_assert_error (error, CONF_JSON_ERROR, MODEL_STD_MALFORMED);
      g_assert_nonnull (strstr (error->message, "at byte"));
    }
  const char *good = "{\"s\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\\uD83D\\uDE00\"}";
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) o = conf_json_parse_object (good, strlen (good), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (o, "s"), ==,
                   "\"\\/\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80\xf0\x9f\x98\x80");
}

/* A real beyond a double's range is refused: json-glib read 1e999 as an
 * infinity, which conf_json_to_line wrote as "inf.0", not JSON (found by
 * tests/fuzz/fuzz_json.c).  Small ones and huge integers are read. */
static void
test_real_range (void)
{
  const char *bad[] = { "{\"c\":922337e23453}", "{\"c\":-1e999}", "{\"c\":[1.5E+400]}",
                        "{\"c\":1797693134862315807937289714053034150799341327710990.0e260}" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (JsonObject) o = conf_json_parse_object (bad[i], strlen (bad[i]), &error);
      g_assert_null (o);
      g_assert_error (error, CONF_JSON_ERROR, MODEL_STD_MALFORMED);
      g_assert_nonnull (strstr (error->message, "beyond the range of a double"));
    }
  g_autoptr (GError) error = NULL;
  const char *fine = "{\"a\":1e-999,\"b\":-1.7976931348623157e308,\"s\":\"1e999\",\"i\":1"
                     "0000000000000000000000000000000000000000000000000000000000000000000000}";
  g_autoptr (JsonObject) f = conf_json_parse_object (fine, strlen (fine), &error);
  g_assert_no_error (error);
  g_autoptr (JsonNode) n = json_node_init_object (json_node_alloc (), f);
  g_autofree char *line = conf_json_to_line (n);
  g_autoptr (JsonObject) again = conf_json_parse_object (line, strlen (line), &error);
  g_assert_no_error (error);
}

static void
test_getters (void)
{
  const char *text = "{\"s\":\"x\",\"i\":-5,\"b\":true,\"o\":{},\"a\":[1],\"h\":\"00ff\",\"f\":1.5}";
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) o = conf_json_parse_object (text, strlen (text), &error);
  g_assert_no_error (error);
  const char *s;
  gint64 i;
  gboolean b;
  JsonObject *sub;
  JsonArray *arr;
  guint8 h[2];
  g_assert_true (conf_json_get_string (o, "s", &s, NULL));
  g_assert_cmpstr (s, ==, "x");
  g_assert_true (conf_json_get_int (o, "i", &i, NULL));
  g_assert_cmpint (i, ==, -5);
  g_assert_true (conf_json_get_bool (o, "b", &b, NULL));
  g_assert_true (b);
  g_assert_true (conf_json_get_object (o, "o", &sub, NULL));
  g_assert_true (conf_json_get_array (o, "a", &arr, NULL));
  g_assert_true (conf_json_get_hex_fixed (o, "h", h, 2, NULL));
  g_assert_cmpint (h[1], ==, 0xff);

  g_assert_false (conf_json_get_int (o, "f", &i, &error));
  g_assert_nonnull (strstr (error->message, "member 'f': expected an integer"));
  g_clear_error (&error);
  g_assert_false (conf_json_get_string (o, "missing", &s, &error));
  g_assert_nonnull (strstr (error->message, "member 'missing': missing"));
  g_clear_error (&error);
  g_assert_false (conf_json_get_hex_fixed (o, "h", h, 1, &error));
  g_assert_nonnull (strstr (error->message, "expected 1 bytes"));
  g_clear_error (&error);
  g_assert_false (conf_json_get_bool (o, "i", &b, &error));
}

/* docs/ADAPTER.md section 2: an integer member is a JSON number without
 * fraction or exponent in -2^63..2^63-1; one outside is refused, never
 * wrapped into range (json-glib alone reads 2^63 as -2^63). */
static void
test_integer_range (void)
{
  static const struct {
    const char *literal;
    gboolean ok;
    gint64 value;
  } cases[] = {
    { "9223372036854775807", TRUE, G_MAXINT64 },
    { "-9223372036854775808", TRUE, G_MININT64 },
    { "0", TRUE, 0 },
    { "-0", TRUE, 0 },
    { "9223372036854775808", FALSE, 0 },
    { "-9223372036854775809", FALSE, 0 },
    { "18446744073709551616", FALSE, 0 },
    { "18446744073709551617", FALSE, 0 },
    { "100000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000",
      FALSE, 0 },
    { "1e3", FALSE, 0 },
    { "1.0", FALSE, 0 },
    { "\"5\"", FALSE, 0 },
    { "true", FALSE, 0 },
    { "null", FALSE, 0 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      /* in an object and in an array, with a string that looks like a
       * big number (left alone) after it */
      g_autofree char *text = g_strdup_printf ("{\"n\":%s,\"a\":[%s,1],"
                                               "\"s\":\"99999999999999999999\"}",
                                               cases[i].literal, cases[i].literal);
      g_autoptr (GError) error = NULL;
      g_autoptr (JsonObject) o = conf_json_parse_object (text, strlen (text), &error);
      g_assert_no_error (error);
      gint64 v = 42;
      gboolean ok = conf_json_get_int (o, "n", &v, &error);
      g_test_message ("%s", cases[i].literal);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        g_assert_cmpint (v, ==, cases[i].value);
      else
        {
          g_assert_error (error, CONF_JSON_ERROR, MODEL_STD_MALFORMED);
          g_assert_cmpint (v, ==, 42);
        }
      JsonArray *a = json_object_get_array_member (o, "a");
      g_assert_cmpuint (json_array_get_length (a), ==, 2);
      g_assert_cmpint (json_array_get_int_element (a, 1), ==, 1);
      g_assert_cmpstr (json_object_get_string_member (o, "s"), ==, "99999999999999999999");
    }
  /* the message says why */
  const char *big = "{\"timestamp\":9223372036854775808}";
  g_autoptr (JsonObject) o = conf_json_parse_object (big, strlen (big), NULL);
  g_autoptr (GError) error = NULL;
  gint64 v;
  g_assert_false (conf_json_get_int (o, "timestamp", &v, &error));
  g_assert_cmpstr (error->message, ==, "member 'timestamp': integer outside -2^63..2^63-1");
  /* escaped quotes do not end a string early */
  const char *esc = "{\"s\":\"a\\\"9223372036854775808\",\"n\":-9223372036854775809}";
  g_autoptr (JsonObject) e = conf_json_parse_object (esc, strlen (esc), NULL);
  g_assert_nonnull (e);
  g_assert_cmpstr (json_object_get_string_member (e, "s"), ==, "a\"9223372036854775808");
  g_assert_false (conf_json_get_int (e, "n", &v, NULL));
}

/* docs/VECTORS.md: {"$integer": "DIGITS"} is sent as the number DIGITS. */
static void
test_literal_integer (void)
{
  const char *text = "{\"essc\":1,\"params\":{\"a\":{\"$integer\":\"9223372036854775808\"},"
                     "\"b\":[{\"$integer\":\"-9223372036854775809\"},2],"
                     "\"c\":{\"$integer\":\"12x\"},\"d\":{\"$integer\":\"1\",\"e\":2},"
                     "\"s\":\"\\u0001essc-integer-0\\u0001\"}}";
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  JsonNode *root = json_parser_get_root (parser);
  g_autofree char *before = conf_json_to_line (root);
  g_autofree char *line = conf_json_to_line_literal (root);
  /* the string that looks like a placeholder makes it ambiguous: left as it is */
  g_assert_cmpstr (line, ==, before);

  const char *text2 = "{\"a\":{\"$integer\":\"9223372036854775808\"},"
                      "\"b\":[{\"$integer\":\"-9223372036854775809\"},2],"
                      "\"c\":{\"$integer\":\"12x\"},\"d\":{\"$integer\":\"1\",\"e\":2}}";
  g_assert_true (json_parser_load_from_data (parser, text2, -1, NULL));
  root = json_parser_get_root (parser);
  g_autofree char *before2 = conf_json_to_line (root);
  g_autofree char *line2 = conf_json_to_line_literal (root);
  g_assert_cmpstr (line2, ==, "{\"a\":9223372036854775808,\"b\":[-9223372036854775809,2],"
                              "\"c\":{\"$integer\":\"12x\"},\"d\":{\"$integer\":\"1\",\"e\":2}}");
  /* the node itself is unchanged */
  g_autofree char *after2 = conf_json_to_line (root);
  g_assert_cmpstr (after2, ==, before2);
  /* and the reference refuses what was sent */
  g_autoptr (JsonObject) o = conf_json_parse_object (line2, strlen (line2), NULL);
  gint64 v;
  g_assert_false (conf_json_get_int (o, "a", &v, NULL));
}

static void
test_hex (void)
{
  guint8 data[] = { 0, 1, 0xab, 0xff };
  g_autofree char *hex = base_hex_encode_dup (data, sizeof data);
  g_assert_cmpstr (hex, ==, "0001abff");
  g_autoptr (GBytes) back = conf_hex_decode ("0001abff", NULL);
  g_assert_cmpmem (g_bytes_get_data (back, NULL), 4, data, 4);
  g_autoptr (GError) error = NULL;
  /* Hex is lowercase only (docs/ADAPTER.md): upper case is a bad digit. */
  g_assert_null (conf_hex_decode ("0001ABff", &error));
  g_assert_error (error, CONF_JSON_ERROR, MODEL_STD_MALFORMED);
  g_assert_cmpstr (error->message, ==, "hex: character 4 is not a lowercase hex digit");
  g_clear_error (&error);
  g_assert_null (conf_hex_decode ("abc", &error));
  g_assert_cmpstr (error->message, ==, "hex: odd length 3");
  g_clear_error (&error);
  g_assert_null (conf_hex_decode ("zz", &error));
  g_clear_error (&error);
  guint8 two[2];
  g_assert_false (conf_hex_decode_fixed ("0a0B", two, 2, &error));
  g_assert_cmpstr (error->message, ==, "hex: character 3 is not a lowercase hex digit");
  g_clear_error (&error);
  g_assert_false (conf_hex_decode_fixed ("0a0b0c", two, 2, &error));
  g_assert_cmpstr (error->message, ==, "hex: expected 2 bytes, got 3");
  g_autoptr (GBytes) empty = conf_hex_decode ("", NULL);
  g_assert_cmpuint (g_bytes_get_size (empty), ==, 0);
}

static void
test_canonical (void)
{
  const char *text = "{ \"b\" : [1, {\"z\":null,\"a\":false}], \"a\":\"\\u0001\\\"é\" , \"aa\": -3 }";
  g_autoptr (JsonObject) o = conf_json_parse_object (text, strlen (text), NULL);
  g_autoptr (JsonNode) n = json_node_init_object (json_node_alloc (), o);
  g_autoptr (GError) error = NULL;
  g_autofree char *c = conf_json_canonical (n, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c, ==, "{\"a\":\"\\u0001\\\"é\",\"aa\":-3,\"b\":[1,{\"a\":false,\"z\":null}]}");

  const char *fl = "{\"x\":1.5}";
  g_autoptr (JsonObject) of = conf_json_parse_object (fl, strlen (fl), NULL);
  g_autoptr (JsonNode) nf = json_node_init_object (json_node_alloc (), of);
  g_assert_null (conf_json_canonical (nf, &error));
  g_assert_error (error, CONF_JSON_ERROR, MODEL_STD_MALFORMED);

  g_autofree char *line = conf_json_to_line (n);
  g_assert_null (strchr (line, '\n'));
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/conf/json/parse-hostile", test_parse_hostile);
  g_test_add_func ("/conf/json/escapes", test_escapes);
  g_test_add_func ("/conf/json/real-range", test_real_range);
  g_test_add_func ("/conf/json/getters", test_getters);
  g_test_add_func ("/conf/json/integer-range", test_integer_range);
  g_test_add_func ("/conf/json/literal-integer", test_literal_integer);
  g_test_add_func ("/conf/json/hex", test_hex);
  g_test_add_func ("/conf/json/canonical", test_canonical);
  return g_test_run ();
}
