/* SPDX-License-Identifier: MIT */
/*
 * The mutations of one request's parameters (see fuzz_private.h): a value
 * is picked anywhere in the params (nested members and array elements
 * included) and changed the way a hostile or careless counterpart would:
 * a bit flipped, a byte dropped or added, odd length or an upper-case digit
 * in hex; a string cut, emptied, blanked, lengthened, a character changed; an integer set to a boundary (0, -1,
 * 2^31, 2^63-1, -2^63, ...) or moved by a window's width; another JSON
 * type; the member left out; an unknown member added; the value another
 * test gives the same member.  Each mutation is described in words for the
 * finding's comment.
 */
#include "conformance/fuzz_private.h"

#include "base/hex.h"

#include <string.h>

/* ---- where a mutation lands ------------------------------------------------ */

/* A value inside the params: a member of obj or an element of arr (whose
 * own place is parent). */
typedef struct _Slot Slot;
struct _Slot {
  JsonObject *obj;
  char *name;         /* member name in obj (owned copy) */
  JsonArray *arr;
  guint index;
  Slot *parent;       /* the slot of arr, or NULL when arr is... never: arrays sit in slots */
  JsonNode *node;
  char *path;         /* "evidence.liveness_passed", "trust[0]" */
  const char *key;    /* the nearest member name, for the value pools */
};

static void
slot_free (gpointer p)
{
  Slot *s = p;
  g_free (s->name);
  g_free (s->path);
  g_free (s);
}

#define MAX_DEPTH 8

static void
collect (GPtrArray *slots, Slot *parent, JsonNode *node, const char *path, const char *key,
         int depth)
{
  if (depth > MAX_DEPTH)
    return;
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      g_autoptr (GList) names = json_object_get_members (o);
      for (GList *l = names; l != NULL; l = l->next)
        {
          Slot *s = g_new0 (Slot, 1);
          s->obj = o;
          s->name = g_strdup (l->data);
          s->node = json_object_get_member (o, l->data);
          s->path = *path ? g_strdup_printf ("%s.%s", path, s->name) : g_strdup (s->name);
          s->key = s->name;
          g_ptr_array_add (slots, s);
          collect (slots, s, s->node, s->path, s->key, depth + 1);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node) && parent != NULL)
    {
      JsonArray *a = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          Slot *s = g_new0 (Slot, 1);
          s->arr = a;
          s->index = i;
          s->parent = parent;
          s->node = json_array_get_element (a, i);
          s->path = g_strdup_printf ("%s[%u]", path, i);
          s->key = key;
          g_ptr_array_add (slots, s);
          collect (slots, s, s->node, s->path, key, depth + 1);
        }
    }
}

/* Puts value (transfer full) in the slot's place.  json-glib 1.6 cannot
 * re-initialise a node in place safely, and has no call to replace an
 * array element: an array is rebuilt (copies of the other elements) and
 * put in its own place. */
static void
put (Slot *s, JsonNode *value)
{
  if (s->obj != NULL)
    {
      json_object_set_member (s->obj, s->name, value);
      return;
    }
  JsonArray *a = json_array_new ();
  for (guint i = 0; i < json_array_get_length (s->arr); i++)
    json_array_add_element (a, i == s->index
                                   ? value
                                   : conf_fuzz_json_copy (json_array_get_element (s->arr, i)));
  JsonNode *n = json_node_init_array (json_node_alloc (), a);
  json_array_unref (a);
  put (s->parent, n);
}

/* An array node holding a (transfer full). */
static JsonNode *
array_node (JsonArray *a)
{
  JsonNode *n = json_node_init_array (json_node_alloc (), a);
  json_array_unref (a);
  return n;
}

static gboolean
is_hex (const char *s)
{
  gsize n = strlen (s);
  if (n == 0 || n % 2 != 0)
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;
  return TRUE;
}

/* ---- strings --------------------------------------------------------------- */

/* The offset in bytes of character i of UTF-8 s. */
static gsize
char_offset (const char *s, glong i)
{
  return (gsize) (g_utf8_offset_to_pointer (s, i) - s);
}

static char *
mutate_hex (FuzzRng *rng, const char *s, char **what)
{
  gsize n = strlen (s);
  GString *out = g_string_new (s);
  switch (conf_fuzz_rng_below (rng, 9))
    {
    case 0: case 1: case 2:
      {
        gsize byte = conf_fuzz_rng_below (rng, (guint32) (n / 2));
        guint bit = conf_fuzz_rng_below (rng, 8);
        guint8 b;
        base_hex_decode (s + 2 * byte, 2, &b, NULL);
        b ^= (guint8) (1u << bit);
        char two[3];
        base_hex_encode (&b, 1, two);
        out->str[2 * byte] = two[0];
        out->str[2 * byte + 1] = two[1];
        *what = g_strdup_printf ("bit %u of byte %zu flipped", bit, byte);
        break;
      }
    case 3:
      g_string_truncate (out, n - 2);
      *what = g_strdup ("last byte dropped");
      break;
    case 4:
      g_string_erase (out, 0, 2);
      *what = g_strdup ("first byte dropped");
      break;
    case 5:
      g_string_append (out, conf_fuzz_rng_chance (rng, 50) ? "00" : "ff");
      *what = g_strdup ("a byte appended");
      break;
    case 6:
      g_string_truncate (out, n - 1);
      *what = g_strdup ("last hex digit dropped (odd length)");
      break;
    case 7:
      {
        /* An upper-case digit where a letter is, else a non-hex character. */
        gsize at = conf_fuzz_rng_below (rng, (guint32) n);
        for (gsize k = 0; k < n; k++)
          if (g_ascii_isalpha (out->str[(at + k) % n]))
            {
              out->str[(at + k) % n] = g_ascii_toupper (out->str[(at + k) % n]);
              *what = g_strdup_printf ("hex digit %zu in upper case", (at + k) % n);
              return g_string_free (out, FALSE);
            }
        out->str[at] = 'g';
        *what = g_strdup_printf ("hex digit %zu made 'g'", at);
        break;
      }
    default:
      memset (out->str, '0', n);
      *what = g_strdup ("all bytes zero");
      break;
    }
  return g_string_free (out, FALSE);
}

static const char *const odd_texts[] = { "\xc3\xa9", "\xe4\xb8\xad", "\x01", "\xe2\x80\x8b",
                                         "\"", "\\", "%s", "\xf0\x9f\x98\x80" };

static char *
mutate_text (FuzzRng *rng, const char *s, char **what)
{
  glong chars = g_utf8_strlen (s, -1);
  gsize n = strlen (s);
  GString *out = g_string_new (s);
  switch (conf_fuzz_rng_below (rng, 11))
    {
    case 0:
      if (chars > 0)
        {
          glong keep = conf_fuzz_rng_below (rng, (guint32) chars);
          g_string_truncate (out, char_offset (s, keep));
          *what = g_strdup_printf ("cut to %ld characters", keep);
          break;
        }
      /* fall through */
    case 1:
      g_string_truncate (out, 0);
      *what = g_strdup ("emptied");
      break;
    case 2:
      if (chars > 0)
        {
          glong at = conf_fuzz_rng_below (rng, (guint32) chars);
          gsize from = char_offset (s, at), to = char_offset (s, at + 1);
          g_string_erase (out, (gssize) from, (gssize) (to - from));
          *what = g_strdup_printf ("character %ld deleted", at);
          break;
        }
      /* fall through */
    case 3:
      {
        guint target = conf_fuzz_rng_chance (rng, 50) ? 257 : 4097;
        if (n == 0)
          g_string_append_c (out, 'a');
        while (out->len < target)
          g_string_append (out, s[0] ? s : "a");
        *what = g_strdup_printf ("lengthened to %zu bytes", out->len);
        break;
      }
    case 4: case 5:
      {
        /* An ASCII character moved to its neighbour (a digit of an id, a letter). */
        for (gsize k = 0, at = n ? conf_fuzz_rng_below (rng, (guint32) n) : 0; k < n; k++)
          {
            gsize i = (at + k) % n;
            char c = out->str[i];
            if (c < 0x21 || c > 0x7d)
              continue;
            char d = conf_fuzz_rng_chance (rng, 50) ? (char) (c + 1) : (char) (c - 1);
            if (g_ascii_isdigit (c))
              d = (char) ('0' + (c - '0' + 1 + conf_fuzz_rng_below (rng, 9)) % 10);
            if (d < 0x20 || d > 0x7e)
              d = c == 'a' ? 'b' : 'a';
            out->str[i] = d;
            *what = g_strdup_printf ("character %zu changed", i);
            return g_string_free (out, FALSE);
          }
        g_string_append_c (out, 'x');
        *what = g_strdup ("'x' appended");
        break;
      }
    case 6:
      {
        for (gsize k = 0, at = n ? conf_fuzz_rng_below (rng, (guint32) n) : 0; k < n; k++)
          {
            gsize i = (at + k) % n;
            char c = out->str[i];
            if (g_ascii_isalpha (c))
              {
                out->str[i] = g_ascii_isupper (c) ? g_ascii_tolower (c) : g_ascii_toupper (c);
                *what = g_strdup_printf ("letter %zu in the other case", i);
                return g_string_free (out, FALSE);
              }
          }
        g_string_append_c (out, 'X');
        *what = g_strdup ("'X' appended");
        break;
      }
    case 7:
      {
        static const char *const blanks[] = { " ", "\t", "\n", "\r\n" };
        const char *b = blanks[conf_fuzz_rng_below (rng, G_N_ELEMENTS (blanks))];
        if (conf_fuzz_rng_chance (rng, 50))
          g_string_prepend (out, b);
        else
          g_string_append (out, b);
        *what = g_strdup ("a blank added at one end");
        break;
      }
    case 8:
      {
        const char *t = odd_texts[conf_fuzz_rng_below (rng, G_N_ELEMENTS (odd_texts))];
        glong at = conf_fuzz_rng_below (rng, (guint32) chars + 1);
        g_string_insert (out, (gssize) char_offset (s, at), t);
        *what = g_strdup_printf ("an unusual character inserted at %ld", at);
        break;
      }
    case 9:
      g_string_append (out, s);
      *what = g_strdup ("doubled");
      break;
    default:
      if (n > 0)
        {
          gsize cut = n / 2;
          while (cut > 0 && (out->str[cut] & 0xc0) == 0x80)
            cut--;
          g_string_truncate (out, cut);
          *what = g_strdup ("cut in half");
        }
      else
        {
          g_string_assign (out, " ");
          *what = g_strdup ("made a blank");
        }
      break;
    }
  return g_string_free (out, FALSE);
}

/* ---- integers ---------------------------------------------------------------- */

static const gint64 boundaries[] = {
  0, -1, 1, 2, G_MAXINT32, (gint64) G_MAXINT32 + 1, G_MININT32, (gint64) G_MININT32 - 1,
  G_MAXUINT32, (gint64) G_MAXUINT32 + 1, G_GINT64_CONSTANT (9007199254740993), G_MAXINT64,
  G_MININT64, G_MAXINT64 - 1, G_MININT64 + 1, 255, 256, 65535, 65536,
};
static const gint64 widths[] = { 1, 1, 1, 2, 5, 6, 30, 59, 60, 61, 299, 300, 301, 3600, 86400,
                                 31536000 };

static gint64
mutate_int (FuzzRng *rng, gint64 v, char **what)
{
  switch (conf_fuzz_rng_below (rng, 5))
    {
    case 0: case 1:
      {
        gint64 b = boundaries[conf_fuzz_rng_below (rng, G_N_ELEMENTS (boundaries))];
        *what = g_strdup_printf ("set to %" G_GINT64_FORMAT, b);
        return b;
      }
    case 2: case 3:
      {
        gint64 w = widths[conf_fuzz_rng_below (rng, G_N_ELEMENTS (widths))];
        gboolean up = conf_fuzz_rng_chance (rng, 50);
        if ((up && v > G_MAXINT64 - w) || (!up && v < G_MININT64 + w))
          up = !up;
        *what = g_strdup_printf ("%s by %" G_GINT64_FORMAT, up ? "raised" : "lowered", w);
        return up ? v + w : v - w;
      }
    default:
      if (v == G_MININT64)
        v = G_MININT64 + 1;
      *what = g_strdup ("negated");
      return -v;
    }
}

/* ---- other types --------------------------------------------------------------- */

/* A value of another JSON type than node's.  Returns: (transfer full). */
static JsonNode *
other_type (FuzzRng *rng, JsonNode *node, char **what)
{
  JsonNodeType nt = json_node_get_node_type (node);
  GType vt = nt == JSON_NODE_VALUE ? json_node_get_value_type (node) : G_TYPE_NONE;
  for (;;)
    {
      JsonNode *n = json_node_alloc ();
      switch (conf_fuzz_rng_below (rng, 10))
        {
        case 0:
          if (vt == G_TYPE_STRING)
            break;
          if (vt == G_TYPE_INT64)
            {
              g_autofree char *t = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
              *what = g_strdup ("the integer as a string");
              return json_node_init_string (n, t);
            }
          *what = g_strdup ("a string");
          return json_node_init_string (n, "1");
        case 1:
          if (vt == G_TYPE_INT64)
            break;
          if (vt == G_TYPE_STRING)
            {
              const char *s = json_node_get_string (node);
              char *end = NULL;
              gint64 v = g_ascii_strtoll (s, &end, 10);
              if (*s && end && *end == '\0')
                {
                  *what = g_strdup ("the string as an integer");
                  return json_node_init_int (n, v);
                }
            }
          *what = g_strdup ("an integer");
          return json_node_init_int (n, 1);
        case 2:
          if (vt == G_TYPE_BOOLEAN)
            break;
          *what = g_strdup ("true");
          return json_node_init_boolean (n, TRUE);
        case 3:
          if (nt == JSON_NODE_NULL)
            break;
          *what = g_strdup ("null");
          return json_node_init_null (n);
        case 4:
          if (nt == JSON_NODE_ARRAY)
            break;
          {
            JsonArray *a = json_array_new ();
            json_array_add_element (a, conf_fuzz_json_copy (node));
            json_node_unref (n);
            *what = g_strdup ("wrapped in an array");
            return array_node (a);
          }
        case 5:
          if (nt == JSON_NODE_OBJECT)
            break;
          {
            JsonObject *o = json_object_new ();
            json_node_init_object (n, o);
            json_object_unref (o);
            *what = g_strdup ("an empty object");
            return n;
          }
        case 6:
          if (vt == G_TYPE_INT64)
            {
              *what = g_strdup ("the integer as a fraction");
              return json_node_init_double (n, (double) json_node_get_int (node) + 0.5);
            }
          *what = g_strdup ("1.5");
          return json_node_init_double (n, 1.5);
        case 7:
          /* 2^63 and 2^64 cannot be a JSON integer in json-glib: sent as numbers
           * with an exponent, the nearest the request line can carry. */
          *what = g_strdup ("2^63 (as 9.2233720368547758e+18)");
          return json_node_init_double (n, 9223372036854775808.0);
        case 8:
          *what = g_strdup ("-2^64 (as -1.8446744073709552e+19)");
          return json_node_init_double (n, -18446744073709551616.0);
        default:
          *what = g_strdup ("1e300");
          return json_node_init_double (n, 1e300);
        }
      json_node_unref (n);
    }
}

/* ---- one mutation of params ------------------------------------------------------ */

static void
remove_slot (Slot *s)
{
  if (s->obj != NULL)
    json_object_remove_member (s->obj, s->name);
  else
    json_array_remove_element (s->arr, s->index);
}

gboolean
conf_fuzz_mutate_params (const FuzzCorpus *corpus, FuzzRng *rng, JsonObject *params,
                         char **what)
{
  g_autoptr (GPtrArray) slots = g_ptr_array_new_with_free_func (slot_free);
  g_autoptr (JsonNode) root = json_node_init_object (json_node_alloc (), params);
  collect (slots, NULL, root, "", NULL, 0);

  /* Now and then the params as a whole: an unknown member (to be ignored),
   * or nothing at all. */
  if (slots->len == 0 || conf_fuzz_rng_chance (rng, 4))
    {
      if (slots->len > 0 && conf_fuzz_rng_chance (rng, 50))
        {
          g_autoptr (GList) names = json_object_get_members (params);
          for (GList *l = names; l != NULL; l = l->next)
            json_object_remove_member (params, l->data);
          *what = g_strdup ("params: every member left out");
          return TRUE;
        }
      json_object_set_int_member (params, "x_fuzz", 1);
      *what = g_strdup ("params: unknown member x_fuzz added");
      return TRUE;
    }

  Slot *s = slots->pdata[conf_fuzz_rng_below (rng, slots->len)];
  g_autofree char *how = NULL;
  guint pick = conf_fuzz_rng_below (rng, 100);
  GPtrArray *pool = s->key ? conf_fuzz_corpus_pool (corpus, s->key) : NULL;

  if (pick < 12)
    {
      remove_slot (s);
      *what = g_strdup_printf ("%s: left out", s->path);
      return TRUE;
    }
  if (pick < 24)
    {
      put (s, other_type (rng, s->node, &how));
      *what = g_strdup_printf ("%s: %s", s->path, how);
      return TRUE;
    }
  if (pick < 42 && pool != NULL && pool->len > 1)
    {
      for (int tries = 0; tries < 4; tries++)
        {
          JsonNode *v = pool->pdata[conf_fuzz_rng_below (rng, pool->len)];
          if (conf_fuzz_json_equal (v, s->node))
            continue;
          g_autofree char *shown = NULL;
          if (JSON_NODE_HOLDS_VALUE (v))
            shown = json_to_string (v, FALSE);
          put (s, conf_fuzz_json_copy (v));
          if (shown != NULL && strlen (shown) > 40)
            strcpy (shown + 37, "...");
          *what = g_strdup_printf ("%s: the value another test gives it%s%s", s->path,
                                   shown ? ", " : "", shown ? shown : "");
          return TRUE;
        }
    }
  switch (json_node_get_node_type (s->node))
    {
    case JSON_NODE_VALUE:
      {
        GType t = json_node_get_value_type (s->node);
        if (t == G_TYPE_STRING)
          {
            const char *text = json_node_get_string (s->node);
            g_autofree char *v = is_hex (text) && conf_fuzz_rng_chance (rng, 85)
                                     ? mutate_hex (rng, text, &how)
                                     : mutate_text (rng, text, &how);
            json_node_set_string (s->node, v);
          }
        else if (t == G_TYPE_INT64)
          json_node_set_int (s->node, mutate_int (rng, json_node_get_int (s->node), &how));
        else if (t == G_TYPE_BOOLEAN)
          {
            json_node_set_boolean (s->node, !json_node_get_boolean (s->node));
            how = g_strdup ("flipped");
          }
        else
          {
            gint64 v = (gint64) json_node_get_double (s->node);
            put (s, json_node_init_int (json_node_alloc (), v));
            how = g_strdup ("made an integer");
          }
        break;
      }
    case JSON_NODE_OBJECT:
      {
        JsonObject *o = json_node_get_object (s->node);
        if (json_object_get_size (o) > 0 && conf_fuzz_rng_chance (rng, 50))
          {
            g_autoptr (GList) names = json_object_get_members (o);
            guint n = g_list_length (names);
            const char *victim = g_list_nth_data (names, conf_fuzz_rng_below (rng, n));
            how = g_strdup_printf ("member %s left out", victim);
            json_object_remove_member (o, victim);
          }
        else
          {
            json_object_set_int_member (o, "x_fuzz", 1);
            how = g_strdup ("unknown member x_fuzz added");
          }
        break;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *a = json_node_get_array (s->node);
        guint n = json_array_get_length (a);
        guint k = conf_fuzz_rng_below (rng, 3);
        if (n > 0 && k == 0)
          {
            guint i = conf_fuzz_rng_below (rng, n);
            json_array_remove_element (a, i);
            how = g_strdup_printf ("element %u dropped", i);
          }
        else if (n > 0 && k == 1)
          {
            guint i = conf_fuzz_rng_below (rng, n);
            json_array_add_element (a, conf_fuzz_json_copy (json_array_get_element (a, i)));
            how = g_strdup_printf ("element %u repeated at the end", i);
          }
        else
          {
            put (s, array_node (json_array_new ()));
            how = g_strdup ("emptied");
          }
        break;
      }
    case JSON_NODE_NULL:
      put (s, json_node_init_string (json_node_alloc (), ""));
      how = g_strdup ("made an empty string");
      break;
    }
  *what = g_strdup_printf ("%s: %s", s->path, how);
  return TRUE;
}
