/* SPDX-License-Identifier: MIT */
/*
 * Judgement of responses (see expect.h).  The audit checks rebuild the
 * IUT's entries as model/std/audit entries and let model_audit_log_verify walk
 * them, so the runner applies exactly the standard's chain rules; the
 * credential check decodes and verifies with model/std/credential likewise.
 * The hello_ops checks hold the table of the ops each role must list.
 */
#define _GNU_SOURCE /* memmem */
#include "conformance/expect.h"

#include "conformance/json.h"
#include "model/std/audit.h"
#include "model/std/issuer.h"

#include <sodium.h>

#include <math.h>
#include <string.h>

#define SHOWN_MAX 300 /* characters of a result shown in diagnostics */

void
conf_judgement_clear (ConfJudgement *j)
{
  g_clear_pointer (&j->expected, g_free);
  g_clear_pointer (&j->got, g_free);
  g_clear_pointer (&j->detail, g_free);
}

char *
conf_json_shown (JsonObject *obj)
{
  if (obj == NULL)
    return g_strdup ("{}");
  g_autoptr (JsonNode) n = json_node_init_object (json_node_alloc (), obj);
  g_autofree char *line = conf_json_to_line (n);
  if (strlen (line) <= SHOWN_MAX)
    return g_steal_pointer (&line);
  return g_strdup_printf ("%.*s...", SHOWN_MAX, line);
}

/* An expected real matches any JSON number within this (docs/VECTORS.md;
 * ESSC-STD CHAN-29 for the risk score). */
#define REAL_TOLERANCE 1e-6

/* a: the expected value, b: the one got. */
static gboolean
values_equal (JsonNode *a, JsonNode *b)
{
  if (json_node_get_node_type (a) != json_node_get_node_type (b))
    return FALSE;
  if (JSON_NODE_HOLDS_NULL (a))
    return TRUE;
  GType ta = json_node_get_value_type (a), tb = json_node_get_value_type (b);
  if (ta == G_TYPE_DOUBLE)
    {
      /* a number in either form; a string, a boolean never */
      if (tb != G_TYPE_DOUBLE && tb != G_TYPE_INT64)
        return FALSE;
      double want = json_node_get_double (a);
      double have = tb == G_TYPE_DOUBLE ? json_node_get_double (b)
                                        : (double) json_node_get_int (b);
      return isfinite (have) && fabs (have - want) <= REAL_TOLERANCE;
    }
  if (ta != tb)
    return FALSE;
  if (ta == G_TYPE_STRING)
    return g_strcmp0 (json_node_get_string (a), json_node_get_string (b)) == 0;
  if (ta == G_TYPE_INT64)
    return json_node_get_int (a) == json_node_get_int (b);
  if (ta == G_TYPE_BOOLEAN)
    return json_node_get_boolean (a) == json_node_get_boolean (b);
  return FALSE;
}

static gboolean
contains (JsonNode *expected, JsonNode *got, GString *path)
{
  if (got == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_OBJECT (expected))
    {
      if (!JSON_NODE_HOLDS_OBJECT (got))
        return FALSE;
      JsonObject *eo = json_node_get_object (expected), *go = json_node_get_object (got);
      JsonObjectIter it;
      const char *name;
      JsonNode *value;
      json_object_iter_init (&it, eo);
      while (json_object_iter_next (&it, &name, &value))
        {
          gsize mark = path->len;
          g_string_append_printf (path, ".%s", name);
          if (!contains (value, json_object_get_member (go, name), path))
            return FALSE;
          g_string_truncate (path, mark);
        }
      return TRUE;
    }
  if (JSON_NODE_HOLDS_ARRAY (expected))
    {
      if (!JSON_NODE_HOLDS_ARRAY (got))
        return FALSE;
      JsonArray *ea = json_node_get_array (expected), *ga = json_node_get_array (got);
      if (json_array_get_length (ea) != json_array_get_length (ga))
        return FALSE;
      for (guint i = 0; i < json_array_get_length (ea); i++)
        {
          gsize mark = path->len;
          g_string_append_printf (path, "[%u]", i);
          if (!contains (json_array_get_element (ea, i), json_array_get_element (ga, i), path))
            return FALSE;
          g_string_truncate (path, mark);
        }
      return TRUE;
    }
  return values_equal (expected, got);
}

gboolean
conf_json_contains (JsonNode *expected, JsonNode *got, char **path)
{
  g_autoptr (GString) p = g_string_new ("result");
  gboolean ok = contains (expected, got, p);
  if (!ok && path != NULL)
    *path = g_strdup (p->str);
  return ok;
}

void
conf_expect_state_clear (ConfExpectState *state)
{
  g_clear_pointer (&state->secrets, g_ptr_array_unref);
  g_clear_pointer (&state->keys, g_hash_table_unref);
}

/* The same order_ref keeps its idempotency key; another gets another (PAY-6). */
static gboolean
check_idempotency_key (const ConfStep *step, JsonObject *result, ConfExpectState *state,
                       char **detail)
{
  const char *ref, *key;
  g_autoptr (GError) error = NULL;
  if (!conf_json_get_string (step->params, "order_ref", &ref, &error)
      || result == NULL || !conf_json_get_string (result, "idempotency_key", &key, &error))
    {
      *detail = g_strdup_printf ("idempotency_key: %s", error ? error->message : "no result");
      return FALSE;
    }
  if (state->keys == NULL)
    state->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *seen = g_hash_table_lookup (state->keys, ref);
  if (seen != NULL)
    {
      if (strcmp (seen, key) != 0)
        {
          *detail = g_strdup_printf ("idempotency_key: a retry of order %s got a new key", ref);
          return FALSE;
        }
      return TRUE;
    }
  GHashTableIter it;
  gpointer other_ref, other_key;
  g_hash_table_iter_init (&it, state->keys);
  while (g_hash_table_iter_next (&it, &other_ref, &other_key))
    if (strcmp (other_key, key) == 0)
      {
        *detail = g_strdup_printf ("idempotency_key: orders %s and %s got the same key",
                                   (char *) other_ref, ref);
        return FALSE;
      }
  g_hash_table_insert (state->keys, g_strdup (ref), g_strdup (key));
  return TRUE;
}

/* The ops each role MUST list in hello (docs/ADAPTER.md section 3): every
 * role's, then the role's own; the payment ops only for hello_ops_payment. */
static const char *const every_ops[] = { "hello", "reset", "bye", NULL };
static const struct {
  const char *role;
  const char *const ops[32];
  const char *const payment[8];
} role_ops[] = {
  { "verifier", { "id.validate", "status.set", "credential.verify", "qr.verify", NULL },
    { NULL } },
  { "channel", { "channel.set_status", "request.sign", "request.relay", "credential.verify",
                 "consent.grant", "consent.revoke", "data.request", NULL },
    { "payment.prepare", NULL } },
  { "platform", { "id.validate", "card.register", "card.transition", "card.replace",
                  "ecard.issue", "ecard.status", "credential.issue", "credential.verify",
                  "qr.verify", "pin.set", "pin.verify", "pin.change", "channel.apply",
                  "channel.set_status", "channel.verify", "channel.risk", "channel.get",
                  "consent.grant", "consent.revoke", "consent.check", "audit.head",
                  "audit.entries", NULL },
    { "settlement.set_switch", "payment.submit", "payment.settle", "ledger.reconcile", NULL } },
};

static gboolean
listed (JsonArray *ops, const char *op)
{
  for (guint i = 0; i < json_array_get_length (ops); i++)
    {
      JsonNode *n = json_array_get_element (ops, i);
      if (json_node_get_value_type (n) == G_TYPE_STRING
          && strcmp (json_node_get_string (n), op) == 0)
        return TRUE;
    }
  return FALSE;
}

/* hello's `ops` lists every op the test's role requires (with payment: its
 * payment ops too), each as a string. */
static gboolean
check_hello_ops (JsonObject *result, const ConfExpectState *state, gboolean payment,
                 char **detail)
{
  JsonArray *ops;
  g_autoptr (GError) error = NULL;
  const char *name = payment ? "hello_ops_payment" : "hello_ops";
  gsize r = 0;
  while (r < G_N_ELEMENTS (role_ops) && g_strcmp0 (role_ops[r].role, state->role) != 0)
    r++;
  if (r == G_N_ELEMENTS (role_ops))
    {
      *detail = g_strdup_printf ("%s: no role given to the judge (runner error)", name);
      return FALSE;
    }
  if (result == NULL || !conf_json_get_array (result, "ops", &ops, &error))
    {
      *detail = g_strdup_printf ("%s: %s", name, error ? error->message : "no result");
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (ops); i++)
    if (json_node_get_value_type (json_array_get_element (ops, i)) != G_TYPE_STRING)
      {
        *detail = g_strdup_printf ("%s: ops[%u] is not a string", name, i);
        return FALSE;
      }
  g_autoptr (GString) missing = g_string_new (NULL);
  const char *const *lists[] = { every_ops, role_ops[r].ops,
                                 payment ? role_ops[r].payment : NULL };
  for (gsize l = 0; l < G_N_ELEMENTS (lists); l++)
    for (gsize i = 0; lists[l] != NULL && lists[l][i] != NULL; i++)
      if (!listed (ops, lists[l][i]))
        g_string_append_printf (missing, "%s%s", missing->len ? ", " : "", lists[l][i]);
  if (missing->len == 0)
    return TRUE;
  *detail = g_strdup_printf ("%s: the %s role MUST list %s in hello's ops (docs/ADAPTER.md "
                             "section 3)", name, state->role, missing->str);
  return FALSE;
}

void
conf_expect_note_request (ConfExpectState *state, const ConfStep *step)
{
  JsonObject *config;
  guint8 seed[32];
  if (strcmp (step->op, "reset") == 0 && step->params != NULL
      && conf_json_get_object (step->params, "config", &config, NULL)
      && json_object_has_member (config, "platform_key_seed")
      && conf_json_get_hex_fixed (config, "platform_key_seed", seed, sizeof seed, NULL))
    {
      g_autoptr (ModelPlatformKey) key = model_platform_key_from_seed (seed);
      memcpy (state->platform_pk, model_platform_key_public (key), sizeof state->platform_pk);
      state->have_platform_key = TRUE;
      sodium_memzero (seed, sizeof seed);
    }
  static const char *const members[] = { "pin", "old_pin", "new_pin" };
  for (gsize i = 0; i < G_N_ELEMENTS (members); i++)
    {
      JsonNode *n = step->params ? json_object_get_member (step->params, members[i]) : NULL;
      if (n == NULL || json_node_get_value_type (n) != G_TYPE_STRING
          || *json_node_get_string (n) == '\0')
        continue;
      if (state->secrets == NULL)
        state->secrets = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (state->secrets, g_strdup (json_node_get_string (n)));
    }
}

/* No secret noted earlier appears in any entry's payload (hex-decoded). */
static gboolean
check_no_secret (JsonObject *result, ConfExpectState *state, char **detail)
{
  JsonArray *entries;
  g_autoptr (GError) error = NULL;
  if (state->secrets == NULL)
    {
      *detail = g_strdup ("audit_no_secret: no PIN was sent before (vector error)");
      return FALSE;
    }
  if (result == NULL || !conf_json_get_array (result, "entries", &entries, &error))
    {
      *detail = g_strdup_printf ("audit_no_secret: %s", error ? error->message : "no result");
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *n = json_array_get_element (entries, i);
      if (!JSON_NODE_HOLDS_OBJECT (n))
        continue;
      g_autoptr (GError) inner = NULL;
      g_autoptr (GBytes) payload = conf_json_get_hex (json_node_get_object (n), "payload", &inner);
      if (payload == NULL)
        {
          *detail = g_strdup_printf ("audit_no_secret: entries[%u]: %s", i, inner->message);
          return FALSE;
        }
      gsize len;
      const char *p = g_bytes_get_data (payload, &len);
      for (guint k = 0; k < state->secrets->len; k++)
        {
          const char *secret = state->secrets->pdata[k];
          if (len > 0 && memmem (p, len, secret, strlen (secret)) != NULL)
            {
              *detail = g_strdup_printf ("audit_no_secret: entry %u holds a PIN in clear", i);
              return FALSE;
            }
        }
    }
  return TRUE;
}

/* Rebuilds the entries of an audit.entries result and verifies the chain. */
static gboolean
check_chain (JsonObject *result, ConfExpectState *state, char **detail)
{
  JsonArray *entries;
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelAuditLog) log = model_audit_log_new ();

  if (result == NULL || !conf_json_get_array (result, "entries", &entries, &error))
    {
      *detail = g_strdup_printf ("audit_chain: %s", error ? error->message : "no result");
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *n = json_array_get_element (entries, i);
      ModelAuditEntry e = { 0 };
      const char *actor, *action;
      gint64 seq, time;
      if (!JSON_NODE_HOLDS_OBJECT (n))
        {
          *detail = g_strdup_printf ("audit_chain: entries[%u] is not an object", i);
          return FALSE;
        }
      JsonObject *o = json_node_get_object (n);
      g_autoptr (GBytes) payload = NULL;
      if (!conf_json_get_int (o, "seq", &seq, &error) || !conf_json_get_int (o, "time", &time, &error)
          || !conf_json_get_string (o, "actor", &actor, &error)
          || !conf_json_get_string (o, "action", &action, &error)
          || (payload = conf_json_get_hex (o, "payload", &error)) == NULL
          || !conf_json_get_hex_fixed (o, "prev_hash", e.prev_hash, sizeof e.prev_hash, &error)
          || !conf_json_get_hex_fixed (o, "hash", e.hash, sizeof e.hash, &error))
        {
          *detail = g_strdup_printf ("audit_chain: entries[%u]: %s", i, error->message);
          return FALSE;
        }
      e.seq = (guint64) seq;
      e.time = time;
      e.actor = (char *) actor;
      e.action = (char *) action;
      e.payload = (guint8 *) g_bytes_get_data (payload, &e.payload_len);
      if (!model_audit_log_restore (log, &e, &error))
        {
          *detail = g_strdup_printf ("audit_chain: entries[%u]: %s", i, error->message);
          return FALSE;
        }
    }
  guint64 bad = 0;
  if (!model_audit_log_verify (log, NULL, MODEL_AUDIT_VERIFY_DEFAULT, &bad, &error))
    {
      *detail = g_strdup_printf ("audit_chain: entry %" G_GUINT64_FORMAT ": %s", bad,
                                 error->message);
      return FALSE;
    }
  ModelAuditHead head;
  model_audit_log_head (log, &head);
  state->have_chain = TRUE;
  state->chain_count = head.count;
  memcpy (state->chain_hash, head.hash, sizeof state->chain_hash);
  return TRUE;
}

static ModelStdCode
status_ok (const guint8 ecard_id[16], gpointer user_data)
{
  return MODEL_STD_OK;
}

/*
 * CRED-12: the issued credential (result.credential) is the expected one
 * (expect.result.credential, issued without backdating) in every field but
 * issued_at, which may be up to MODEL_ISSUER_BACKDATE_MAX seconds earlier,
 * and its signature verifies under reset's platform key.
 */
static gboolean
check_credential_issued (const ConfStep *step, JsonObject *result, ConfExpectState *state,
                         char **detail)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) want = conf_json_get_hex (step->expect_result, "credential", &error);
  ModelCredential ref, got;
  if (want == NULL || !state->have_platform_key
      || !model_credential_decode (g_bytes_get_data (want, NULL), g_bytes_get_size (want), &ref,
                                   NULL))
    {
      *detail = g_strdup ("credential_issued: no expected credential or no platform key "
                          "(vector error)");
      return FALSE;
    }
  g_autoptr (GBytes) bytes = result != NULL ? conf_json_get_hex (result, "credential", &error)
                                            : NULL;
  if (bytes == NULL)
    {
      *detail = g_strdup_printf ("credential_issued: %s", error ? error->message : "no result");
      return FALSE;
    }
  g_autoptr (ModelTrustList) trust = model_trust_list_new ();
  if (!model_trust_list_add (trust, state->platform_pk, &error)
      || !model_credential_decode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                   &got, &error)
      || !model_credential_verify (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                   trust, status_ok, NULL, got.issued_at, NULL, &error))
    {
      *detail = g_strdup_printf ("credential_issued: %s", error->message);
      return FALSE;
    }
  const char *field = NULL;
  if (got.level != ref.level)
    field = "level";
  else if (memcmp (got.ecard_id, ref.ecard_id, sizeof got.ecard_id) != 0)
    field = "ecard_id";
  else if (strcmp (got.ssn, ref.ssn) != 0)
    field = "ssn";
  else if (strcmp (got.name, ref.name) != 0)
    field = "name";
  else if (strcmp (got.card_no, ref.card_no) != 0)
    field = "card_no";
  else if (got.city != ref.city)
    field = "city";
  else if (memcmp (got.device_pk, ref.device_pk, sizeof got.device_pk) != 0)
    field = "device_pk";
  else if (got.expires_at != ref.expires_at)
    field = "expires_at (CRED-12: now + lifetime)";
  else if (memcmp (got.signer_key_id, ref.signer_key_id, sizeof got.signer_key_id) != 0)
    field = "signer_key_id";
  if (field != NULL)
    {
      *detail = g_strdup_printf ("credential_issued: %s differs from the expected "
                                 "credential's", field);
      return FALSE;
    }
  if (got.issued_at > ref.issued_at || got.issued_at < ref.issued_at - MODEL_ISSUER_BACKDATE_MAX)
    {
      *detail = g_strdup_printf ("credential_issued: issued_at %" G_GINT64_FORMAT " is outside "
                                 "now - %d .. now (%" G_GINT64_FORMAT " .. %" G_GINT64_FORMAT
                                 ", CRED-12)", got.issued_at, MODEL_ISSUER_BACKDATE_MAX,
                                 ref.issued_at - MODEL_ISSUER_BACKDATE_MAX, ref.issued_at);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_head (JsonObject *result, ConfExpectState *state, char **detail)
{
  g_autoptr (GError) error = NULL;
  gint64 count;
  guint8 hash[32];
  if (!state->have_chain)
    {
      *detail = g_strdup ("audit_head: no chain was fetched before (vector error)");
      return FALSE;
    }
  if (result == NULL || !conf_json_get_int (result, "count", &count, &error)
      || !conf_json_get_hex_fixed (result, "hash", hash, sizeof hash, &error))
    {
      *detail = g_strdup_printf ("audit_head: %s", error ? error->message : "no result");
      return FALSE;
    }
  if ((guint64) count != state->chain_count || memcmp (hash, state->chain_hash, 32) != 0)
    {
      g_autofree char *want = base_hex_encode_dup (state->chain_hash, 32);
      *detail = g_strdup_printf ("audit_head: expected count %" G_GUINT64_FORMAT " hash %s "
                                 "(from the entries), got count %" G_GINT64_FORMAT,
                                 state->chain_count, want, count);
      return FALSE;
    }
  return TRUE;
}

void
conf_expect_judge (const ConfStep *step, const ConfCallResult *got, ConfExpectState *state,
                   ConfJudgement *out)
{
  memset (out, 0, sizeof *out);
  if (step->expect_ok && step->expect_result != NULL)
    {
      g_autofree char *r = conf_json_shown (step->expect_result);
      out->expected = g_strdup_printf ("accepted with %s", r);
    }
  else if (step->expect_ok)
    out->expected = g_strdup ("accepted");
  else if (step->any_codes != NULL)
    {
      g_autoptr (GString) s = g_string_new ("refused: one of");
      for (guint i = 0; i < step->any_codes->len; i++)
        g_string_append_printf (s, " %s",
                                model_std_code_name (g_array_index (step->any_codes, ModelStdCode, i)));
      out->expected = g_string_free (g_steal_pointer (&s), FALSE);
    }
  else
    out->expected = g_strdup_printf ("refused: %s", model_std_code_name (step->expect_code));

  if (got->ok)
    {
      g_autofree char *r = conf_json_shown (got->result);
      out->got = g_strdup_printf ("accepted with %s", r);
    }
  else
    out->got = g_strdup_printf ("refused: %s (%s)", model_std_code_name (got->code),
                                got->message ? got->message : "");

  if (got->ok != step->expect_ok)
    return;
  if (!got->ok)
    {
      if (step->any_codes == NULL)
        out->pass = got->code == step->expect_code;
      else
        for (guint i = 0; i < step->any_codes->len && !out->pass; i++)
          out->pass = got->code == g_array_index (step->any_codes, ModelStdCode, i);
      return;
    }
  gboolean issued = step->check != NULL && strcmp (step->check, "credential_issued") == 0;
  if (step->expect_result != NULL)
    {
      /* credential_issued judges the member credential itself. */
      g_autoptr (JsonObject) rest = json_object_new ();
      if (issued)
        {
          g_autoptr (GList) names = json_object_get_members (step->expect_result);
          for (GList *l = names; l != NULL; l = l->next)
            if (strcmp (l->data, "credential") != 0)
              json_object_set_member (rest, l->data,
                                      json_node_copy (json_object_get_member (step->expect_result,
                                                                              l->data)));
        }
      g_autoptr (JsonNode) want = json_node_init_object (json_node_alloc (),
                                                         issued ? rest : step->expect_result);
      g_autoptr (JsonNode) have = got->result
                                      ? json_node_init_object (json_node_alloc (), got->result)
                                      : json_node_new (JSON_NODE_NULL);
      char *path = NULL;
      if (!conf_json_contains (want, have, &path))
        {
          out->detail = g_strdup_printf ("%s differs or is missing", path);
          g_free (path);
          return;
        }
    }
  if (step->check != NULL && strcmp (step->check, "audit_chain") == 0)
    out->pass = check_chain (got->result, state, &out->detail);
  else if (step->check != NULL && strcmp (step->check, "audit_head") == 0)
    out->pass = check_head (got->result, state, &out->detail);
  else if (step->check != NULL && strcmp (step->check, "audit_no_secret") == 0)
    out->pass = check_no_secret (got->result, state, &out->detail);
  else if (step->check != NULL && strcmp (step->check, "idempotency_key") == 0)
    out->pass = check_idempotency_key (step, got->result, state, &out->detail);
  else if (step->check != NULL && strcmp (step->check, "hello_ops") == 0)
    out->pass = check_hello_ops (got->result, state, FALSE, &out->detail);
  else if (step->check != NULL && strcmp (step->check, "hello_ops_payment") == 0)
    out->pass = check_hello_ops (got->result, state, TRUE, &out->detail);
  else if (issued)
    out->pass = check_credential_issued (step, got->result, state, &out->detail);
  else
    out->pass = TRUE;
}
