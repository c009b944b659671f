/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: the adapter protocol's JSON lines (docs/ADAPTER.md
 * sections 1 and 2), read on both sides.  The first byte (fuzz_select)
 * picks the reader of the rest, modulo 3:
 *   0  conf_json_parse_object (conformance/json.h) and every typed getter
 *      on every member (and on a missing one); the object written back as
 *      one line (conf_json_to_line) must parse again and give the same
 *      line, and the line with literal integers (conf_json_to_line_literal,
 *      what the runner sends) must parse again;
 *   1  the runner reading a response line (conf_client_parse_response,
 *      what every call does with what the implementation wrote): a refusal
 *      says why; an accepted response is shown (conf_json_shown) and must
 *      contain itself (conf_json_contains);
 *   2  the reference implementation reading request lines
 *      (conf_impl_serve_impl, what `essc impl` runs on its standard input):
 *      the rest is the stream, one request a line; (byte / 3) % 3 picks the
 *      role and the next byte its fault (0: the clean one, else the fault of
 *      that rank among those of the role, modulo their number plus one).  A
 *      new implementation per input, so inputs stay independent; every line
 *      must get exactly one response, and each response must be one the
 *      runner accepts (conf_client_parse_response with the id it carries).
 */
#include "conformance/client.h"
#include "conformance/expect.h"
#include "conformance/faults.h"
#include "conformance/impl.h"
#include "conformance/json.h"
#include "tests/fuzz/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Aborts unless a refusal said why. */
static void
refused (const GError *error)
{
  if (error == NULL || error->message == NULL || error->message[0] == '\0')
    abort ();
}

/* Every getter on member name of obj: TRUE, or FALSE with a message. */
static void
get_all (JsonObject *obj, const char *name)
{
  const char *s;
  gint64 i;
  gboolean b;
  JsonObject *o;
  JsonArray *a;
  guint8 fixed[8];
  GError *error = NULL;

#define TRY(call)                                                                                  \
  do                                                                                               \
    {                                                                                              \
      if (!(call))                                                                                 \
        refused (error);                                                                           \
      g_clear_error (&error);                                                                      \
    }                                                                                              \
  while (0)
  TRY (conf_json_get_string (obj, name, &s, &error));
  TRY (conf_json_get_int (obj, name, &i, &error));
  TRY (conf_json_get_bool (obj, name, &b, &error));
  TRY (conf_json_get_object (obj, name, &o, &error));
  TRY (conf_json_get_array (obj, name, &a, &error));
  TRY (conf_json_get_hex_fixed (obj, name, fixed, sizeof fixed, &error));
#undef TRY
  GBytes *bytes = conf_json_get_hex (obj, name, &error);
  if (bytes == NULL)
    refused (error);
  g_clear_pointer (&bytes, g_bytes_unref);
  g_clear_error (&error);
}

static void
parse_line (const char *text, gsize len)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) obj = conf_json_parse_object (text, len, &error);
  if (obj == NULL)
    {
      refused (error);
      return;
    }
  g_autoptr (GList) names = json_object_get_members (obj);
  for (GList *l = names; l != NULL; l = l->next)
    get_all (obj, l->data);
  get_all (obj, "no such member");

  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), obj);
  g_autofree char *line = conf_json_to_line (node);
  g_autoptr (JsonObject) again = conf_json_parse_object (line, strlen (line), NULL);
  if (again == NULL)
    abort ();
  g_autoptr (JsonNode) again_node = json_node_init_object (json_node_alloc (), again);
  g_autofree char *line2 = conf_json_to_line (again_node);
  if (strcmp (line, line2) != 0)
    abort ();
  g_autofree char *literal = conf_json_to_line_literal (node);
  g_autoptr (JsonObject) sent = conf_json_parse_object (literal, strlen (literal), NULL);
  if (sent == NULL)
    abort ();
}

static void
read_response (guint8 selector, const char *text, gsize len)
{
  g_autoptr (GError) error = NULL;
  g_auto (ConfCallResult) got = { 0 };
  gboolean zero_ok = (selector / 3) % 2 == 1;
  if (!conf_client_parse_response ("qr.verify", 7, zero_ok, text, len, &got, &error))
    {
      refused (error);
      if (error->domain != CONF_CLIENT_ERROR || error->code != CONF_CALL_PROTOCOL)
        abort ();
      return;
    }
  if (!got.ok)
    {
      if (got.code == MODEL_STD_OK || got.message == NULL || got.result != NULL)
        abort ();
      return;
    }
  if (got.result == NULL)
    abort ();
  g_autofree char *shown = conf_json_shown (got.result);
  if (shown == NULL || shown[0] != '{')
    abort ();
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), got.result);
  if (!conf_json_contains (node, node, NULL))
    abort ();
}

/* The fault of rank pick among those of role, or NULL for the clean one. */
static const char *
fault_of (ConfRole role, guint8 pick)
{
  gsize n = 0, applicable = 0;
  const ConfFault *all = conf_fault_catalogue (&n);
  for (gsize i = 0; i < n; i++)
    applicable += conf_fault_applies (&all[i], role);
  guint rank = pick % (applicable + 1);
  for (gsize i = 0; i < n && rank > 0; i++)
    if (conf_fault_applies (&all[i], role) && --rank == 0)
      return all[i].name;
  return NULL;
}

/* The number of lines conf_impl_serve_impl answers in data. */
static gsize
count_lines (const uint8_t *data, size_t size)
{
  gsize lines = 0;
  for (size_t i = 0; i < size; i++)
    lines += data[i] == '\n';
  return lines + (size > 0 && data[size - 1] != '\n');
}

static void
serve (guint8 selector, const uint8_t *data, size_t size)
{
  guint8 pick = 0;
  if (!fuzz_select (&data, &size, &pick) || size == 0)
    return;
  ConfRole role = (ConfRole) ((selector / 3) % CONF_N_ROLES);
  g_autoptr (GError) error = NULL;
  g_autoptr (ConfImpl) impl = conf_impl_new (role, fault_of (role, pick), &error);
  if (impl == NULL)
    abort ();

  FILE *in = fmemopen ((void *) data, size, "r");
  char *out_text = NULL;
  size_t out_len = 0;
  FILE *out = open_memstream (&out_text, &out_len);
  if (in == NULL || out == NULL)
    abort ();
  gboolean served = conf_impl_serve_impl (impl, in, out, &error);
  fclose (in);
  fclose (out);
  if (!served)
    abort ();

  gsize responses = 0;
  g_auto (GStrv) lines = g_strsplit (out_text, "\n", -1);
  free (out_text);
  for (gsize i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++, responses++)
    {
      gsize len = strlen (lines[i]);
      gint64 id = -1;
      g_autoptr (JsonObject) response = conf_json_parse_object (lines[i], len, NULL);
      if (response == NULL || !conf_json_get_int (response, "id", &id, NULL))
        abort ();
      g_auto (ConfCallResult) got = { 0 };
      if (!conf_client_parse_response ("fuzz", id, TRUE, lines[i], len, &got, NULL))
        abort ();
    }
  if (responses != count_lines (data, size))
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  guint8 selector = 0;
  if (!fuzz_select (&data, &size, &selector))
    return 0;
  g_autofree char *text = fuzz_text (data, size);
  switch (selector % 3)
    {
    case 0:
      parse_line (text, size);
      break;
    case 1:
      read_response (selector, text, size);
      break;
    default:
      serve (selector, data, size);
      break;
    }
  return 0;
}
