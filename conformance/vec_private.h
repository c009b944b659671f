/* SPDX-License-Identifier: MIT */
/*
 * What the vector generators (conformance/vec_*.c) share: ConfVec, the
 * builder of one vector file in the member order of docs/VECTORS.md (file,
 * groups with their setup, tests, steps), small constructors of JSON values,
 * the derivation of fixed keys from labels, and the cross-check that records
 * a generator failure when model/std/ does not give the answer a vector states.
 * Steps given after conf_vec_group and before its first conf_vec_test go to
 * the group's setup; a muted builder drops steps (a generator replays its
 * setup on its model/std/ mirror for each test without writing it again).
 * Private to conformance/vectors.c and conformance/vec_*.c.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "conformance/vectors.h"
#include "model/std/stdcode.h"

G_BEGIN_DECLS

typedef struct _ConfVec ConfVec;

/* A new file of group (e.g. "qr"). Returns: (transfer full). */
ConfVec *conf_vec_new (const char *group);
void conf_vec_free (ConfVec *v);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfVec, conf_vec_free)

/* The meaning of a flag used in the file (notes). */
void conf_vec_note (ConfVec *v, const char *flag, const char *meaning);
/* A key of the file (keys): name and its bytes as hex. */
void conf_vec_key (ConfVec *v, const char *name, const guint8 *bytes, gsize len);

/* Opens a test group; profile (transfer full) may be NULL for {}. */
void conf_vec_group (ConfVec *v, const char *role, JsonNode *profile);
/*
 * Opens a test: name unique in the suite, requirements and flags as
 * blank-separated lists (flags may be NULL), result "valid", "invalid" or
 * "acceptable".
 */
void conf_vec_test (ConfVec *v, const char *name, const char *requirements,
                    const char *comment, const char *flags, const char *result);
/* Appends a step: params and expect are (transfer full); check may be NULL. */
void conf_vec_step (ConfVec *v, const char *op, JsonNode *params, JsonNode *expect,
                    const char *check);
/* A step of the current test whose request is sent as the text line (one
 * line, no newline; "$id" with its quotes stands for the request's id),
 * op naming it; params is {} (docs/VECTORS.md). */
void conf_vec_step_line (ConfVec *v, const char *op, const char *line, JsonNode *expect);
#define CONF_VEC_ID_MARK "\"$id\""
/* While muted, conf_vec_step drops its step (and frees the nodes). */
void conf_vec_mute (ConfVec *v, gboolean muted);

/* {"ok": true} with result (transfer full; NULL for none). */
JsonNode *conf_vec_ok (JsonNode *result);
/* {"ok": false, "code": name}. */
JsonNode *conf_vec_err (ModelStdCode code);
/* {"ok": false, "any_code": [...]}: n codes. */
JsonNode *conf_vec_err_any (const ModelStdCode *codes, gsize n);

/* Records a generator failure (the file will not be produced). */
void conf_vec_fail (ConfVec *v, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
/*
 * The cross-check: model/std/ answered got (transfer full; NULL for success)
 * where the vector expects want.  A mismatch is a generator failure naming
 * the current test and what.  Returns TRUE when they agree.
 */
gboolean conf_vec_agree (ConfVec *v, const char *what, GError *got, ModelStdCode want);

/* The file's JSON in the member order of docs/VECTORS.md, or NULL with
 * INTERNAL listing every generator failure.  Returns: (transfer full). */
JsonNode *conf_vec_finish (ConfVec *v, GError **error);

/* 32 (or len) bytes derived from label with BLAKE2b: the suite's fixed keys. */
void conf_vec_derive (const char *label, guint8 *out, gsize len);

/* ---- JSON values (each returns a new node, transfer full) ---------------- */

JsonNode *conf_js (const char *s);
JsonNode *conf_ji (gint64 i);
JsonNode *conf_jb (gboolean b);
/* {"$integer": digits}: the runner sends the number digits as written, for
 * integers outside 64 bits (docs/VECTORS.md). */
JsonNode *conf_jbig (const char *digits);
JsonNode *conf_jh (const guint8 *bytes, gsize len);
/* An object of (const char *name, JsonNode *value) pairs ending with NULL. */
JsonNode *conf_jo (const char *first, ...) G_GNUC_NULL_TERMINATED;
/* An array of JsonNode * ending with NULL. */
JsonNode *conf_ja (JsonNode *first, ...) G_GNUC_NULL_TERMINATED;
/* An array of strings from a blank-separated list ("" gives []). */
JsonNode *conf_jwords (const char *words);

/* ---- the generators, one per file --------------------------------------- */

typedef JsonNode *(*ConfVecGenFn) (GError **error);

JsonNode *conf_vec_gen_id (GError **error);
JsonNode *conf_vec_gen_credential (GError **error);
JsonNode *conf_vec_gen_qr (GError **error);
JsonNode *conf_vec_gen_channel (GError **error);
JsonNode *conf_vec_gen_consent (GError **error);
JsonNode *conf_vec_gen_payment (GError **error);
JsonNode *conf_vec_gen_card (GError **error);
JsonNode *conf_vec_gen_pin (GError **error);
JsonNode *conf_vec_gen_audit (GError **error);
JsonNode *conf_vec_gen_flows (GError **error);

/* Boundary tests the generators of credential.json and qr.json append to
 * their verifier group (conformance/vec_boundary.c). */
void conf_vec_credential_boundary_tests (ConfVec *v);
void conf_vec_qr_boundary_tests (ConfVec *v);

/* ---- the ERR-3 family (conformance/vec_encoding.c) ---------------------- */

/*
 * Tests of op's encoding from params (transfer full), one request whose
 * members all have their JSON types: each member, and each member of an
 * object member, left out, null and of another JSON type, each refused with
 * malformed (ERR-3).  optional: blank-separated members ("evidence.x" for a
 * member's member) that may be left out, so are not tested absent.  The
 * tests are named "encoding-OP-MEMBER-HOW", '.' and '_' written '-'.
 */
void conf_vec_encoding_tests (ConfVec *v, const char *op, JsonNode *params,
                              const char *optional);

/* ---- fixtures the generators share (conformance/vec_fixture.c) ---------- */

#include "model/std/card.h"
#include "model/std/credential.h"
#include "model/std/qr.h"

/* The holders of the suite. */
#define CONF_VEC_SSN1 "11010519491231002X"     /* region 110105, born 1949-12-31 */
#define CONF_VEC_CARD1 "A00000001"
#define CONF_VEC_CITY1 110100u
#define CONF_VEC_SSN2 "440524188001010014"     /* retired region code 440524 (ID-5) */
#define CONF_VEC_CARD2 "A00000002"
#define CONF_VEC_CITY2 440500u
#define CONF_VEC_SSN3 "310104199002150032"
#define CONF_VEC_CARD3 "B12345678"
#define CONF_VEC_CITY3 310100u

/* Names (UTF-8): "张三", "李四", "王五". */
extern const char conf_vec_name1[], conf_vec_name2[], conf_vec_name3[];

/*
 * The model/std/ mirror of one test: the reset seed, the platform's key (and an
 * untrusted one), two device keys, a card registry with deterministic e-card
 * ids from the reset seed, the trust list holding the platform key, a
 * verifier's status table (as status.set fills it) and a replay cache.  All
 * fields public; built the same way for every test of a file.
 */
typedef struct {
  guint8 reset_seed[32];
  guint8 platform_seed[32];
  guint8 other_seed[32];
  guint8 device_seed[32];
  guint8 device2_seed[32];
  ModelPlatformKey *platform;
  ModelPlatformKey *other;
  ModelDeviceKey *device;
  ModelDeviceKey *device2;
  ModelCardRegistry *cards;
  ModelTrustList *trust;
  GHashTable *status;          /* 16-byte e-card id -> GINT_TO_POINTER (ModelStdCode) */
  ModelQrReplayCache *cache;
} ConfVecWorld;

/* Returns: (transfer full) a fresh world (same seeds every time). */
ConfVecWorld *conf_vec_world_new (void);
void conf_vec_world_free (ConfVecWorld *w);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfVecWorld, conf_vec_world_free)

/* Writes the world's seeds and public keys into the file's keys. */
void conf_vec_world_keys (ConfVec *v, const ConfVecWorld *w);

/* A verifier-side status feed over w->status (user data: the world). */
ModelStdCode conf_vec_world_status (const guint8 ecard_id[16], gpointer world);
/* Sets the verifier table entry (model/std/ mirror of status.set). */
void conf_vec_world_set_status (ConfVecWorld *w, const guint8 ecard_id[16], ModelStdCode code);

/*
 * Registers card_no (bank account active) at registered_at and issues a
 * level-`level` e-card to device at issued_at with full evidence; the id
 * goes to ecard_id.  Failures are generator failures recorded in v.
 */
void conf_vec_world_issue (ConfVec *v, ConfVecWorld *w, const char *card_no, const char *ssn,
                           const char *name, guint32 city, int level,
                           const ModelDeviceKey *device, gint64 at, guint8 ecard_id[16]);
/* The platform-signed credential of ecard_id, valid [at, at + lifetime).
 * Returns: (transfer full) or NULL after recording a failure. */
GBytes *conf_vec_world_credential (ConfVec *v, ConfVecWorld *w, const guint8 ecard_id[16],
                                   gint64 at, gint64 lifetime);
/* A token of cred made with device at `at` with the nonce derived from
 * nonce_label.  Returns: (transfer full) or NULL after recording a failure. */
char *conf_vec_world_token (ConfVec *v, const ModelDeviceKey *device, GBytes *cred,
                            ModelQrPurpose purpose, const char *nonce_label, gint64 at);

/* reset steps: the verifier's, the platform's (pin_limits "min", no switch
 * unless switches is given, transfer full) and a tier-1/2 channel's. */
void conf_vec_reset_verifier (ConfVec *v, const ConfVecWorld *w);
void conf_vec_reset_platform (ConfVec *v, const ConfVecWorld *w, JsonNode *switches);

/* The credential fields a credential.verify result must show. */
JsonNode *conf_vec_credential_result (const ModelCredential *cred);


/* ---- steps mirrored on the world (emit the step, run model/std/, cross-check) */

/* status.set on a verifier. */
void conf_vec_status_set (ConfVec *v, ConfVecWorld *w, const guint8 ecard_id[16],
                          ModelStdCode code);
/* card.register on a platform (bank account active). */
void conf_vec_card_register (ConfVec *v, ConfVecWorld *w, const char *card_no,
                             const char *ssn, const char *name, guint32 city,
                             gboolean bank, gint64 now, ModelStdCode want);
/* ecard.issue on a platform with evidence ev (real name, liveness, bank
 * account, bank phone); on success the id (from the model mirror, so ISS-9's
 * derivation) is written to id_out (may be NULL) and expected in the result. */
void conf_vec_card_issue (ConfVec *v, ConfVecWorld *w, const char *card_no, int level,
                          const gboolean ev[4], const guint8 device_pk[32], gint64 now,
                          ModelStdCode want, guint8 id_out[16]);
/* card.transition to "lost", "normal", "locked" or "cancelled". */
void conf_vec_card_transition (ConfVec *v, ConfVecWorld *w, const char *card_no,
                               const char *to, gint64 now, ModelStdCode want);
/* Full evidence for level 2. */
extern const gboolean conf_vec_full_evidence[4];

/* A channel's reset: tier 1 (parent NULL) or 2, its key from key_seed,
 * children (transfer full, NULL for none) of a tier-1 channel. */
void conf_vec_reset_channel (ConfVec *v, const ConfVecWorld *w, const char *channel_id,
                             int tier, const char *parent_id, const guint8 key_seed[32],
                             JsonNode *children);
/* The same with extra config members (an object, transfer full; NULL for none). */
void conf_vec_reset_channel_with (ConfVec *v, const ConfVecWorld *w, const char *channel_id,
                                  int tier, const char *parent_id, const guint8 key_seed[32],
                                  JsonNode *children, JsonNode *extra);

G_END_DECLS
