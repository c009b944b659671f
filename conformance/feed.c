/* SPDX-License-Identifier: MIT */
/*
 * Implementation of feed.h.  As for certificates, the feed's fields are
 * checked while they are built into a JSON tree, the canonical encoding of
 * that tree is the feed, and a feed read back is decoded strictly, rebuilt
 * and compared byte for byte with the file.  Channels are sorted by id and
 * revoked certificates by serial, so a registry's state has one feed.
 */
#include "conformance/feed.h"

#include "base/error.h"
#include "base/hex.h"
#include "base/text.h"
#include "base/time.h"
#include "conformance/cert.h"
#include "conformance/json.h"
#include "model/std/channel.h"
#include "model/std/stdcode.h"

#include <string.h>

#define fail(error, code, ...) base_fail ((error), CONF_CERT_ERROR, (code), __VA_ARGS__)
#define malformed(error, ...) fail ((error), MODEL_STD_MALFORMED, __VA_ARGS__)

#define MAX_ISSUER 128
#define MAX_REASON 512
#define MAX_SERIAL ((guint64) 9007199254740991)
#define MAX_TIME ((gint64) 253402300799)

struct _ConfFeedDoc {
  JsonObject *root;
  char key_id[2 * MODEL_KEY_ID_LEN + 1];
  gint64 published_at, next_update;
  guint64 history_count;
  guint8 history_hash[32];
  GHashTable *revoked;      /* serial (guint64*) -> JsonObject* (borrowed from root) */
  GHashTable *status;       /* channel id -> status (borrowed from root) */
};

/* ---- building ------------------------------------------------------------ */

static gboolean
check_text (const char *field, const char *s, gsize max, GError **error)
{
  gsize at = 0;
  BaseTextFault r = base_text_check_utf8 (s, -1, max, &at);
  if (r == BASE_TEXT_OK)
    return TRUE;
  return malformed (error, "%s: expected 1 to %zu bytes of UTF-8 without control characters",
                    field, max);
}

static gboolean
set_time (JsonObject *o, const char *member, gint64 t, const char *field, GError **error)
{
  char text[BASE_TIME_UTC_SIZE];
  if (t < 0 || t > MAX_TIME)
    return malformed (error, "%s: expected a time from 1970 to 9999", field);
  base_time_format_utc (t, text);
  json_object_set_string_member (o, member, text);
  return TRUE;
}

static int
by_channel (gconstpointer a, gconstpointer b)
{
  const ConfFeedChannel *x = *(const ConfFeedChannel *const *) a;
  const ConfFeedChannel *y = *(const ConfFeedChannel *const *) b;
  return strcmp (x->channel_id, y->channel_id);
}

static int
by_serial (gconstpointer a, gconstpointer b)
{
  const ConfFeedRevoked *x = *(const ConfFeedRevoked *const *) a;
  const ConfFeedRevoked *y = *(const ConfFeedRevoked *const *) b;
  return x->serial < y->serial ? -1 : x->serial > y->serial;
}

static JsonObject *
channel_json (const ConfFeedChannel *c, gsize i, GError **error)
{
  g_autoptr (GError) inner = NULL;
  g_autofree char *where = g_strdup_printf ("channels[%zu]", i);
  ModelChannelClass klass;
  ModelChannelStatus status;
  const char *parent = c->parent_id ? c->parent_id : "";
  if (!model_channel_id_check (c->channel_id, "channel_id", &inner)
      || !model_channel_name_check (c->name, &inner))
    return malformed (error, "%s: %s", where, inner->message), NULL;
  if (c->class_name == NULL || !model_channel_class_from_name (c->class_name, &klass))
    return malformed (error, "%s.class: not a channel class", where), NULL;
  if (c->status == NULL || !model_channel_status_from_name (c->status, &status))
    return malformed (error, "%s.status: not a channel status", where), NULL;
  if ((c->tier != 1 && c->tier != 2) || (c->tier == 1) != (*parent == '\0')
      || (c->tier == 2 && !model_channel_id_check (parent, "parent_id", NULL)))
    return malformed (error, "%s.tier, parent_id: a tier-1 channel has no parent, a tier-2 "
                      "channel names one", where), NULL;
  if (c->serial > MAX_SERIAL)
    return malformed (error, "%s.certificate.serial: expected 1 to 2^53-1", where), NULL;

  g_autoptr (JsonObject) o = json_object_new ();
  json_object_set_string_member (o, "channel_id", c->channel_id);
  json_object_set_string_member (o, "name", c->name);
  json_object_set_string_member (o, "class", c->class_name);
  json_object_set_int_member (o, "tier", c->tier);
  json_object_set_string_member (o, "parent_id", parent);
  json_object_set_string_member (o, "status", c->status);
  if (!set_time (o, "status_changed_at", c->status_changed_at, where, error))
    return NULL;
  if (c->serial == 0)
    json_object_set_null_member (o, "certificate");
  else
    {
      JsonObject *cert = json_object_new ();
      json_object_set_object_member (o, "certificate", cert);
      json_object_set_int_member (cert, "serial", (gint64) c->serial);
      if (!set_time (cert, "not_before", c->not_before, where, error)
          || !set_time (cert, "not_after", c->not_after, where, error))
        return NULL;
    }
  return g_steal_pointer (&o);
}

static JsonNode *
build (const ConfFeed *feed, const char *key_id_hex, GError **error)
{
  if (!check_text ("issuer.name", feed->issuer_name, MAX_ISSUER, error))
    return NULL;
  if (feed->next_update <= feed->published_at)
    return malformed (error, "next_update: not after published_at"), NULL;
  g_autoptr (JsonObject) root = json_object_new ();
  json_object_set_string_member (root, "schema", CONF_FEED_SCHEMA);
  JsonObject *issuer = json_object_new ();
  json_object_set_string_member (issuer, "name", feed->issuer_name);
  json_object_set_string_member (issuer, "key_id", key_id_hex);
  json_object_set_object_member (root, "issuer", issuer);
  if (!set_time (root, "published_at", feed->published_at, "published_at", error)
      || !set_time (root, "next_update", feed->next_update, "next_update", error))
    return NULL;
  JsonObject *history = json_object_new ();
  json_object_set_int_member (history, "count", (gint64) MIN (feed->history_count, MAX_SERIAL));
  g_autofree char *hash = base_hex_encode_dup (feed->history_hash, 32);
  json_object_set_string_member (history, "hash", hash);
  json_object_set_object_member (root, "history", history);

  g_autoptr (GPtrArray) channels = g_ptr_array_new ();
  for (gsize i = 0; i < feed->n_channels; i++)
    g_ptr_array_add (channels, (gpointer) &feed->channels[i]);
  g_ptr_array_sort (channels, by_channel);
  JsonArray *ca = json_array_new ();
  json_object_set_array_member (root, "channels", ca);
  for (guint i = 0; i < channels->len; i++)
    {
      const ConfFeedChannel *c = channels->pdata[i];
      if (i > 0 && by_channel (&channels->pdata[i - 1], &channels->pdata[i]) == 0)
        return malformed (error, "channels: %s listed twice", c->channel_id), NULL;
      JsonObject *o = channel_json (c, i, error);
      if (o == NULL)
        return NULL;
      json_array_add_object_element (ca, o);
    }

  g_autoptr (GPtrArray) revoked = g_ptr_array_new ();
  for (gsize i = 0; i < feed->n_revoked; i++)
    g_ptr_array_add (revoked, (gpointer) &feed->revoked[i]);
  g_ptr_array_sort (revoked, by_serial);
  JsonArray *ra = json_array_new ();
  json_object_set_array_member (root, "revoked", ra);
  for (guint i = 0; i < revoked->len; i++)
    {
      const ConfFeedRevoked *r = revoked->pdata[i];
      g_autofree char *where = g_strdup_printf ("revoked[%u]", i);
      g_autofree char *rf = g_strdup_printf ("revoked[%u].reason", i);
      if (r->serial < 1 || r->serial > MAX_SERIAL)
        return malformed (error, "%s.serial: expected 1 to 2^53-1", where), NULL;
      if (i > 0 && by_serial (&revoked->pdata[i - 1], &revoked->pdata[i]) == 0)
        return malformed (error, "revoked: serial %" G_GUINT64_FORMAT " listed twice",
                          r->serial), NULL;
      if (!model_channel_id_check (r->channel_id, "channel_id", NULL))
        return malformed (error, "%s.channel_id: not a channel id", where), NULL;
      if (!check_text (rf, r->reason, MAX_REASON, error))
        return NULL;
      JsonObject *o = json_object_new ();
      json_array_add_object_element (ra, o);
      json_object_set_int_member (o, "serial", (gint64) r->serial);
      json_object_set_string_member (o, "channel_id", r->channel_id);
      json_object_set_string_member (o, "reason", r->reason);
      if (!set_time (o, "revoked_at", r->revoked_at, where, error))
        return NULL;
    }
  return json_node_init_object (json_node_alloc (), g_steal_pointer (&root));
}

static char *
canonical (const ConfFeed *feed, const char *key_id_hex, gsize *len, GError **error)
{
  g_autoptr (GError) inner = NULL;
  g_autoptr (JsonNode) node = build (feed, key_id_hex, error);
  if (node == NULL)
    return NULL;
  g_autofree char *text = conf_json_canonical (node, &inner);
  if (text == NULL)
    return malformed (error, "%s", inner->message), NULL;
  char *out = g_strconcat (text, "\n", NULL);
  *len = strlen (out);
  return out;
}

char *
conf_feed_render (const ConfFeed *feed, const ModelKeyPair *key, gsize *len, char **sig_text,
                  GError **error)
{
  gsize n = 0;
  g_return_val_if_fail (feed != NULL && key != NULL && sig_text != NULL, NULL);
  g_return_val_if_fail (feed->n_channels == 0 || feed->channels != NULL, NULL);
  g_return_val_if_fail (feed->n_revoked == 0 || feed->revoked != NULL, NULL);
  g_autofree char *key_id = base_hex_encode_dup (model_key_pair_id (key), MODEL_KEY_ID_LEN);
  char *bytes = canonical (feed, key_id, &n, error);
  if (bytes == NULL)
    return NULL;
  *sig_text = conf_signature_make (CONF_DOC_FEED, key, bytes, n);
  if (len != NULL)
    *len = n;
  return bytes;
}

/* ---- reading ------------------------------------------------------------- */

static gboolean
only_members (JsonObject *o, const char *where, const char *const *names, gsize n,
              GError **error)
{
  for (gsize i = 0; i < n; i++)
    if (!json_object_has_member (o, names[i]))
      return malformed (error, "%s.%s: missing", where, names[i]);
  if (json_object_get_size (o) != n)
    return malformed (error, "%s: a member that a feed does not have", where);
  return TRUE;
}

static gboolean
get_time (JsonObject *o, const char *member, gint64 *out, GError **error)
{
  const char *s = NULL;
  if (!conf_json_get_string (o, member, &s, error))
    return FALSE;
  if (base_time_parse_utc (s, out, NULL) != BASE_TIME_OK || *out < 0)
    return malformed (error, "%s: expected a UTC time YYYY-MM-DDTHH:MM:SSZ", member);
  return TRUE;
}

static JsonObject *
element (JsonArray *a, guint i, const char *where, GError **error)
{
  JsonNode *n = json_array_get_element (a, i);
  if (!JSON_NODE_HOLDS_OBJECT (n))
    return malformed (error, "%s[%u]: expected an object", where, i), NULL;
  return json_node_get_object (n);
}

/* Decodes root into feed (strings borrowed) and the two arrays. */
static gboolean
decode (JsonObject *root, ConfFeed *feed, GArray *channels, GArray *revoked, char *key_id,
        GError **error)
{
  static const char *const top[] = { "schema", "issuer", "published_at", "next_update",
                                     "history", "channels", "revoked" };
  static const char *const issuer_m[] = { "name", "key_id" };
  static const char *const history_m[] = { "count", "hash" };
  static const char *const chan_m[] = { "channel_id", "name", "class", "tier", "parent_id",
                                        "status", "status_changed_at", "certificate" };
  static const char *const cert_m[] = { "serial", "not_before", "not_after" };
  static const char *const rev_m[] = { "serial", "channel_id", "revoked_at", "reason" };
  JsonObject *issuer, *history;
  JsonArray *ca, *ra;
  const char *schema, *kid;
  gint64 count;

  if (!only_members (root, "feed", top, G_N_ELEMENTS (top), error)
      || !conf_json_get_string (root, "schema", &schema, error))
    return FALSE;
  if (strcmp (schema, CONF_FEED_SCHEMA) != 0)
    return malformed (error, "schema: expected '%s'", CONF_FEED_SCHEMA);
  if (!conf_json_get_object (root, "issuer", &issuer, error)
      || !only_members (issuer, "issuer", issuer_m, G_N_ELEMENTS (issuer_m), error)
      || !conf_json_get_string (issuer, "name", &feed->issuer_name, error)
      || !conf_json_get_string (issuer, "key_id", &kid, error)
      || !get_time (root, "published_at", &feed->published_at, error)
      || !get_time (root, "next_update", &feed->next_update, error)
      || !conf_json_get_object (root, "history", &history, error)
      || !only_members (history, "history", history_m, G_N_ELEMENTS (history_m), error)
      || !conf_json_get_int (history, "count", &count, error)
      || !conf_json_get_hex_fixed (history, "hash", feed->history_hash, 32, error)
      || !conf_json_get_array (root, "channels", &ca, error)
      || !conf_json_get_array (root, "revoked", &ra, error))
    return FALSE;
  guint8 kid_bytes[MODEL_KEY_ID_LEN];
  if (strlen (kid) != 2 * MODEL_KEY_ID_LEN
      || base_hex_decode (kid, strlen (kid), kid_bytes, NULL) != BASE_HEX_OK)
    return malformed (error, "issuer.key_id: expected 16 lowercase hex digits");
  memcpy (key_id, kid, 2 * MODEL_KEY_ID_LEN + 1);
  if (count < 0)
    return malformed (error, "history.count: negative");
  feed->history_count = (guint64) count;
  for (guint i = 0; i < json_array_get_length (ca); i++)
    {
      ConfFeedChannel c = { 0 };
      gint64 tier, serial;
      JsonObject *o = element (ca, i, "channels", error), *cert;
      if (o == NULL || !only_members (o, "channels[]", chan_m, G_N_ELEMENTS (chan_m), error)
          || !conf_json_get_string (o, "channel_id", &c.channel_id, error)
          || !conf_json_get_string (o, "name", &c.name, error)
          || !conf_json_get_string (o, "class", &c.class_name, error)
          || !conf_json_get_int (o, "tier", &tier, error)
          || !conf_json_get_string (o, "parent_id", &c.parent_id, error)
          || !conf_json_get_string (o, "status", &c.status, error)
          || !get_time (o, "status_changed_at", &c.status_changed_at, error))
        return FALSE;
      c.tier = (int) CLAMP (tier, 0, 3);
      if (!JSON_NODE_HOLDS_NULL (json_object_get_member (o, "certificate")))
        {
          if (!conf_json_get_object (o, "certificate", &cert, error)
              || !only_members (cert, "channels[].certificate", cert_m, G_N_ELEMENTS (cert_m),
                                error)
              || !conf_json_get_int (cert, "serial", &serial, error)
              || !get_time (cert, "not_before", &c.not_before, error)
              || !get_time (cert, "not_after", &c.not_after, error))
            return FALSE;
          if (serial < 1)
            return malformed (error, "channels[%u].certificate.serial: expected 1 to 2^53-1",
                              i);
          c.serial = (guint64) serial;
        }
      g_array_append_val (channels, c);
    }
  for (guint i = 0; i < json_array_get_length (ra); i++)
    {
      ConfFeedRevoked r = { 0 };
      gint64 serial;
      JsonObject *o = element (ra, i, "revoked", error);
      if (o == NULL || !only_members (o, "revoked[]", rev_m, G_N_ELEMENTS (rev_m), error)
          || !conf_json_get_int (o, "serial", &serial, error)
          || !conf_json_get_string (o, "channel_id", &r.channel_id, error)
          || !get_time (o, "revoked_at", &r.revoked_at, error)
          || !conf_json_get_string (o, "reason", &r.reason, error))
        return FALSE;
      if (serial < 1)
        return malformed (error, "revoked[%u].serial: expected 1 to 2^53-1", i);
      r.serial = (guint64) serial;
      g_array_append_val (revoked, r);
    }
  feed->channels = (const ConfFeedChannel *) channels->data;
  feed->n_channels = channels->len;
  feed->revoked = (const ConfFeedRevoked *) revoked->data;
  feed->n_revoked = revoked->len;
  return TRUE;
}

static gboolean
parse (ConfFeedDoc *doc, const char *bytes, gsize len, GError **error)
{
  ConfFeed feed = { 0 };
  gsize canon_len = 0;
  g_autoptr (GArray) channels = g_array_new (FALSE, TRUE, sizeof (ConfFeedChannel));
  g_autoptr (GArray) revoked = g_array_new (FALSE, TRUE, sizeof (ConfFeedRevoked));

  if (len > CONF_FEED_MAX_BYTES)
    return malformed (error, "larger than %u bytes", CONF_FEED_MAX_BYTES);
  doc->root = conf_json_parse_object (bytes, len, error);
  if (doc->root == NULL
      || !decode (doc->root, &feed, channels, revoked, doc->key_id, error))
    return FALSE;
  g_autofree char *canon = canonical (&feed, doc->key_id, &canon_len, error);
  if (canon == NULL)
    return FALSE;
  if (canon_len != len || memcmp (canon, bytes, len) != 0)
    {
      gsize at = 0;
      while (at < len && at < canon_len && canon[at] == bytes[at])
        at++;
      return malformed (error, "not in canonical form (first difference at byte %zu)", at);
    }
  doc->published_at = feed.published_at;
  doc->next_update = feed.next_update;
  doc->history_count = feed.history_count;
  memcpy (doc->history_hash, feed.history_hash, sizeof doc->history_hash);
  JsonArray *ra = json_object_get_array_member (doc->root, "revoked");
  for (guint i = 0; i < json_array_get_length (ra); i++)
    {
      JsonObject *o = json_array_get_object_element (ra, i);
      guint64 *serial = g_new (guint64, 1);
      *serial = (guint64) json_object_get_int_member (o, "serial");
      g_hash_table_insert (doc->revoked, serial, o);
    }
  JsonArray *ca = json_object_get_array_member (doc->root, "channels");
  for (guint i = 0; i < json_array_get_length (ca); i++)
    {
      JsonObject *o = json_array_get_object_element (ca, i);
      g_hash_table_insert (doc->status, (gpointer) json_object_get_string_member (o, "channel_id"),
                           (gpointer) json_object_get_string_member (o, "status"));
    }
  return TRUE;
}

static ConfFeedDoc *
doc_new (void)
{
  ConfFeedDoc *doc = g_new0 (ConfFeedDoc, 1);
  doc->revoked = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  doc->status = g_hash_table_new (g_str_hash, g_str_equal);
  return doc;
}

ConfFeedDoc *
conf_feed_check (const char *bytes, gsize len, const ConfSignature *sig,
                 const guint8 pk[MODEL_KEY_PAIR_PK_LEN], GError **error)
{
  g_return_val_if_fail ((bytes != NULL || len == 0) && sig != NULL && pk != NULL, NULL);
  if (sig->kind != CONF_DOC_FEED)
    return malformed (error, "signature: the signature of a %s, not of a registry feed",
                      conf_doc_kind_describe (sig->kind)), NULL;
  if (!conf_signature_check (sig, bytes, len, pk, error))
    return NULL;
  g_autoptr (ConfFeedDoc) doc = doc_new ();
  g_autoptr (GError) inner = NULL;
  if (!parse (doc, bytes ? bytes : "", len, &inner))
    return malformed (error, "feed: %s", inner->message), NULL;
  g_autofree char *signer = base_hex_encode_dup (sig->key_id, MODEL_KEY_ID_LEN);
  if (strcmp (signer, doc->key_id) != 0)
    return fail (error, MODEL_STD_UNKNOWN_KEY, "feed: issuer.key_id %s is not the signing key "
                 "%s", doc->key_id, signer), NULL;
  return g_steal_pointer (&doc);
}

ConfFeedDoc *
conf_feed_load (const char *path, const char *sig_path, const guint8 pk[MODEL_KEY_PAIR_PK_LEN],
                GError **error)
{
  ConfSignature sig;
  gsize len = 0;
  GError *inner = NULL;
  g_return_val_if_fail (path != NULL && pk != NULL, NULL);
  g_autofree char *default_sig = conf_cert_sig_path (path);
  if (!conf_signature_read (sig_path ? sig_path : default_sig, &sig, error))
    return NULL;
  g_autofree char *bytes = conf_cert_load (path, &len, error);
  if (bytes == NULL)
    return NULL;
  ConfFeedDoc *doc = conf_feed_check (bytes, len, &sig, pk, &inner);
  if (doc == NULL)
    {
      g_autofree char *prefix = g_strdup_printf ("%s: ", path);
      base_fail_wrap (error, CONF_CERT_ERROR, prefix, inner);
    }
  return doc;
}

void
conf_feed_doc_free (ConfFeedDoc *doc)
{
  if (doc == NULL)
    return;
  g_clear_pointer (&doc->root, json_object_unref);
  g_hash_table_unref (doc->revoked);
  g_hash_table_unref (doc->status);
  g_free (doc);
}

gint64
conf_feed_doc_published_at (const ConfFeedDoc *doc)
{
  return doc->published_at;
}

gint64
conf_feed_doc_next_update (const ConfFeedDoc *doc)
{
  return doc->next_update;
}

void
conf_feed_doc_history (const ConfFeedDoc *doc, guint64 *count, guint8 hash[32])
{
  *count = doc->history_count;
  memcpy (hash, doc->history_hash, sizeof doc->history_hash);
}

const char *
conf_feed_doc_key_id (const ConfFeedDoc *doc)
{
  return doc->key_id;
}

gboolean
conf_feed_doc_revoked (const ConfFeedDoc *doc, guint64 serial, gint64 *revoked_at,
                       const char **reason)
{
  JsonObject *o = g_hash_table_lookup (doc->revoked, &serial);
  if (o == NULL)
    return FALSE;
  if (revoked_at != NULL)
    base_time_parse_utc (json_object_get_string_member (o, "revoked_at"), revoked_at, NULL);
  if (reason != NULL)
    *reason = json_object_get_string_member (o, "reason");
  return TRUE;
}

const char *
conf_feed_doc_channel_status (const ConfFeedDoc *doc, const char *channel_id)
{
  return g_hash_table_lookup (doc->status, channel_id);
}

gsize
conf_feed_doc_n_channels (const ConfFeedDoc *doc)
{
  return g_hash_table_size (doc->status);
}

gsize
conf_feed_doc_n_revoked (const ConfFeedDoc *doc)
{
  return g_hash_table_size (doc->revoked);
}
