/* SPDX-License-Identifier: MIT */
/*
 * The operations of `essc serve` and who may do them (serve/actions.h).
 * Each action checks the caller first (401 nobody, 403 a vendor on a staff
 * action), then its arguments (400 naming the member), then visibility (404
 * for what is not the caller's), then asks the registry or the run store.
 * Writes go through the registry's own operations (registry/lifecycle.h,
 * registry/token.h) with the caller's actor, so the history says who did
 * what; after each, the public list and feed are republished.
 *
 * Reads use one read-only registry connection kept open (SQLite sees other
 * processes' commits at each statement); it is reopened after each of our
 * own writes and when a read fails.  The history is read from a fresh
 * connection (reg_db_history caches it per connection).
 */
#include "serve/actions.h"

#include "base/text.h"
#include "conformance/json.h"
#include "registry/lifecycle.h"
#include "registry/publish.h"
#include "registry/token.h"
#include "serve/run_json.h"

#include <errno.h>
#include <sodium.h>
#include <string.h>

struct _ServeActions {
  char *registry_path, *key_path, *public_dir;
  ServeStore *store;
  ServePool *pool;
  guint subscription;
  guint max_queued;
  RegDb *rdb;                 /* the read connection, or NULL */
};

static const char *const classes[] = { "hrss", "government", "partner", "bank", "medical",
                                       "social", NULL };
static const char *const staff_actions[] = { "certify", "rectify", "suspend", "reinstate",
                                             "terminate", "revoke", NULL };

void
serve_caller_clear (ServeCaller *c)
{
  if (c == NULL)
    return;
  g_clear_pointer (&c->token_id, g_free);
  g_clear_pointer (&c->subject, g_free);
  g_clear_pointer (&c->actor, g_free);
  c->kind = SERVE_CALLER_NONE;
}

void
serve_result_clear (ServeResult *r)
{
  if (r == NULL)
    return;
  g_clear_pointer (&r->json, json_node_unref);
  g_clear_pointer (&r->message, g_free);
  r->status = 0;
}

const char *const *
serve_actions_classes (void)
{
  return classes;
}

ServePool *
serve_actions_pool (ServeActions *a)
{
  return a->pool;
}

/* ---- results ------------------------------------------------------------------ */

static gboolean fail (ServeResult *res, guint status, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (ServeResult *res, guint status, const char *fmt, ...)
{
  serve_result_clear (res);
  va_list ap;
  va_start (ap, fmt);
  res->message = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  res->status = status;
  return FALSE;
}

static gboolean
ok (ServeResult *res, guint status, JsonNode *json)
{
  serve_result_clear (res);
  res->status = status;
  res->json = json;
  return TRUE;
}

/* The registry's error as an HTTP answer. */
static gboolean
fail_reg (ServeResult *res, const GError *e)
{
  if (e == NULL)
    return fail (res, 500, "internal error");
  if (e->domain == REG_ERROR)
    switch ((RegErrorCode) e->code)
      {
      case REG_ERROR_REFUSED:
        return fail (res, 409, "%s", e->message);
      case REG_ERROR_INPUT:
        return fail (res, 400, "%s", e->message);
      case REG_ERROR_DAMAGED:
        return fail (res, 500, "the registry does not verify: %s", e->message);
      case REG_ERROR_IUT:
        return fail (res, 502, "%s", e->message);
      case REG_ERROR_INTERNAL:
        break;
      }
  g_warning ("essc serve: %s", e->message);
  return fail (res, 500, "internal error: %s", e->message);
}

static JsonNode *
parse_json (const char *text)
{
  if (text == NULL)
    return NULL;
  g_autoptr (JsonParser) p = json_parser_new ();
  if (!json_parser_load_from_data (p, text, -1, NULL) || json_parser_get_root (p) == NULL)
    return NULL;
  return json_node_copy (json_parser_get_root (p));
}

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* ---- the registry --------------------------------------------------------------- */

static RegDb *
rdb (ServeActions *a, ServeResult *res)
{
  if (a->rdb == NULL)
    {
      g_autoptr (GError) e = NULL;
      a->rdb = reg_db_open (a->registry_path, FALSE, &e);
      if (a->rdb == NULL)
        {
          fail_reg (res, e);
          return NULL;
        }
    }
  return a->rdb;
}

/* After our own writes: the next read opens afresh. */
static void
rdb_reset (ServeActions *a)
{
  g_clear_pointer (&a->rdb, reg_db_close);
}

gboolean
serve_actions_republish (ServeActions *a, GError **error)
{
  RegCtx ctx = { .db_path = a->registry_path, .now = now_s (), .actor = "essc-serve" };
  RegPublishOptions po = { .out_dir = a->public_dir, .key_path = a->key_path };
  RegPublished out;
  return reg_publish (&ctx, &po, &out, error);
}

static void
changed (ServeActions *a)
{
  rdb_reset (a);
  g_autoptr (GError) e = NULL;
  if (!serve_actions_republish (a, &e))
    g_printerr ("essc serve: republishing into %s failed: %s\n", a->public_dir, e->message);
}

static void
on_run_event (gint64 run_id, const char *event, const char *json, gpointer data)
{
  ServeActions *a = data;
  if (strcmp (event, "state") != 0)
    return;
  g_autoptr (JsonNode) n = parse_json (json);
  if (n != NULL && JSON_NODE_HOLDS_OBJECT (n)
      && json_object_get_boolean_member_with_default (json_node_get_object (n), "finished",
                                                      FALSE))
    changed (a);
}

ServeActions *
serve_actions_new (const ServeActionsOptions *o, GError **error)
{
  g_return_val_if_fail (o != NULL && o->registry_path != NULL && o->key_path != NULL
                          && o->public_dir != NULL && o->store != NULL,
                        NULL);
  g_autoptr (RegDb) db = reg_db_open (o->registry_path, FALSE, error);
  if (db == NULL)
    return NULL;
  if (g_mkdir_with_parents (o->public_dir, 0755) != 0)
    {
      int err = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err), "cannot create %s: %s",
                   o->public_dir, g_strerror (err));
      return NULL;
    }
  ServeActions *a = g_new0 (ServeActions, 1);
  a->registry_path = g_strdup (o->registry_path);
  a->key_path = g_strdup (o->key_path);
  a->public_dir = g_strdup (o->public_dir);
  a->store = o->store;
  a->pool = o->pool;
  a->max_queued = o->max_queued_per_vendor ? o->max_queued_per_vendor
                                           : SERVE_MAX_QUEUED_PER_VENDOR;
  if (!serve_actions_republish (a, error))
    {
      serve_actions_free (a);
      return NULL;
    }
  if (a->pool != NULL)
    a->subscription = serve_pool_subscribe (a->pool, on_run_event, a);
  return a;
}

void
serve_actions_free (ServeActions *a)
{
  if (a == NULL)
    return;
  if (a->pool != NULL && a->subscription != 0)
    serve_pool_unsubscribe (a->pool, a->subscription);
  rdb_reset (a);
  g_free (a->registry_path);
  g_free (a->key_path);
  g_free (a->public_dir);
  g_free (a);
}

/* ---- callers ------------------------------------------------------------------------ */

static void
caller_from_token (const RegToken *t, ServeCaller *out)
{
  out->kind = strcmp (t->role, REG_TOKEN_STAFF) == 0 ? SERVE_CALLER_STAFF : SERVE_CALLER_VENDOR;
  out->token_id = g_strdup (t->id);
  out->subject = g_strdup (t->subject);
  out->actor = reg_token_actor (t);
}

gboolean
serve_actions_authenticate (ServeActions *a, const char *token_text, ServeCaller *out,
                            ServeResult *res)
{
  memset (out, 0, sizeof *out);
  if (token_text == NULL || *token_text == '\0')
    return fail (res, 401, "a token is required");
  RegDb *db = rdb (a, res);
  if (db == NULL)
    return FALSE;
  g_autoptr (GError) e = NULL;
  g_autoptr (RegToken) t = reg_token_authenticate (db, token_text, &e);
  if (t == NULL)
    {
      if (e != NULL && e->domain == REG_ERROR && e->code == REG_ERROR_REFUSED)
        return fail (res, 401, "%s", e->message);
      rdb_reset (a);
      return fail_reg (res, e);
    }
  caller_from_token (t, out);
  return TRUE;
}

gboolean
serve_actions_caller_by_id (ServeActions *a, const char *token_id, ServeCaller *out,
                            ServeResult *res)
{
  memset (out, 0, sizeof *out);
  RegDb *db = rdb (a, res);
  if (db == NULL)
    return FALSE;
  g_autoptr (GError) e = NULL;
  g_autoptr (GPtrArray) all = reg_db_tokens (db, NULL, &e);
  if (all == NULL)
    {
      rdb_reset (a);
      return fail_reg (res, e);
    }
  for (guint i = 0; i < all->len; i++)
    {
      const RegToken *t = g_ptr_array_index (all, i);
      if (strcmp (t->id, token_id) != 0)
        continue;
      if (t->revoked_at != 0)
        return fail (res, 401, "token %s was revoked", t->id);
      caller_from_token (t, out);
      return TRUE;
    }
  return fail (res, 401, "unknown token");
}

static gboolean
need_caller (const ServeCaller *c, ServeResult *res)
{
  if (c == NULL || c->kind == SERVE_CALLER_NONE)
    return fail (res, 401, "authentication required: a token (Authorization: Bearer) or a "
                           "login");
  return TRUE;
}

static gboolean
need_staff (const ServeCaller *c, ServeResult *res)
{
  if (!need_caller (c, res))
    return FALSE;
  if (c->kind != SERVE_CALLER_STAFF)
    return fail (res, 403, "staff only");
  return TRUE;
}

/* ---- JSON shapes ----------------------------------------------------------------------- */

static JsonNode *
run_node (const ServeRun *r)
{
  g_autofree char *text = serve_run_to_json (r);
  return parse_json (text);
}

static void
add_nullable_string (JsonBuilder *b, const char *name, const char *v)
{
  json_builder_set_member_name (b, name);
  if (v == NULL || *v == '\0')
    json_builder_add_null_value (b);
  else
    json_builder_add_string_value (b, v);
}

static void
add_string (JsonBuilder *b, const char *name, const char *v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, v ? v : "");
}

static void
add_int (JsonBuilder *b, const char *name, gint64 v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, v);
}

static JsonNode *
channel_node (ServeActions *a, RegDb *db, const RegChannel *ch)
{
  g_autoptr (GError) e = NULL;
  g_autofree char *vendor = reg_db_channel_vendor (db, ch->id, &e);
  g_autoptr (GPtrArray) certs = reg_db_certificates (db, ch->id, NULL);
  const RegCertificate *cur = certs ? reg_current_certificate (certs) : NULL;
  g_autoptr (GPtrArray) runs = serve_store_runs (a->store, NULL, ch->id, 1, NULL);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  add_string (b, "id", ch->id);
  add_string (b, "name", ch->name);
  add_string (b, "class", ch->klass);
  add_int (b, "tier", ch->tier);
  add_nullable_string (b, "parent_id", ch->parent_id);
  add_string (b, "status", ch->status);
  add_int (b, "status_changed_at", ch->status_changed_at);
  add_string (b, "role", ch->role);
  add_string (b, "endpoint", ch->impl);
  /* the profile every run of the channel is tested with (the registry's canonical JSON) */
  json_builder_set_member_name (b, "profile");
  g_autoptr (JsonNode) profile = json_from_string (ch->profile, NULL);
  if (profile != NULL && JSON_NODE_HOLDS_OBJECT (profile))
    json_builder_add_value (b, g_steal_pointer (&profile));
  else
    json_builder_add_null_value (b);
  add_int (b, "applied_at", ch->applied_at);
  add_nullable_string (b, "vendor", vendor);
  json_builder_set_member_name (b, "rectification_pending");
  json_builder_add_boolean_value (b, ch->rectify_seq >= 0);
  json_builder_set_member_name (b, "certificate");
  if (cur == NULL)
    json_builder_add_null_value (b);
  else
    {
      json_builder_begin_object (b);
      add_int (b, "serial", (gint64) cur->serial);
      add_int (b, "not_before", cur->not_before);
      add_int (b, "not_after", cur->not_after);
      json_builder_set_member_name (b, "revoked");
      json_builder_add_boolean_value (b, cur->revoked);
      json_builder_set_member_name (b, "in_force");
      json_builder_add_boolean_value (b, reg_certificate_in_force (cur, now_s ()));
      json_builder_end_object (b);
    }
  json_builder_set_member_name (b, "latest_run");
  JsonNode *rn = runs && runs->len ? run_node (g_ptr_array_index (runs, 0)) : NULL;
  if (rn != NULL)
    json_builder_add_value (b, rn);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static JsonNode *
token_node (const RegToken *t)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  add_string (b, "id", t->id);
  add_string (b, "role", t->role);
  add_string (b, "subject", t->subject);
  add_string (b, "label", t->label);
  add_int (b, "issued_at", t->issued_at);
  add_string (b, "issued_by", t->issued_by);
  json_builder_set_member_name (b, "revoked_at");
  if (t->revoked_at != 0)
    json_builder_add_int_value (b, t->revoked_at);
  else
    json_builder_add_null_value (b);
  add_nullable_string (b, "revoke_reason", t->revoke_reason);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* ---- visibility ------------------------------------------------------------------------ */

static gboolean
channel_id_ok (const char *id)
{
  return id != NULL && strlen (id) == 8 && id[0] == 'C' && id[1] == 'H'
         && strspn (id + 2, "0123456789") == 6;
}

/* The channel if the caller may see it: 400 a bad id, 404 unknown or
 * another vendor's.  *vendor (may be NULL) gets its owner ("" none). */
static RegChannel *
visible_channel (ServeActions *a, RegDb *db, const ServeCaller *c, const char *id,
                 char **vendor, ServeResult *res)
{
  if (!channel_id_ok (id))
    {
      fail (res, 400, "channel: expected \"CH\" and 6 digits");
      return NULL;
    }
  g_autoptr (GError) e = NULL;
  g_autoptr (RegChannel) ch = reg_db_channel (db, id, &e);
  if (ch == NULL)
    {
      if (e != NULL && e->domain == REG_ERROR && e->code == REG_ERROR_INPUT)
        fail (res, 404, "no channel %s", id);
      else
        fail_reg (res, e);
      return NULL;
    }
  g_autofree char *owner = reg_db_channel_vendor (db, id, &e);
  if (owner == NULL)
    {
      fail_reg (res, e);
      return NULL;
    }
  if (c->kind != SERVE_CALLER_STAFF && strcmp (owner, c->subject) != 0)
    {
      fail (res, 404, "no channel %s", id);
      return NULL;
    }
  if (vendor != NULL)
    *vendor = g_steal_pointer (&owner);
  return g_steal_pointer (&ch);
}

static gboolean
parse_run_id (const char *text, gint64 *id)
{
  guint64 v;
  if (text == NULL || *text == '\0' || text[0] == '0' || strspn (text, "0123456789") != strlen (text)
      || strlen (text) > 16
      || !g_ascii_string_to_unsigned (text, 10, 1, G_GUINT64_CONSTANT (9007199254740991), &v,
                                      NULL))
    return FALSE;
  *id = (gint64) v;
  return TRUE;
}

static ServeRun *
visible_run (ServeActions *a, const ServeCaller *c, const char *run_id, ServeResult *res)
{
  gint64 id;
  if (!parse_run_id (run_id, &id))
    {
      fail (res, 400, "run: expected a decimal run id");
      return NULL;
    }
  ServeRun *r = serve_store_run (a->store, id, NULL);
  if (r == NULL || (c->kind != SERVE_CALLER_STAFF && g_strcmp0 (r->vendor, c->subject) != 0))
    {
      serve_run_free (r);
      fail (res, 404, "no run %s", run_id);
      return NULL;
    }
  return r;
}

/* ---- body members ------------------------------------------------------------------------ */

/* Refuses members not in allowed (400 naming the first). */
static gboolean
only_members (JsonObject *body, const char *const *allowed, ServeResult *res)
{
  g_autoptr (GList) names = json_object_get_members (body);
  for (GList *l = names; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        g_autofree char *shown = base_text_printable (l->data, strlen (l->data), 64);
        return fail (res, 400, "member '%s': not expected here", shown);
      }
  return TRUE;
}

/* A string member: required or optional (*out NULL when absent); 400
 * naming it when of another type or not 1..max bytes of UTF-8 text. */
static gboolean get_text (JsonObject *body, const char *name, gboolean required, gsize max,
                          const char **out, ServeResult *res);

static gboolean
get_text (JsonObject *body, const char *name, gboolean required, gsize max, const char **out,
          ServeResult *res)
{
  *out = NULL;
  JsonNode *n = json_object_get_member (body, name);
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    {
      if (required)
        return fail (res, 400, "member '%s': required", name);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return fail (res, 400, "member '%s': expected a string", name);
  const char *v = json_node_get_string (n);
  gsize at = 0;
  BaseTextFault f = base_text_check_utf8 (v, -1, max, &at);
  if (f != BASE_TEXT_OK)
    return fail (res, 400, "member '%s': expected 1..%zu bytes of UTF-8 text without control "
                           "characters",
                 name, max);
  *out = v;
  return TRUE;
}

/* A text of several lines (a key file's text): valid UTF-8 of 1..max bytes whose only
 * control characters are line ends (CR, LF); the registry checks what it says. */
static gboolean
get_lines (JsonObject *body, const char *name, gsize max, const char **out, ServeResult *res)
{
  *out = NULL;
  JsonNode *n = json_object_get_member (body, name);
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return fail (res, 400, "member '%s': required", name);
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return fail (res, 400, "member '%s': expected a string", name);
  const char *v = json_node_get_string (n);
  gsize len = strlen (v);
  gboolean ok = len >= 1 && len <= max && g_utf8_validate (v, (gssize) len, NULL);
  for (gsize i = 0; ok && i < len; i++)
    {
      guchar ch = (guchar) v[i];
      if ((ch < 0x20 && ch != '\n' && ch != '\r') || ch == 0x7f)
        ok = FALSE;
    }
  if (!ok)
    return fail (res, 400, "member '%s': expected 1..%zu bytes of UTF-8 text whose only "
                           "control characters are line ends",
                 name, max);
  *out = v;
  return TRUE;
}

static gboolean
get_int (JsonObject *body, const char *name, gboolean *present, gint64 *out, ServeResult *res)
{
  JsonNode *n = json_object_get_member (body, name);
  *present = FALSE;
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return TRUE;
  g_autoptr (GError) e = NULL;
  if (!conf_json_get_int (body, name, out, &e))
    return fail (res, 400, "%s", e->message);
  *present = TRUE;
  return TRUE;
}

/* ---- the actions ------------------------------------------------------------------------- */

gboolean
serve_action_whoami (ServeActions *a, const ServeCaller *c, ServeResult *res)
{
  if (!need_caller (c, res))
    return FALSE;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  add_string (b, "role", c->kind == SERVE_CALLER_STAFF ? "staff" : "vendor");
  add_string (b, "subject", c->subject);
  add_string (b, "token_id", c->token_id);
  add_string (b, "actor", c->actor);
  json_builder_end_object (b);
  return ok (res, 200, json_builder_get_root (b));
}

gboolean
serve_action_channels (ServeActions *a, const ServeCaller *c, ServeResult *res)
{
  if (!need_caller (c, res))
    return FALSE;
  RegDb *db = rdb (a, res);
  if (db == NULL)
    return FALSE;
  g_autoptr (GError) e = NULL;
  g_autoptr (GPtrArray) all = reg_db_channels (db, &e);
  if (all == NULL)
    {
      rdb_reset (a);
      return fail_reg (res, e);
    }
  JsonArray *arr = json_array_new ();
  for (guint i = 0; i < all->len; i++)
    {
      const RegChannel *ch = g_ptr_array_index (all, i);
      if (c->kind != SERVE_CALLER_STAFF)
        {
          g_autofree char *owner = reg_db_channel_vendor (db, ch->id, NULL);
          if (owner == NULL || strcmp (owner, c->subject) != 0)
            continue;
        }
      json_array_add_element (arr, channel_node (a, db, ch));
    }
  JsonNode *n = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (n, arr);
  return ok (res, 200, n);
}

gboolean
serve_action_channel (ServeActions *a, const ServeCaller *c, const char *id, ServeResult *res)
{
  if (!need_caller (c, res))
    return FALSE;
  RegDb *db = rdb (a, res);
  if (db == NULL)
    return FALSE;
  g_autoptr (RegChannel) ch = visible_channel (a, db, c, id, NULL, res);
  if (ch == NULL)
    return FALSE;
  return ok (res, 200, channel_node (a, db, ch));
}

static gboolean
endpoint_ok (const char *url, ServeResult *res)
{
  if (base_text_check_ascii (url, SERVE_ENDPOINT_MAX, NULL) != BASE_TEXT_OK)
    return fail (res, 400, "member 'endpoint': expected an http:// or https:// URL of at most "
                           "%d bytes of printable ASCII",
                 SERVE_ENDPOINT_MAX);
  if (!g_str_has_prefix (url, "http://") && !g_str_has_prefix (url, "https://"))
    return fail (res, 400, "member 'endpoint': only http:// and https:// URLs are accepted");
  g_autoptr (GUri) u = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (u == NULL || g_uri_get_host (u) == NULL || *g_uri_get_host (u) == '\0'
      || g_uri_get_userinfo (u) != NULL || g_uri_get_fragment (u) != NULL)
    return fail (res, 400, "member 'endpoint': expected a URL with a host, without user "
                           "information or fragment");
  return TRUE;
}

gboolean
serve_action_register (ServeActions *a, const ServeCaller *c, JsonObject *body,
                       ServeResult *res)
{
  static const char *const allowed[] = { "id", "name", "class", "tier", "parent_id",
                                         "public_key", "endpoint", "role", "payment", NULL };
  if (!need_caller (c, res))
    return FALSE;
  if (c->kind != SERVE_CALLER_VENDOR)
    return fail (res, 403, "only a vendor registers a channel (its owner)");
  const char *id, *name, *klass, *parent, *pk, *endpoint, *role;
  gint64 tier = 0;
  gboolean has_tier;
  if (!only_members (body, allowed, res) || !get_text (body, "id", TRUE, 16, &id, res)
      || !get_text (body, "name", TRUE, 64, &name, res)
      || !get_text (body, "class", TRUE, 32, &klass, res)
      || !get_int (body, "tier", &has_tier, &tier, res)
      || !get_text (body, "parent_id", FALSE, 16, &parent, res)
      || !get_lines (body, "public_key", 4096, &pk, res)
      || !get_text (body, "endpoint", TRUE, 4 * SERVE_ENDPOINT_MAX, &endpoint, res)
      || !get_text (body, "role", FALSE, 16, &role, res))
    return FALSE;
  /* the profile's one claim beyond tier and class: payment (level 2), default yes */
  gboolean payment = TRUE;
  JsonNode *pn = json_object_get_member (body, "payment");
  if (pn != NULL && !JSON_NODE_HOLDS_NULL (pn))
    {
      if (!JSON_NODE_HOLDS_VALUE (pn) || json_node_get_value_type (pn) != G_TYPE_BOOLEAN)
        return fail (res, 400, "member 'payment': expected true or false");
      payment = json_node_get_boolean (pn);
    }
  if (!has_tier)
    return fail (res, 400, "member 'tier': required");
  if (tier < 1 || tier > 2)
    return fail (res, 400, "member 'tier': expected 1 or 2");
  if (!channel_id_ok (id))
    return fail (res, 400, "member 'id': expected \"CH\" and 6 digits");
  if (parent != NULL && *parent != '\0' && !channel_id_ok (parent))
    return fail (res, 400, "member 'parent_id': expected \"CH\" and 6 digits");
  if (!g_strv_contains (classes, klass))
    return fail (res, 400, "member 'class': expected one of hrss, government, partner, bank, "
                           "medical, social");
  if (role == NULL)
    role = "channel";
  if (strcmp (role, "channel") != 0 && strcmp (role, "platform") != 0
      && strcmp (role, "verifier") != 0)
    return fail (res, 400, "member 'role': expected channel, platform or verifier");
  if (!endpoint_ok (endpoint, res))
    return FALSE;
  RegApplication app = { 0 };
  app.id = id;
  app.name = name;
  app.klass = klass;
  app.tier = (int) tier;
  app.parent_id = parent && *parent ? parent : NULL;
  app.public_key_text = pk;
  app.role = role;
  app.impl = endpoint;
  app.vendor = c->subject;
  app.no_payment = !payment;
  RegCtx ctx = { .db_path = a->registry_path, .now = now_s (), .actor = c->actor };
  g_autoptr (GError) e = NULL;
  if (!reg_apply (&ctx, &app, &e))
    {
      /* the registry's INPUT errors on an application are the body's fault */
      return fail_reg (res, e);
    }
  changed (a);
  RegDb *db = rdb (a, res);
  if (db == NULL)
    return FALSE;
  g_autoptr (RegChannel) ch = reg_db_channel (db, id, &e);
  if (ch == NULL)
    return fail_reg (res, e);
  return ok (res, 201, channel_node (a, db, ch));
}

static guint
queued_of (ServeActions *a, const char *vendor)
{
  g_autoptr (GPtrArray) runs = serve_store_runs (a->store, vendor, NULL, 0, NULL);
  guint n = 0;
  for (guint i = 0; runs != NULL && i < runs->len; i++)
    if (strcmp (((ServeRun *) g_ptr_array_index (runs, i))->state, "queued") == 0)
      n++;
  return n;
}

gboolean
serve_action_start_run (ServeActions *a, const ServeCaller *c, const char *channel_id,
                        const char *idem_key, ServeResult *res)
{
  if (!need_caller (c, res))
    return FALSE;
  if (idem_key != NULL
      && (base_text_check_ascii (idem_key, 64, NULL) != BASE_TEXT_OK))
    return fail (res, 400, "Idempotency-Key: expected 1..64 printable ASCII characters");
  RegDb *db = rdb (a, res);
  if (db == NULL)
    return FALSE;
  g_autofree char *owner = NULL;
  g_autoptr (RegChannel) ch = visible_channel (a, db, c, channel_id, &owner, res);
  if (ch == NULL)
    return FALSE;
  if (*owner == '\0')
    return fail (res, 409, "channel %s has no vendor: its runs are started with essc registry "
                           "test",
                 channel_id);
  if (strcmp (ch->status, "terminated") == 0)
    return fail (res, 409, "channel %s is terminated", channel_id);
  g_autoptr (GError) e = NULL;
  /* the limit applies before the key is looked up: at the limit, a retry
   * with a known key is refused too (it can be retried later; nothing is
   * queued twice) */
  if (queued_of (a, owner) >= a->max_queued)
    return fail (res, 429, "vendor %s already has %u queued runs; wait for them to start",
                 owner, a->max_queued);
  gint64 id = 0;
  gboolean created = FALSE;
  if (!serve_store_run_add (a->store, owner, channel_id, idem_key, now_s (), &id, &created, &e))
    return fail (res, 500, "internal error: %s", e->message);
  g_autoptr (ServeRun) r = serve_store_run (a->store, id, &e);
  if (r == NULL)
    return fail (res, 500, "internal error: %s", e ? e->message : "run vanished");
  if (!created && strcmp (r->channel_id, channel_id) != 0)
    return fail (res, 409, "Idempotency-Key %s was used for a run of channel %s", idem_key,
                 r->channel_id);
  if (created && a->pool != NULL)
    serve_pool_kick (a->pool);
  return ok (res, created ? 202 : 200, run_node (r));
}

gboolean
serve_action_runs (ServeActions *a, const ServeCaller *c, const char *channel_id,
                   ServeResult *res)
{
  if (!need_caller (c, res))
    return FALSE;
  if (channel_id != NULL)
    {
      RegDb *db = rdb (a, res);
      if (db == NULL)
        return FALSE;
      g_autoptr (RegChannel) ch = visible_channel (a, db, c, channel_id, NULL, res);
      if (ch == NULL)
        return FALSE;
    }
  g_autoptr (GError) e = NULL;
  g_autoptr (GPtrArray) runs
    = serve_store_runs (a->store, c->kind == SERVE_CALLER_STAFF ? NULL : c->subject, channel_id,
                        200, &e);
  if (runs == NULL)
    return fail (res, 500, "internal error: %s", e ? e->message : "?");
  JsonArray *arr = json_array_new ();
  for (guint i = 0; i < runs->len; i++)
    {
      JsonNode *n = run_node (g_ptr_array_index (runs, i));
      if (n != NULL)
        json_array_add_element (arr, n);
    }
  JsonNode *n = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (n, arr);
  return ok (res, 200, n);
}

gboolean
serve_action_run (ServeActions *a, const ServeCaller *c, const char *run_id, ServeResult *res)
{
  if (!need_caller (c, res))
    return FALSE;
  g_autoptr (ServeRun) r = visible_run (a, c, run_id, res);
  if (r == NULL)
    return FALSE;
  return ok (res, 200, run_node (r));
}

gboolean
serve_action_run_access (ServeActions *a, const ServeCaller *c, const char *run_id, gint64 *id,
                         gboolean *finished, ServeResult *res)
{
  if (!need_caller (c, res))
    return FALSE;
  g_autoptr (ServeRun) r = visible_run (a, c, run_id, res);
  if (r == NULL)
    return FALSE;
  *id = r->id;
  *finished = serve_store_run_is_finished (r);
  return ok (res, 200, run_node (r));
}

gboolean
serve_action_run_tests (ServeActions *a, const ServeCaller *c, const char *run_id,
                        ServeResult *res)
{
  if (!need_caller (c, res))
    return FALSE;
  g_autoptr (ServeRun) r = visible_run (a, c, run_id, res);
  if (r == NULL)
    return FALSE;
  g_autoptr (GError) e = NULL;
  g_autoptr (GPtrArray) tests = serve_store_run_tests (a->store, r->id, &e);
  if (tests == NULL)
    return fail (res, 500, "internal error: %s", e ? e->message : "?");
  g_autofree char *text = serve_run_tests_to_json (tests);
  JsonNode *n = parse_json (text);
  if (n == NULL)
    return fail (res, 500, "internal error: the tests of run %s do not render", run_id);
  return ok (res, 200, n);
}

gboolean
serve_action_report (ServeActions *a, const ServeCaller *c, const char *run_id,
                     gboolean signature, GBytes **bytes, char **filename, ServeResult *res)
{
  if (!need_caller (c, res))
    return FALSE;
  g_autoptr (ServeRun) r = visible_run (a, c, run_id, res);
  if (r == NULL)
    return FALSE;
  if (r->report_id == 0)
    return fail (res, 404, "run %s has no report%s", run_id,
                 serve_store_run_is_finished (r) ? "" : " yet");
  RegDb *db = rdb (a, res);
  if (db == NULL)
    return FALSE;
  g_autoptr (GError) e = NULL;
  g_autoptr (GPtrArray) reports = reg_db_reports (db, r->channel_id, &e);
  if (reports == NULL)
    {
      rdb_reset (a);
      return fail_reg (res, e);
    }
  for (guint i = 0; i < reports->len; i++)
    {
      const RegReport *rep = g_ptr_array_index (reports, i);
      if (rep->id != r->report_id)
        continue;
      *bytes = signature ? g_bytes_new (rep->signature, strlen (rep->signature))
                         : g_bytes_ref (rep->bytes);
      *filename = g_strdup_printf ("report-%s-run-%" G_GINT64_FORMAT ".json%s", r->channel_id,
                                   r->id, signature ? ".sig" : "");
      serve_result_clear (res);
      res->status = 200;
      return TRUE;
    }
  return fail (res, 404, "the report of run %s is not in the registry", run_id);
}

static gboolean
waivers_of (JsonObject *body, GArray *out, ServeResult *res)
{
  JsonNode *n = json_object_get_member (body, "accept_waivers");
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (n))
    return fail (res, 400, "member 'accept_waivers': expected an array of {\"test\",\"reason\"}");
  JsonArray *arr = json_node_get_array (n);
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonNode *el = json_array_get_element (arr, i);
      static const char *const allowed[] = { "test", "reason", NULL };
      if (!JSON_NODE_HOLDS_OBJECT (el))
        return fail (res, 400, "member 'accept_waivers'[%u]: expected an object", i);
      JsonObject *o = json_node_get_object (el);
      ConfCertWaiver w = { 0 };
      const char *test, *reason;
      if (!only_members (o, allowed, res) || !get_text (o, "test", TRUE, 128, &test, res)
          || !get_text (o, "reason", TRUE, REG_REASON_MAX, &reason, res))
        return FALSE;
      w.test = (char *) test;
      w.reason = (char *) reason;
      g_array_append_val (out, w);
    }
  return TRUE;
}

gboolean
serve_action_staff (ServeActions *a, const ServeCaller *c, const char *channel_id,
                    const char *action, JsonObject *body, ServeResult *res)
{
  static const char *const allowed[] = { "reason", "days", "accept_waivers", NULL };
  if (!need_staff (c, res))
    return FALSE;
  if (action == NULL || !g_strv_contains (staff_actions, action))
    return fail (res, 400, "action: expected certify, rectify, suspend, reinstate, terminate "
                           "or revoke");
  RegDb *db = rdb (a, res);
  if (db == NULL)
    return FALSE;
  g_autoptr (RegChannel) ch = visible_channel (a, db, c, channel_id, NULL, res);
  if (ch == NULL)
    return FALSE;
  const char *reason = NULL;
  gint64 days = 0;
  gboolean has_days;
  g_autoptr (GArray) waivers = g_array_new (FALSE, TRUE, sizeof (ConfCertWaiver));
  gboolean certify = strcmp (action, "certify") == 0;
  if (!only_members (body, allowed, res)
      || !get_text (body, "reason", !certify, REG_REASON_MAX, &reason, res)
      || !get_int (body, "days", &has_days, &days, res) || !waivers_of (body, waivers, res))
    return FALSE;
  if (!certify && (has_days || waivers->len > 0))
    return fail (res, 400, "members 'days' and 'accept_waivers' go with certify only");
  if (has_days && (days < 1 || days > 3650))
    return fail (res, 400, "member 'days': expected 1..3650");
  RegCtx ctx = { .db_path = a->registry_path, .now = now_s (), .actor = c->actor };
  g_autoptr (GError) e = NULL;
  gboolean done;
  if (certify)
    {
      RegCertifyOptions co = { 0 };
      co.id = channel_id;
      co.key_path = a->key_path;
      co.days = (int) days;
      co.waivers = (const ConfCertWaiver *) waivers->data;
      co.n_waivers = waivers->len;
      RegIssued issued;
      done = reg_certify (&ctx, &co, &issued, &e);
    }
  else if (strcmp (action, "rectify") == 0)
    done = reg_rectify (&ctx, channel_id, reason, NULL, NULL, &e);
  else if (strcmp (action, "suspend") == 0)
    done = reg_suspend (&ctx, channel_id, reason, &e);
  else if (strcmp (action, "reinstate") == 0)
    done = reg_reinstate (&ctx, channel_id, reason, &e);
  else if (strcmp (action, "terminate") == 0)
    done = reg_terminate (&ctx, channel_id, reason, NULL, &e);
  else
    {
      RegRevoked rv;
      done = reg_revoke (&ctx, 0, channel_id, reason, &rv, &e);
    }
  if (!done)
    return fail_reg (res, e);
  changed (a);
  db = rdb (a, res);
  if (db == NULL)
    return FALSE;
  g_autoptr (RegChannel) after = reg_db_channel (db, channel_id, &e);
  if (after == NULL)
    return fail_reg (res, e);
  return ok (res, 200, channel_node (a, db, after));
}

gboolean
serve_action_tokens (ServeActions *a, const ServeCaller *c, ServeResult *res)
{
  if (!need_staff (c, res))
    return FALSE;
  RegDb *db = rdb (a, res);
  if (db == NULL)
    return FALSE;
  g_autoptr (GError) e = NULL;
  g_autoptr (GPtrArray) all = reg_db_tokens (db, NULL, &e);
  if (all == NULL)
    {
      rdb_reset (a);
      return fail_reg (res, e);
    }
  JsonArray *arr = json_array_new ();
  for (guint i = 0; i < all->len; i++)
    json_array_add_element (arr, token_node (g_ptr_array_index (all, i)));
  JsonNode *n = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (n, arr);
  return ok (res, 200, n);
}

gboolean
serve_action_token_issue (ServeActions *a, const ServeCaller *c, JsonObject *body,
                          ServeResult *res)
{
  static const char *const allowed[] = { "vendor", "label", NULL };
  if (!need_staff (c, res))
    return FALSE;
  const char *vendor, *label;
  if (!only_members (body, allowed, res) || !get_text (body, "vendor", TRUE, 32, &vendor, res)
      || !get_text (body, "label", FALSE, SERVE_LABEL_MAX, &label, res))
    return FALSE;
  g_autoptr (GError) e = NULL;
  if (!reg_token_subject_valid (vendor, "member 'vendor'", &e))
    return fail (res, 400, "%s", e->message);
  RegCtx ctx = { .db_path = a->registry_path, .now = now_s (), .actor = c->actor };
  g_autofree char *secret = NULL;
  g_autoptr (RegToken) t = NULL;
  if (!reg_token_issue (&ctx, REG_TOKEN_VENDOR, vendor, label ? label : "", &secret, &t, &e))
    return fail_reg (res, e);
  changed (a);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  add_string (b, "id", t->id);
  add_string (b, "token", secret);
  add_string (b, "vendor", t->subject);
  add_string (b, "label", t->label);
  json_builder_end_object (b);
  sodium_memzero (secret, strlen (secret));
  return ok (res, 201, json_builder_get_root (b));
}

gboolean
serve_action_token_revoke (ServeActions *a, const ServeCaller *c, const char *id,
                           JsonObject *body, ServeResult *res)
{
  static const char *const allowed[] = { "reason", NULL };
  if (!need_staff (c, res))
    return FALSE;
  if (id == NULL || strlen (id) != 12 || strspn (id, "0123456789abcdef") != 12)
    return fail (res, 400, "token: expected 12 lowercase hex digits");
  const char *reason;
  if (!only_members (body, allowed, res)
      || !get_text (body, "reason", TRUE, REG_REASON_MAX, &reason, res))
    return FALSE;
  RegDb *db = rdb (a, res);
  if (db == NULL)
    return FALSE;
  g_autoptr (GError) e = NULL;
  g_autoptr (GPtrArray) all = reg_db_tokens (db, NULL, &e);
  if (all == NULL)
    return fail_reg (res, e);
  gboolean known = FALSE;
  for (guint i = 0; i < all->len && !known; i++)
    known = strcmp (((RegToken *) g_ptr_array_index (all, i))->id, id) == 0;
  if (!known)
    return fail (res, 404, "no token %s", id);
  RegCtx ctx = { .db_path = a->registry_path, .now = now_s (), .actor = c->actor };
  if (!reg_token_revoke (&ctx, id, reason, &e))
    return fail_reg (res, e);
  changed (a);
  db = rdb (a, res);
  if (db == NULL)
    return FALSE;
  g_autoptr (GPtrArray) after = reg_db_tokens (db, NULL, &e);
  for (guint i = 0; after != NULL && i < after->len; i++)
    if (strcmp (((RegToken *) g_ptr_array_index (after, i))->id, id) == 0)
      return ok (res, 200, token_node (g_ptr_array_index (after, i)));
  return fail (res, 500, "internal error: token %s vanished", id);
}

gboolean
serve_action_history (ServeActions *a, const ServeCaller *c, guint limit, ServeResult *res)
{
  if (!need_staff (c, res))
    return FALSE;
  g_autoptr (GError) e = NULL;
  g_autoptr (RegDb) db = reg_db_open (a->registry_path, FALSE, &e);
  if (db == NULL)
    return fail_reg (res, e);
  const ModelAuditLog *log = reg_db_history (db, &e);
  if (log == NULL)
    return fail_reg (res, e);
  guint64 n = model_audit_log_length (log);
  guint64 from = limit != 0 && n > limit ? n - limit : 0;
  JsonArray *arr = json_array_new ();
  for (guint64 i = from; i < n; i++)
    {
      const ModelAuditEntry *en = model_audit_log_entry (log, i);
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      add_int (b, "seq", (gint64) en->seq);
      add_int (b, "time", en->time);
      add_string (b, "actor", en->actor);
      add_string (b, "action", en->action);
      json_builder_set_member_name (b, "payload");
      g_autofree char *text = g_strndup ((const char *) en->payload, en->payload_len);
      JsonNode *p = parse_json (text);
      if (p != NULL)
        json_builder_add_value (b, p);
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
      json_array_add_element (arr, json_builder_get_root (b));
    }
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, arr);
  return ok (res, 200, node);
}
