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
  g_test_add_func ("/conf/json/getters", test_getters);
  g_test_add_func ("/conf/json/hex", test_hex);
  g_test_add_func ("/conf/json/canonical", test_canonical);
  return g_test_run ();
}
