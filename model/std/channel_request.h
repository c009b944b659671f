/* SPDX-License-Identifier: MIT */
/*
 * The signed channel request of ESSC-STD section "Channels" as bytes: the
 * record, its canonical signing bytes (table 6.3), the channel's signature
 * and the relaying parent's countersignature, and the strict wire codec
 * (CHAN-9, CHAN-10, CHAN-16).  Pure functions of their arguments: no
 * registry, no clock, no I/O; randomness only for a nonce the caller does not
 * give.  Checking a request against the registry (keys, status, tier, clock
 * window, replay) is model_channel_registry_verify in model/std/channel.h, which
 * includes this header; include model/std/channel.h rather than this one.
 * Errors are in the MODEL_CHANNEL_ERROR domain.
 */
#pragma once

#include <glib.h>

#include "model/std/stdcode.h"

G_BEGIN_DECLS

#define MODEL_CHANNEL_ID_LEN 8        /* "CH" + 6 ASCII digits */
#define MODEL_CHANNEL_OP_MAX 32       /* operation name, bytes */
#define MODEL_CHANNEL_NONCE_LEN 16
#define MODEL_CHANNEL_HASH_LEN 32     /* BLAKE2b-256 of the request body */
#define MODEL_CHANNEL_SK_LEN 64       /* Ed25519 secret key (libsodium form) */
#define MODEL_CHANNEL_SIG_LEN 64      /* Ed25519 signature */

/*
 * A channel request as it travels (wire form: model_channel_request_encode).
 * All fields public.  relay_id is "" for a tier-1 request; for a tier-2
 * request it names the parent, and relay_signature is the parent's
 * countersignature (meaningless when relay_id is "").
 */
typedef struct {
  char channel_id[MODEL_CHANNEL_ID_LEN + 1];
  char relay_id[MODEL_CHANNEL_ID_LEN + 1];
  gint64 timestamp;
  guint8 nonce[MODEL_CHANNEL_NONCE_LEN];
  char operation[MODEL_CHANNEL_OP_MAX + 1];   /* 1..32 of [a-z0-9_.] */
  guint8 body_hash[MODEL_CHANNEL_HASH_LEN];   /* BLAKE2b-256 of the body */
  guint8 signature[MODEL_CHANNEL_SIG_LEN];
  guint8 relay_signature[MODEL_CHANNEL_SIG_LEN];
} ModelChannelRequest;

/*
 * Fills req (signatures zeroed) after checking every field.  relay_id is
 * NULL or "" for tier 1.  nonce NULL draws 16 bytes with randombytes_buf.
 * body may be NULL when body_len is 0.
 */
gboolean model_channel_request_init (ModelChannelRequest *req,
                                     const char *channel_id,
                                     const char *relay_id,
                                     gint64 timestamp,
                                     const guint8 *nonce,
                                     const char *operation,
                                     const guint8 *body, gsize body_len,
                                     GError **error);

/* Checks the text fields of a request, e.g. one built by hand: channel_id,
 * relay_id (may be ""), operation.  MODEL_STD_MALFORMED naming the field.
 * Sign, countersign and verify run it first; signing_bytes and encode
 * require it to pass. */
gboolean model_channel_request_check (const ModelChannelRequest *req, GError **error);

/* The canonical bytes the channel signs.  Returns: (transfer full). */
GBytes *model_channel_request_signing_bytes (const ModelChannelRequest *req);

/* The channel signs (sets req->signature). */
gboolean model_channel_request_sign (ModelChannelRequest *req,
                                     const guint8 secret_key[MODEL_CHANNEL_SK_LEN],
                                     GError **error);

/* The relaying parent countersigns signing bytes || signature (sets
 * req->relay_signature); needs a non-empty relay_id. */
gboolean model_channel_request_countersign (ModelChannelRequest *req,
                                            const guint8 parent_secret_key[MODEL_CHANNEL_SK_LEN],
                                            GError **error);

/* Wire form: signing bytes || signature || relay_signature (when relayed).
 * Returns: (transfer full). */
GBytes *model_channel_request_encode (const ModelChannelRequest *req);

/* Strict parse of the wire form; MODEL_STD_MALFORMED naming the field. */
gboolean model_channel_request_decode (const guint8 *data, gsize len,
                                       ModelChannelRequest *out, GError **error);

/*
 * The wire of a channel's own signature, before any countersignature
 * (CHAN-27): signing bytes || signature, whatever the relay id.  It is what
 * a channel signs and sends: for a tier-1 request the complete wire of
 * CHAN-16, for a tier-2 request what its parent receives.  The decoder is
 * as strict as model_channel_request_decode; bytes after the signature (a
 * countersignature too) are MODEL_STD_MALFORMED.  relay_signature is zeroed.
 * Returns: (transfer full).
 */
GBytes *model_channel_request_encode_signed (const ModelChannelRequest *req);
gboolean model_channel_request_decode_signed (const guint8 *data, gsize len,
                                              ModelChannelRequest *out, GError **error);

G_END_DECLS
