/* SPDX-License-Identifier: MIT */
/*
 * Implementation of the conformance JSON helpers (see json.h): strict
 * parsing of untrusted lines with json-glib, typed getters, hex, and the
 * canonical form used under certificate signatures.
 */
#include "conformance/json.h"

#include "base/hex.h"
#include "model/std/common.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (conf-json-error-quark, conf_json_error)

#define fail(error, ...) base_fail ((error), CONF_JSON_ERROR, MODEL_STD_MALFORMED, __VA_ARGS__)

GBytes *
conf_hex_decode (const char *hex, GError **error)
{
  if (hex == NULL)
    return fail (error, "hex: missing"), NULL;
  gsize n = strlen (hex), at = 0;
  guint8 *out = g_malloc (n / 2 + 1);
  switch (base_hex_decode (hex, n, out, &at))
    {
    case BASE_HEX_OK:
      return g_bytes_new_take (out, n / 2);
    case BASE_HEX_ODD_LENGTH:
      g_free (out);
      return fail (error, "hex: odd length %zu", n), NULL;
    default:
      g_free (out);
      return fail (error, "hex: character %zu is not a lowercase hex digit", at), NULL;
    }
}

gboolean
conf_hex_decode_fixed (const char *hex, guint8 *out, gsize len, GError **error)
{
  g_autoptr (GBytes) b = conf_hex_decode (hex, error);
  if (b == NULL)
    return FALSE;
  if (g_bytes_get_size (b) != len)
    return fail (error, "hex: expected %zu bytes, got %zu", len, g_bytes_get_size (b));
  memcpy (out, g_bytes_get_data (b, NULL), len);
  return TRUE;
}

/* The deepest nesting of arrays and objects in text, outside strings.
 * json-glib parses recursively, so a hostile line of a million '[' would
 * exhaust the stack: the depth is checked before parsing. */
static gsize
nesting_depth (const char *text, gsize len)
{
  gsize depth = 0, max = 0;
  gboolean in_string = FALSE;
  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];
      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          depth++;
          max = MAX (max, depth);
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return max;
}

/* The value of the 4 hex digits at p (at least 4 bytes), or -1. */
static gint
hex4 (const char *p)
{
  gint v = 0;
  for (int k = 0; k < 4; k++)
    {
      gint d = g_ascii_xdigit_value (p[k]);
      if (d < 0)
        return -1;
      v = v * 16 + d;
    }
  return v;
}

/*
 * The offset of the first escape in a string of text that is not JSON's
 * (RFC 8259 section 7: \" \\ \/ \b \f \n \r \t and \u with four hex
 * digits, a UTF-16 surrogate only as a high-low pair), or -1 when there is
 * none; *what says what is wrong.  json-glib takes any escape (\q is q)
 * and decodes a lone surrogate into bytes that are not UTF-8, which would
 * reach every consumer of the strings, so both are refused before parsing.
 */
static gssize
bad_escape (const char *text, gsize len, const char **what)
{
  gboolean in_string = FALSE;
  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];
      if (!in_string)
        {
          in_string = c == '"';
          continue;
        }
      if (c == '"')
        {
          in_string = FALSE;
          continue;
        }
      if (c != '\\')
        continue;
      if (i + 1 >= len)
        return *what = "an escape cut short", (gssize) i;
      char e = text[i + 1];
      if (e != 'u')
        {
          if (strchr ("\"\\/bfnrt", e) == NULL || e == '\0')
            return *what = "an escape that JSON does not have", (gssize) i;
          i++;
          continue;
        }
      gint u = i + 6 <= len ? hex4 (text + i + 2) : -1;
      if (u < 0)
        return *what = "\\u without four hex digits", (gssize) i;
      if (u >= 0xdc00 && u <= 0xdfff)
        return *what = "a low surrogate without its high one", (gssize) i;
      if (u >= 0xd800 && u <= 0xdbff)
        {
          gint low = i + 12 <= len && text[i + 6] == '\\' && text[i + 7] == 'u'
                         ? hex4 (text + i + 8) : -1;
          if (low < 0xdc00 || low > 0xdfff)
            return *what = "a high surrogate without its low one", (gssize) i;
          i += 6;
        }
      i += 5;
    }
  return -1;
}

/* TRUE when the n digits (no sign) are an integer of -2^63..2^63-1 with
 * that sign. */
static gboolean
fits_int64 (const char *digits, gsize n, gboolean negative)
{
  while (n > 1 && digits[0] == '0')
    digits++, n--;
  if (n != 19)
    return n < 19;
  return memcmp (digits, negative ? "9223372036854775808" : "9223372036854775807", 19) <= 0;
}

/*
 * json-glib reads an integer literal into 64 bits without a range check:
 * 9223372036854775808 becomes -9223372036854775808 and longer ones wrap or
 * saturate, so a value outside -2^63..2^63-1 would pass as another integer
 * (docs/ADAPTER.md section 2 forbids that).  Each such literal outside a
 * string is replaced by OUT_OF_RANGE (with its sign), a number json-glib
 * reads as a double beyond the range, which every integer getter refuses.
 * *out gets (transfer full) the text to parse, or NULL when it has no
 * such literal (the common case: nothing is copied).
 *
 * A number with a fraction or an exponent beyond the range of a double
 * (1e999) has no value: json-glib would read it as an infinity, which no
 * JSON text can hold, so the line written back would not be JSON.  Returns
 * FALSE with *bad its offset for the first such number.
 */
#define OUT_OF_RANGE "9.3e18"

static gboolean
rewrite_numbers (const char *text, gsize len, GString **out_text, gsize *bad)
{
  g_autoptr (GString) out = NULL;
  gsize copied = 0;
  gboolean in_string = FALSE;
  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];
      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        {
          in_string = TRUE;
          continue;
        }
      if (c != '-' && !g_ascii_isdigit (c))
        continue;
      gboolean negative = c == '-';
      gsize start = i, d = negative ? i + 1 : i, j = d;
      while (j < len && g_ascii_isdigit (text[j]))
        j++;
      gboolean integer = j > d && !(j < len && (text[j] == '.' || text[j] == 'e'
                                                || text[j] == 'E'));
      if (integer && !fits_int64 (text + d, j - d, negative))
        {
          if (out == NULL)
            out = g_string_sized_new (len + sizeof OUT_OF_RANGE);
          g_string_append_len (out, text + copied, (gssize) (start - copied));
          g_string_append (out, negative ? "-" OUT_OF_RANGE : OUT_OF_RANGE);
          copied = j;
        }
      /* the rest of the number token (fraction, exponent) */
      while (j < len && (g_ascii_isdigit (text[j]) || text[j] == '.' || text[j] == 'e'
                         || text[j] == 'E' || text[j] == '+' || text[j] == '-'))
        j++;
      if (!integer)
        {
          g_autofree char *number = g_strndup (text + start, j - start);
          if (isinf (g_ascii_strtod (number, NULL)))
            return *bad = start, FALSE;
        }
      i = j - 1;
    }
  if (out != NULL)
    g_string_append_len (out, text + copied, (gssize) (len - copied));
  *out_text = g_steal_pointer (&out);
  return TRUE;
}

JsonObject *
conf_json_parse_object (const char *text, gsize len, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) inner = NULL;
  const char *end;

  if (text == NULL)
    return fail (error, "JSON: no text"), NULL;
  if (memchr (text, '\0', len) != NULL)
    return fail (error, "JSON: contains a NUL byte"), NULL;
  if (!g_utf8_validate (text, (gssize) len, &end))
    return fail (error, "JSON: invalid UTF-8 at byte %zu", (gsize) (end - text)), NULL;
  if (nesting_depth (text, len) > CONF_JSON_MAX_DEPTH)
    return fail (error, "JSON: nested deeper than %d levels", CONF_JSON_MAX_DEPTH), NULL;
  const char *what = NULL;
  gssize bad = bad_escape (text, len, &what);
  if (bad >= 0)
    return fail (error, "JSON: %s at byte %" G_GSSIZE_FORMAT, what, bad), NULL;
  g_autoptr (GString) checked = NULL;
  gsize at = 0;
  if (!rewrite_numbers (text, len, &checked, &at))
    return fail (error, "JSON: the number at byte %zu is beyond the range of a double", at),
           NULL;
  if (checked != NULL)
    text = checked->str, len = checked->len;
  if (!json_parser_load_from_data (parser, text, (gssize) len, &inner))
    return fail (error, "JSON: %s", inner->message), NULL;
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return fail (error, "JSON: expected an object"), NULL;
  return json_object_ref (json_node_get_object (root));
}

gboolean
conf_json_escapes_nul (const char *text, gsize len)
{
  gboolean in_string = FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (!in_string)
        in_string = text[i] == '"';
      else if (text[i] == '"')
        in_string = FALSE;
      else if (text[i] == '\\' && i + 1 < len)
        {
          if (text[i + 1] == 'u' && i + 5 < len && memcmp (text + i + 2, "0000", 4) == 0)
            return TRUE;
          i++;
        }
    }
  return FALSE;
}

static JsonNode *
member (JsonObject *obj, const char *name, GError **error)
{
  JsonNode *n = obj ? json_object_get_member (obj, name) : NULL;
  if (n == NULL)
    fail (error, "member '%s': missing", name);
  return n;
}

gboolean
conf_json_get_string (JsonObject *obj, const char *name, const char **out, GError **error)
{
  JsonNode *n = member (obj, name, error);
  if (n == NULL)
    return FALSE;
  if (json_node_get_value_type (n) != G_TYPE_STRING)
    return fail (error, "member '%s': expected a string", name);
  *out = json_node_get_string (n);
  return TRUE;
}

gboolean
conf_json_get_int (JsonObject *obj, const char *name, gint64 *out, GError **error)
{
  JsonNode *n = member (obj, name, error);
  if (n == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_DOUBLE
      && fabs (json_node_get_double (n)) >= 9223372036854775808.0)
    return fail (error, "member '%s': integer outside -2^63..2^63-1", name);
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return fail (error, "member '%s': expected an integer", name);
  *out = json_node_get_int (n);
  return TRUE;
}

gboolean
conf_json_get_bool (JsonObject *obj, const char *name, gboolean *out, GError **error)
{
  JsonNode *n = member (obj, name, error);
  if (n == NULL)
    return FALSE;
  if (json_node_get_value_type (n) != G_TYPE_BOOLEAN)
    return fail (error, "member '%s': expected true or false", name);
  *out = json_node_get_boolean (n);
  return TRUE;
}

gboolean
conf_json_get_object (JsonObject *obj, const char *name, JsonObject **out, GError **error)
{
  JsonNode *n = member (obj, name, error);
  if (n == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (n))
    return fail (error, "member '%s': expected an object", name);
  *out = json_node_get_object (n);
  return TRUE;
}

gboolean
conf_json_get_array (JsonObject *obj, const char *name, JsonArray **out, GError **error)
{
  JsonNode *n = member (obj, name, error);
  if (n == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_ARRAY (n))
    return fail (error, "member '%s': expected an array", name);
  *out = json_node_get_array (n);
  return TRUE;
}

gboolean
conf_json_get_hex_fixed (JsonObject *obj, const char *name, guint8 *out, gsize len,
                         GError **error)
{
  const char *hex;
  g_autoptr (GError) inner = NULL;
  if (!conf_json_get_string (obj, name, &hex, error))
    return FALSE;
  if (!conf_hex_decode_fixed (hex, out, len, &inner))
    return fail (error, "member '%s': %s", name, inner->message);
  return TRUE;
}

GBytes *
conf_json_get_hex (JsonObject *obj, const char *name, GError **error)
{
  const char *hex;
  g_autoptr (GError) inner = NULL;
  if (!conf_json_get_string (obj, name, &hex, error))
    return NULL;
  GBytes *b = conf_hex_decode (hex, &inner);
  if (b == NULL)
    fail (error, "member '%s': %s", name, inner->message);
  return b;
}

char *
conf_json_to_line (JsonNode *node)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, node);
  json_generator_set_pretty (gen, FALSE);
  return json_generator_to_data (gen, NULL);
}

/* TRUE when node is {"$integer": "DIGITS"}: an optional '-' and 1..4096
 * ASCII digits, the first not 0 unless it is the only one (a JSON integer:
 * a marker that would put an invalid number on the wire is no marker). */
static gboolean
is_literal_integer (JsonNode *node, const char **digits)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  JsonObject *o = json_node_get_object (node);
  JsonNode *v = json_object_get_member (o, CONF_JSON_LITERAL_INTEGER);
  if (json_object_get_size (o) != 1 || v == NULL || !JSON_NODE_HOLDS_VALUE (v)
      || json_node_get_value_type (v) != G_TYPE_STRING)
    return FALSE;
  const char *s = json_node_get_string (v), *d = s[0] == '-' ? s + 1 : s;
  gsize n = strlen (d);
  if (n == 0 || n > 4096 || (d[0] == '0' && n > 1))
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (d[i]))
      return FALSE;
  *digits = s;
  return TRUE;
}

/* A deep copy of node in which each literal integer is a string placeholder
 * "\001essc-integer-N\001", N counting in digits.  Returns: (transfer full). */
static JsonNode *
copy_marking (JsonNode *node, GPtrArray *digits)
{
  const char *d;
  if (is_literal_integer (node, &d))
    {
      g_autofree char *mark = g_strdup_printf ("\001essc-integer-%u\001", digits->len);
      g_ptr_array_add (digits, g_strdup (d));
      return json_node_init_string (json_node_alloc (), mark);
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);
      JsonArray *copy = json_array_sized_new (json_array_get_length (a));
      for (guint i = 0; i < json_array_get_length (a); i++)
        json_array_add_element (copy, copy_marking (json_array_get_element (a, i), digits));
      JsonNode *n = json_node_init_array (json_node_alloc (), copy);
      json_array_unref (copy);
      return n;
    }
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      JsonObject *copy = json_object_new ();
      g_autoptr (GList) names = json_object_get_members (o);
      for (GList *l = names; l != NULL; l = l->next)
        json_object_set_member (copy, l->data,
                                copy_marking (json_object_get_member (o, l->data), digits));
      JsonNode *n = json_node_init_object (json_node_alloc (), copy);
      json_object_unref (copy);
      return n;
    }
  return json_node_copy (node);
}

char *
conf_json_to_line_literal (JsonNode *node)
{
  g_autofree char *plain = conf_json_to_line (node);
  g_autoptr (GPtrArray) digits = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (JsonNode) copy = copy_marking (node, digits);
  if (digits->len == 0)
    return g_steal_pointer (&plain);
  g_autofree char *line = conf_json_to_line (copy);
  g_autoptr (GString) out = g_string_new (line);
  for (guint i = 0; i < digits->len; i++)
    {
      g_autofree char *quoted = g_strdup_printf ("\"\\u0001essc-integer-%u\\u0001\"", i);
      /* exactly one occurrence, or the line is left with the objects */
      const char *at = strstr (out->str, quoted);
      if (at == NULL || strstr (at + 1, quoted) != NULL)
        return g_steal_pointer (&plain);
      gsize pos = (gsize) (at - out->str);
      g_string_erase (out, (gssize) pos, (gssize) strlen (quoted));
      g_string_insert (out, (gssize) pos, digits->pdata[i]);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
conf_json_to_pretty (JsonNode *node)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, node);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  g_autofree char *text = json_generator_to_data (gen, NULL);
  return g_strconcat (text, "\n", NULL);
}

/* RFC 8785 string escaping: \" \\ \b \f \n \r \t, other controls \u00xx. */
static void
canonical_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) s; *p; p++)
    switch (*p)
      {
      case '"': g_string_append (out, "\\\""); break;
      case '\\': g_string_append (out, "\\\\"); break;
      case '\b': g_string_append (out, "\\b"); break;
      case '\f': g_string_append (out, "\\f"); break;
      case '\n': g_string_append (out, "\\n"); break;
      case '\r': g_string_append (out, "\\r"); break;
      case '\t': g_string_append (out, "\\t"); break;
      default:
        if (*p < 0x20)
          g_string_append_printf (out, "\\u%04x", *p);
        else
          g_string_append_c (out, (char) *p);
      }
  g_string_append_c (out, '"');
}

static gint
cmp_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static gboolean
canonical (GString *out, JsonNode *node, GError **error)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      return TRUE;
    case JSON_NODE_ARRAY:
      {
        JsonArray *a = json_node_get_array (node);
        g_string_append_c (out, '[');
        for (guint i = 0; i < json_array_get_length (a); i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            if (!canonical (out, json_array_get_element (a, i), error))
              return FALSE;
          }
        g_string_append_c (out, ']');
        return TRUE;
      }
    case JSON_NODE_OBJECT:
      {
        JsonObject *o = json_node_get_object (node);
        g_autoptr (GPtrArray) names = g_ptr_array_new ();
        JsonObjectIter it;
        const char *name;
        JsonNode *value;
        json_object_iter_init (&it, o);
        while (json_object_iter_next (&it, &name, &value))
          g_ptr_array_add (names, (gpointer) name);
        g_ptr_array_sort (names, cmp_names);
        g_string_append_c (out, '{');
        for (guint i = 0; i < names->len; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            canonical_string (out, names->pdata[i]);
            g_string_append_c (out, ':');
            if (!canonical (out, json_object_get_member (o, names->pdata[i]), error))
              return FALSE;
          }
        g_string_append_c (out, '}');
        return TRUE;
      }
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          canonical_string (out, json_node_get_string (node));
          return TRUE;
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          return TRUE;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          return TRUE;
        default:
          return fail (error, "canonical JSON: only integers are allowed as numbers");
        }
    }
  return fail (error, "canonical JSON: unknown node");
}

char *
conf_json_canonical (JsonNode *node, GError **error)
{
  g_autoptr (GString) out = g_string_new (NULL);
  if (!canonical (out, node, error))
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}
