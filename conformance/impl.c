/* SPDX-License-Identifier: MIT */
/*
 * The adapter protocol side of the reference implementations (impl.h): one
 * request line in, one response line out.  This file frames and parses the
 * requests (a bounded line, a JSON object with `essc`, `id`, `op` and
 * `params`), answers hello, reset and bye for every role, dispatches the
 * other ops through the role's table (an op not in it is `unimplemented`),
 * turns a handler's GError into the ESSC-STD wire name, and applies the two
 * faults that concern every op (accept-everything, reject-everything).  The
 * param getters the role files share are here too.  Nothing here knows what
 * an op means.
 */
#include "conformance/impl.h"

#include "conformance/json.h"
#include "model/std/common.h"
#include "model/std/id.h"
#include "model/std/issuer.h"

#include <errno.h>
#include <string.h>

G_DEFINE_QUARK (conf-impl-error-quark, conf_impl_error)

static const ConfImplRole *const roles[CONF_N_ROLES] = {
  [CONF_ROLE_VERIFIER] = &conf_impl_verifier_role,
  [CONF_ROLE_CHANNEL] = &conf_impl_channel_role,
  [CONF_ROLE_PLATFORM] = &conf_impl_platform_role,
};

gboolean
conf_impl_fail (GError **error, ModelStdCode code, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *message = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (error, CONF_IMPL_ERROR, code, message);
  return FALSE;
}

/* ---- life cycle --------------------------------------------------------- */

ConfImpl *
conf_impl_new (ConfRole role, const char *fault, GError **error)
{
  g_return_val_if_fail ((guint) role < CONF_N_ROLES, NULL);
  const ConfFault *f = NULL;
  if (fault != NULL)
    {
      f = conf_fault_lookup (fault);
      if (f == NULL)
        return conf_impl_fail (error, MODEL_STD_MALFORMED,
                               "no fault called '%s' (see --list-faults)", fault),
               NULL;
      if (!conf_fault_applies (f, role))
        return conf_impl_fail (error, MODEL_STD_MALFORMED,
                               "fault '%s' does not apply to role %s", fault,
                               conf_role_name (role)),
               NULL;
    }
  ConfImpl *impl = g_new0 (ConfImpl, 1);
  impl->role = role;
  impl->table = roles[role];
  impl->fault = f;
  return impl;
}

gboolean
conf_impl_set_backdate (ConfImpl *impl, gint64 seconds, GError **error)
{
  g_return_val_if_fail (impl != NULL, FALSE);
  if (impl->role != CONF_ROLE_PLATFORM)
    return conf_impl_fail (error, MODEL_STD_MALFORMED, "a backdate is for the platform role");
  if (seconds < 0 || seconds > MODEL_ISSUER_BACKDATE_MAX)
    return conf_impl_fail (error, MODEL_STD_MALFORMED,
                           "backdate %" G_GINT64_FORMAT ": expected 0..%d seconds", seconds,
                           MODEL_ISSUER_BACKDATE_MAX);
  impl->backdate = seconds;
  return TRUE;
}

void
conf_impl_free (ConfImpl *impl)
{
  if (impl == NULL)
    return;
  if (impl->state != NULL)
    impl->table->free_state (impl->state);
  g_free (impl);
}

/* ---- param getters ---------------------------------------------------------- */

gboolean
conf_impl_get_now (ConfImpl *impl, JsonObject *params, gint64 *now, GError **error)
{
  if (!conf_json_get_int (params, "now", now, error))
    return FALSE;
  impl->last_now = *now;
  return TRUE;
}

gboolean
conf_impl_get_ranged (JsonObject *params, const char *member, gint64 min, gint64 max,
                      gint64 *out, GError **error)
{
  if (!conf_json_get_int (params, member, out, error))
    return FALSE;
  if (*out < min || *out > max)
    return conf_impl_fail (error, MODEL_STD_MALFORMED,
                           "member '%s': %" G_GINT64_FORMAT " is outside %" G_GINT64_FORMAT
                           "..%" G_GINT64_FORMAT,
                           member, *out, min, max);
  return TRUE;
}

gboolean
conf_impl_get_text (JsonObject *params, const char *member, const char **out, GError **error)
{
  return conf_json_get_string (params, member, out, error);
}

gboolean
conf_impl_get_opt_text (JsonObject *params, const char *member, const char *fallback,
                        const char **out, GError **error)
{
  /* absent only: null is no string (ADAPTER.md section 2) */
  if (!json_object_has_member (params, member))
    {
      *out = fallback;
      return TRUE;
    }
  return conf_json_get_string (params, member, out, error);
}

/* ---- shared results ------------------------------------------------------- */

void
conf_impl_put_hex (JsonObject *result, const char *member, const guint8 *data, gsize len)
{
  g_autofree char *hex = base_hex_encode_dup (data, len);
  json_object_set_string_member (result, member, hex);
}

void
conf_impl_put_credential (JsonObject *result, const ModelCredential *cred)
{
  json_object_set_int_member (result, "level", cred->level);
  conf_impl_put_hex (result, "ecard_id", cred->ecard_id, sizeof cred->ecard_id);
  json_object_set_string_member (result, "ssn", cred->ssn);
  json_object_set_string_member (result, "name", cred->name);
  json_object_set_string_member (result, "card_no", cred->card_no);
  json_object_set_int_member (result, "city", cred->city);
  conf_impl_put_hex (result, "device_pk", cred->device_pk, sizeof cred->device_pk);
  json_object_set_int_member (result, "issued_at", cred->issued_at);
  json_object_set_int_member (result, "expires_at", cred->expires_at);
  conf_impl_put_hex (result, "signer_key_id", cred->signer_key_id, sizeof cred->signer_key_id);
}

GHashTable *
conf_impl_id_table_new (void)
{
  return g_hash_table_new_full (base_bytes16_hash, base_bytes16_equal, g_free, NULL);
}

/* ---- id.validate (verifier and platform) ----------------------------------- */

/* The faults of section 1 wrap model_id_validate: each re-runs it on input
 * altered the way a faulty implementation would see it. */
static gboolean
validate_id (ConfImpl *impl, const char *ssn, gint64 now, ModelIdInfo *info, GError **error)
{
  char fixed[MODEL_SSN_LEN + 1];
  gboolean is18 = strlen (ssn) == MODEL_SSN_LEN;

  if (is18)
    memcpy (fixed, ssn, sizeof fixed);
  if (is18 && CONF_FAULT (impl, "id-accept-lowercase-x") && fixed[17] == 'x')
    fixed[17] = 'X';
  if (is18 && CONF_FAULT (impl, "id-no-check-char") && model_id_check_char (fixed) != '\0')
    fixed[17] = model_id_check_char (fixed);
  if (CONF_FAULT (impl, "id-no-future-check"))
    now = G_GINT64_CONSTANT (253402300799); /* 9999-12-31T23:59:59Z */
  if (!model_id_validate (is18 ? fixed : ssn, now, info, error))
    {
      /* id-accept-unknown-province: a number right but for its province is
       * checked again as if it were of Beijing, and reported as it is. */
      if (!is18 || !CONF_FAULT (impl, "id-accept-unknown-province")
          || model_id_check_char (fixed) != fixed[17])
        return FALSE;
      guint32 province = (guint32) (fixed[0] - '0') * 100000 + (guint32) (fixed[1] - '0') * 10000;
      if (model_id_province_known (province))
        return FALSE;
      fixed[0] = '1', fixed[1] = '1';
      fixed[17] = model_id_check_char (fixed);
      g_autoptr (GError) again = NULL;
      if (!model_id_validate (fixed, now, info, &again))
        return FALSE;
      g_clear_error (error);
      info->region = info->region % 10000 + province;
      info->province = province;
      info->region_known = FALSE;
    }
  /* ID-7 read from another list: a county list alone, or GB/T 2260's own
   * (which has the province codes of Taiwan, Hong Kong and Macao) */
  if (CONF_FAULT (impl, "id-region-county-only") && info->region % 100 == 0
      && info->region != 441900 && info->region != 442000 && info->region != 460400)
    info->region_known = FALSE;
  if (CONF_FAULT (impl, "id-region-gbt2260")
      && (info->region == 710000 || info->region == 810000 || info->region == 820000))
    info->region_known = TRUE;
  if (CONF_FAULT (impl, "id-refuse-retired-region") && !info->region_known)
    return conf_impl_fail (error, MODEL_STD_INVALID_ID, "ssn: region %06u is not in the list",
                           info->region);
  return TRUE;
}

gboolean
conf_impl_op_id_validate (ConfImpl *impl, JsonObject *params, JsonObject *result,
                          GError **error)
{
  const char *ssn;
  gint64 now;
  ModelIdInfo info;

  if (!conf_impl_get_text (params, "ssn", &ssn, error)
      || !conf_impl_get_now (impl, params, &now, error)
      || !validate_id (impl, ssn, now, &info, error))
    return FALSE;
  g_autofree char *birth = g_strdup_printf ("%04d-%02d-%02d", info.year, info.month, info.day);
  json_object_set_int_member (result, "region", info.region);
  json_object_set_boolean_member (result, "region_known", info.region_known);
  json_object_set_string_member (result, "birth_date", birth);
  json_object_set_boolean_member (result, "male", info.male);
  return TRUE;
}

/* ---- requests and responses ---------------------------------------------- */

static char *
respond_ok (gint64 id, JsonObject *result)
{
  g_autoptr (JsonObject) top = json_object_new ();
  json_object_set_int_member (top, "id", id);
  json_object_set_boolean_member (top, "ok", TRUE);
  json_object_set_object_member (top, "result", json_object_ref (result));
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), top);
  return conf_json_to_line (node);
}

static char *
respond_error (gint64 id, ModelStdCode code, const char *message)
{
  if ((guint) code >= MODEL_STD_N_CODES || code == MODEL_STD_OK)
    code = MODEL_STD_INTERNAL;
  g_autofree char *text = g_utf8_make_valid (message != NULL ? message : "", -1);
  g_autoptr (JsonObject) top = json_object_new ();
  JsonObject *err = json_object_new ();
  json_object_set_string_member (err, "code", model_std_code_name (code));
  json_object_set_string_member (err, "message", text);
  json_object_set_int_member (top, "id", id);
  json_object_set_boolean_member (top, "ok", FALSE);
  json_object_set_object_member (top, "error", err);
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), top);
  return conf_json_to_line (node);
}

static char *
respond_gerror (gint64 id, const GError *error)
{
  return respond_error (id, (ModelStdCode) error->code, error->message);
}

static gboolean
op_hello (ConfImpl *impl, JsonObject *params, JsonObject *result, GError **error)
{
  const char *protocol;
  if (!conf_impl_get_text (params, "protocol", &protocol, error))
    return FALSE;
  if (strcmp (protocol, CONF_IMPL_PROTOCOL) != 0)
    return conf_impl_fail (error, MODEL_STD_MALFORMED,
                           "member 'protocol': this implementation speaks " CONF_IMPL_PROTOCOL);
  JsonArray *ops = json_array_new ();
  json_array_add_string_element (ops, "hello");
  json_array_add_string_element (ops, "reset");
  for (gsize i = 0; i < impl->table->n_ops; i++)
    json_array_add_string_element (ops, impl->table->ops[i].name);
  json_array_add_string_element (ops, "bye");
  json_object_set_string_member (result, "protocol", CONF_IMPL_PROTOCOL);
  json_object_set_string_member (result, "name", impl->table->name);
  json_object_set_string_member (result, "version", CONF_IMPL_VERSION);
  json_object_set_string_member (result, "role", conf_role_name (impl->role));
  json_object_set_array_member (result, "ops", ops);
  return TRUE;
}

static gboolean
op_reset (ConfImpl *impl, JsonObject *params, JsonObject *result, GError **error)
{
  ConfImplReset r = { .trust = NULL };
  JsonArray *trust;
  g_autoptr (JsonObject) empty = json_object_new ();
  g_autoptr (ModelTrustList) list = model_trust_list_new ();

  if (!conf_json_get_hex_fixed (params, "seed", r.seed, sizeof r.seed, error)
      || !conf_impl_get_now (impl, params, &r.now, error)
      || !conf_json_get_array (params, "trust", &trust, error))
    return FALSE;
  r.config = empty;
  if (json_object_has_member (params, "config")
      && !conf_json_get_object (params, "config", &r.config, error))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (trust); i++)
    {
      JsonNode *n = json_array_get_element (trust, i);
      guint8 pk[MODEL_CRED_PK_LEN];
      g_autoptr (GError) inner = NULL;
      if (json_node_get_value_type (n) != G_TYPE_STRING)
        return conf_impl_fail (error, MODEL_STD_MALFORMED, "trust[%u]: expected a hex string", i);
      if (!conf_hex_decode_fixed (json_node_get_string (n), pk, sizeof pk, &inner)
          || !model_trust_list_add (list, pk, &inner))
        return conf_impl_fail (error, (ModelStdCode) inner->code, "trust[%u]: %s", i,
                               inner->message);
    }
  r.trust = g_steal_pointer (&list);
  gpointer state = impl->table->reset (impl, &r, error);
  model_trust_list_free (r.trust);
  if (state == NULL)
    return FALSE;
  if (impl->state != NULL)
    impl->table->free_state (impl->state);
  impl->state = state;
  (void) result;
  return TRUE;
}

static const ConfImplOp *
find_op (const ConfImplRole *table, const char *name)
{
  for (gsize i = 0; i < table->n_ops; i++)
    if (strcmp (table->ops[i].name, name) == 0)
      return &table->ops[i];
  return NULL;
}

/* json-lax-types: params with the integer members given as strings of
 * digits and the boolean ones as "true"/"false" turned into what they spell,
 * as an implementation that converts types would read them.  Returns:
 * (transfer full) a new object. */
static JsonObject *
lax_types (JsonObject *params)
{
  static const char *const ints[] = { "amount_fen", "city", "count", "expires_at", "from",
                                      "level", "lifetime", "not_before", "now", "switch_at",
                                      "tier", "timestamp" };
  static const char *const bools[] = { "allow_accepted", "bank_account_active",
                                       "pin_verified" };
  JsonObject *copy = json_object_new ();
  g_autoptr (GList) names = json_object_get_members (params);
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *v = json_object_get_member (params, name);
      const char *text = JSON_NODE_HOLDS_VALUE (v) && json_node_get_value_type (v) == G_TYPE_STRING
                             ? json_node_get_string (v) : NULL;
      gboolean done = FALSE;
      for (gsize i = 0; text != NULL && !done && i < G_N_ELEMENTS (ints); i++)
        if (strcmp (name, ints[i]) == 0
            && g_regex_match_simple ("^-?[0-9]{1,18}$", text, 0, 0))
          {
            json_object_set_int_member (copy, name, g_ascii_strtoll (text, NULL, 10));
            done = TRUE;
          }
      for (gsize i = 0; text != NULL && !done && i < G_N_ELEMENTS (bools); i++)
        if (strcmp (name, bools[i]) == 0
            && (strcmp (text, "true") == 0 || strcmp (text, "false") == 0))
          {
            json_object_set_boolean_member (copy, name, strcmp (text, "true") == 0);
            done = TRUE;
          }
      if (!done)
        json_object_set_member (copy, name, json_node_copy (v));
    }
  return copy;
}

/* A role op, with the faults that concern every op. */
static gboolean
run_op (ConfImpl *impl, const ConfImplOp *op, JsonObject *params, JsonObject **result,
        GError **error)
{
  g_autoptr (GError) inner = NULL;
  g_autoptr (JsonObject) lax = NULL;
  gboolean ok;

  if (CONF_FAULT (impl, "json-lax-types"))
    params = lax = lax_types (params);

  if (CONF_FAULT (impl, "reject-everything"))
    ok = conf_impl_fail (&inner, MODEL_STD_INTERNAL, "%s: refused (reject-everything)",
                         op->name);
  else if (impl->state == NULL)
    ok = conf_impl_fail (&inner, MODEL_STD_INVALID_STATE, "%s: no reset yet", op->name);
  else if (impl->table->before_op != NULL
           && !impl->table->before_op (impl, op->name, params, &inner))
    ok = FALSE;
  else
    ok = op->fn (impl, params, *result, &inner);
  if (impl->state != NULL && impl->table->after_op != NULL)
    impl->table->after_op (impl, op->name, params, ok ? NULL : inner);
  if (!ok && CONF_FAULT (impl, "accept-everything") && op->plausible != NULL)
    {
      json_object_unref (*result);
      *result = conf_json_parse_object (op->plausible, strlen (op->plausible), NULL);
      g_assert (*result != NULL);
      return TRUE;
    }
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&inner));
  return ok;
}

char *
conf_impl_handle (ConfImpl *impl, const char *line, gsize len)
{
  g_autoptr (GError) error = NULL;
  gint64 id, version;
  const char *op;
  JsonObject *params;

  g_return_val_if_fail (impl != NULL && line != NULL, NULL);
  if (len > 0 && line[len - 1] == '\r')
    len--;
  g_autoptr (JsonObject) request = conf_json_parse_object (line, len, &error);
  if (request == NULL)
    return respond_gerror (0, error);
  if (!conf_json_get_int (request, "id", &id, &error))
    return respond_gerror (0, error);
  if (id <= 0)
    return respond_error (0, MODEL_STD_MALFORMED, "member 'id': expected a positive integer");
  if (!conf_json_get_int (request, "essc", &version, &error))
    return respond_gerror (id, error);
  if (version != 1)
    return respond_error (id, MODEL_STD_MALFORMED, "member 'essc': this is protocol version 1");
  if (conf_json_escapes_nul (line, len))
    return respond_error (id, MODEL_STD_MALFORMED, "JSON: a string holds U+0000");
  if (!conf_json_get_string (request, "op", &op, &error))
    return respond_gerror (id, error);
  g_autoptr (JsonObject) none = json_object_new ();
  params = none;
  if (json_object_has_member (request, "params")
      && !conf_json_get_object (request, "params", &params, &error))
    return respond_gerror (id, error);

  g_autoptr (JsonObject) result = json_object_new ();
  gboolean ok;
  if (strcmp (op, "hello") == 0)
    ok = op_hello (impl, params, result, &error);
  else if (strcmp (op, "bye") == 0)
    ok = TRUE;
  else if (strcmp (op, "reset") == 0)
    ok = op_reset (impl, params, result, &error);
  else
    {
      const ConfImplOp *entry = find_op (impl->table, op);
      if (entry == NULL)
        {
          g_autofree char *shown = g_utf8_make_valid (op, MIN (strlen (op), 64));
          g_autofree char *message = g_strdup_printf ("%s: not an op of the %s role", shown,
                                                      conf_role_name (impl->role));
          return respond_error (id, MODEL_STD_UNIMPLEMENTED, message);
        }
      ok = run_op (impl, entry, params, &result, &error);
    }
  return ok ? respond_ok (id, result) : respond_gerror (id, error);
}

/* ---- the stream loop ------------------------------------------------------ */

static gboolean
write_line (FILE *out, const char *text, GError **error)
{
  if (fputs (text, out) == EOF || fputc ('\n', out) == EOF || fflush (out) == EOF)
    return conf_impl_fail (error, MODEL_STD_INTERNAL, "writing a response: %s",
                           g_strerror (errno));
  return TRUE;
}

static gboolean
answer (ConfImpl *impl, GString *line, gboolean too_long, FILE *out, GError **error)
{
  g_autofree char *response = NULL;
  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);
  if (too_long || line->len > CONF_IMPL_LINE_MAX)
    response = respond_error (0, MODEL_STD_MALFORMED,
                              "request line longer than 1048576 bytes");
  else
    response = conf_impl_handle (impl, line->str, line->len);
  g_string_truncate (line, 0);
  return write_line (out, response, error);
}

gboolean
conf_impl_serve (ConfRole role, const char *fault, FILE *in, FILE *out, GError **error)
{
  g_return_val_if_fail (in != NULL && out != NULL, FALSE);
  g_autoptr (ConfImpl) impl = conf_impl_new (role, fault, error);
  return impl != NULL && conf_impl_serve_impl (impl, in, out, error);
}

gboolean
conf_impl_serve_impl (ConfImpl *impl, FILE *in, FILE *out, GError **error)
{
  g_return_val_if_fail (impl != NULL && in != NULL && out != NULL, FALSE);

  /* At most CONF_IMPL_LINE_MAX bytes, a '\r' and one more (to know it is
   * too long) are held; the rest of a longer line is read and dropped. */
  g_autoptr (GString) line = g_string_sized_new (4096);
  gboolean too_long = FALSE;
  for (;;)
    {
      int c = getc (in);
      if (c == EOF)
        {
          if (ferror (in))
            return conf_impl_fail (error, MODEL_STD_INTERNAL, "reading requests: %s",
                                   g_strerror (errno));
          /* A last line without its newline is still answered. */
          if ((line->len > 0 || too_long) && !answer (impl, line, too_long, out, error))
            return FALSE;
          return TRUE;
        }
      if (c == '\n')
        {
          if (!answer (impl, line, too_long, out, error))
            return FALSE;
          too_long = FALSE;
        }
      else if (!too_long)
        {
          if (line->len > CONF_IMPL_LINE_MAX + 1)
            {
              too_long = TRUE;
              g_string_truncate (line, 0);
            }
          else
            g_string_append_c (line, (char) c);
        }
    }
}
