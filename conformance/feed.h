/* SPDX-License-Identifier: MIT */
/*
 * The registry's public feed (schema "essc-registry-feed/1",
 * docs/CERTIFICATE.md section 7): the list of channels and their status,
 * each with its current certificate, and the revocation list, with the head
 * of the registry's history chain, signed by the registry's key (a detached
 * signature of kind CONF_DOC_FEED).  The registry renders it
 * (conf_feed_render); verifiers and CI load it (conf_feed_load) to check a
 * certificate against it.  A feed says when the next one is due: one read
 * after next_update is stale.
 */
#pragma once

#include <glib.h>

#include "conformance/signature.h"
#include "model/std/keypair.h"

G_BEGIN_DECLS

#define CONF_FEED_SCHEMA "essc-registry-feed/1"
#define CONF_FEED_MAX_BYTES (64u * 1024 * 1024)

/* One channel of the registry.  Borrowed strings. */
typedef struct {
  const char *channel_id, *name, *class_name;
  int tier;
  const char *parent_id;            /* "" or NULL for tier 1 */
  const char *status;               /* ESSC-STD table 6.2 wire name */
  gint64 status_changed_at;
  guint64 serial;                   /* its current certificate; 0: none */
  gint64 not_before, not_after;     /* of that certificate */
} ConfFeedChannel;

/* One revoked certificate. */
typedef struct {
  guint64 serial;
  const char *channel_id;
  gint64 revoked_at;
  const char *reason;               /* 1..512 bytes of UTF-8, no control characters */
} ConfFeedRevoked;

typedef struct {
  const char *issuer_name;
  gint64 published_at, next_update;     /* published_at < next_update */
  guint64 history_count;                /* head of the registry's history chain */
  guint8 history_hash[32];
  const ConfFeedChannel *channels;      /* sorted by channel_id (the renderer sorts) */
  gsize n_channels;
  const ConfFeedRevoked *revoked;       /* sorted by serial (the renderer sorts) */
  gsize n_revoked;
} ConfFeed;

/*
 * The feed's bytes (canonical JSON and "\n"), signed by key: *sig_text gets
 * the signature file's text.  MALFORMED (CONF_CERT_ERROR) naming a bad field.
 * Returns: (transfer full) NUL-terminated; *len its length.
 */
char *conf_feed_render (const ConfFeed *feed, const ModelKeyPair *key, gsize *len,
                        char **sig_text, GError **error);

/* A loaded and verified feed. */
typedef struct _ConfFeedDoc ConfFeedDoc;

/*
 * Reads path and its signature (sig_path NULL: path.sig), checks the
 * signature with pk (UNKNOWN_KEY, BAD_SIGNATURE), the schema and canonical
 * form (MALFORMED).  Errors are CONF_CERT_ERROR, messages naming path.
 * Returns: (transfer full)
 */
ConfFeedDoc *conf_feed_load (const char *path, const char *sig_path,
                             const guint8 pk[MODEL_KEY_PAIR_PK_LEN], GError **error);
/* The same on bytes already read. */
ConfFeedDoc *conf_feed_check (const char *bytes, gsize len, const ConfSignature *sig,
                              const guint8 pk[MODEL_KEY_PAIR_PK_LEN], GError **error);
void conf_feed_doc_free (ConfFeedDoc *doc);

gint64 conf_feed_doc_published_at (const ConfFeedDoc *doc);
gint64 conf_feed_doc_next_update (const ConfFeedDoc *doc);
/* The head of the registry's history chain it was published with. */
void conf_feed_doc_history (const ConfFeedDoc *doc, guint64 *count, guint8 hash[32]);
/* 16 hex: the key id that signed it. */
const char *conf_feed_doc_key_id (const ConfFeedDoc *doc);
/* TRUE when serial is revoked; *revoked_at and *reason (borrowed) if so. */
gboolean conf_feed_doc_revoked (const ConfFeedDoc *doc, guint64 serial, gint64 *revoked_at,
                                const char **reason);
/* The channel's status in the feed, or NULL when it is not listed. */
const char *conf_feed_doc_channel_status (const ConfFeedDoc *doc, const char *channel_id);
/* The number of channels and of revoked certificates listed. */
gsize conf_feed_doc_n_channels (const ConfFeedDoc *doc);
gsize conf_feed_doc_n_revoked (const ConfFeedDoc *doc);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfFeedDoc, conf_feed_doc_free)

G_END_DECLS
