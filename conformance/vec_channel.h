/* SPDX-License-Identifier: MIT */
/*
 * What the two generators of channel.json share: the suite's channels (two
 * tier-1 channels and a tier-2 child of the first), their fixed keys, and
 * the wire of a request signed (and countersigned) with them.  The
 * platform's groups are conformance/vec_channel.c, the channel role's
 * conformance/vec_channel_role.c, the edges of both vec_channel_edge.c.
 * Private to those files.
 */
#pragma once

#include "conformance/vec_private.h"
#include "model/std/channel.h"

G_BEGIN_DECLS

#define CONF_VEC_P1 "CH100001"   /* tier 1 */
#define CONF_VEC_P2 "CH100002"   /* another tier 1 */
#define CONF_VEC_C1 "CH200001"   /* tier 2 under P1 */

/* A channel's fixed Ed25519 key (seed from the label "channel ID key seed"). */
typedef struct {
  guint8 seed[32], pk[32], sk[64];
} ConfVecChanKey;

void conf_vec_chan_key (const char *id, ConfVecChanKey *k);

/*
 * The wire of a request of channel id (relay NULL for none) at ts with the
 * nonce derived from nonce_label: signer NULL leaves the signature zero;
 * parent NULL leaves a relayed request as its channel sends it (table 6.3
 * and the signature, CHAN-27); a parent countersigns (CHAN-16).
 * Returns: (transfer full).
 */
GBytes *conf_vec_chan_wire (const char *id, const char *relay, gint64 ts,
                            const char *nonce_label, const char *op, const char *body,
                            const char *signer, const char *parent);

/* The nonce derived from label (as conf_vec_chan_wire uses it). */
void conf_vec_chan_nonce (const char *label, guint8 nonce[16]);

/* A hello step inside a test, expecting the protocol and role back and
 * check ("hello_ops" or "hello_ops_payment") on its ops. */
void conf_vec_chan_hello (ConfVec *v, const char *role, const char *check);

/* The channel role's groups of channel.json (vec_channel_role.c). */
void conf_vec_channel_role_tests (ConfVec *v, ConfVecWorld *w);

/* The groups at the edges of the wire and of the encoding, both roles
 * (vec_channel_edge.c). */
void conf_vec_channel_edge_tests (ConfVec *v, ConfVecWorld *w);

G_END_DECLS
