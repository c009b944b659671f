/* SPDX-License-Identifier: MIT */
/*
 * The registry of service channels (apps and websites that offer the e-card),
 * ESSC-STD section "Channels" (requirements CHAN-n).  It holds one record per
 * channel: its class (one of the six of the channel management rules), its
 * tier (1: connects directly to the national platform; 2: connects through
 * its tier-1 parent), its status in the access state machine (applied,
 * certified, live, rectification, suspended, terminated), its Ed25519 public
 * key and its decaying risk score.  It verifies signed channel requests (the
 * channel's signature and, for tier 2, the parent's countersignature, a
 * +-window clock check and a bounded per-channel replay cache), and feeds
 * failed signatures and replays into the risk score, whose thresholds order
 * rectification or suspension automatically.  In memory only; no clock, no
 * I/O: `now` is always passed in.  The request itself (record, signing bytes,
 * signatures, wire codec) is model/std/channel_request.h, included here.
 */
#pragma once

#include <glib.h>

#include "model/std/channel_request.h"   /* ModelChannelRequest and its wire form */
#include "model/std/stdcode.h"

G_BEGIN_DECLS

#define MODEL_CHANNEL_ERROR (model_channel_error_quark ())
GQuark model_channel_error_quark (void);

/* MODEL_CHANNEL_ID_LEN and the request sizes are in model/std/channel_request.h. */
#define MODEL_CHANNEL_NAME_MAX 64     /* bytes of UTF-8 */
#define MODEL_CHANNEL_PK_LEN 32       /* Ed25519 public key */

/* The six channel classes.  Wire names: model_channel_class_name(). */
typedef enum {
  MODEL_CHANNEL_CLASS_HRSS = 0,     /* "hrss": HRSS departments */
  MODEL_CHANNEL_CLASS_GOVERNMENT,   /* "government": other government */
  MODEL_CHANNEL_CLASS_PARTNER,      /* "partner": nationally contracted partners */
  MODEL_CHANNEL_CLASS_BANK,         /* "bank" */
  MODEL_CHANNEL_CLASS_MEDICAL,      /* "medical": medical and pharmacy */
  MODEL_CHANNEL_CLASS_SOCIAL,       /* "social" */
  MODEL_CHANNEL_N_CLASSES
} ModelChannelClass;

/* Access status.  Wire names: model_channel_status_name(). */
typedef enum {
  MODEL_CHANNEL_APPLIED = 0,        /* "applied" */
  MODEL_CHANNEL_CERTIFIED,          /* "certified": passed functional and security tests */
  MODEL_CHANNEL_LIVE,               /* "live": may make requests */
  MODEL_CHANNEL_RECTIFICATION,      /* "rectification": ordered to rectify */
  MODEL_CHANNEL_SUSPENDED,          /* "suspended" */
  MODEL_CHANNEL_TERMINATED,         /* "terminated": final */
  MODEL_CHANNEL_N_STATUSES
} ModelChannelStatus;

/* Risk events.  Wire names: model_channel_risk_name(). */
typedef enum {
  MODEL_CHANNEL_RISK_BAD_SIGNATURE = 0, /* "bad_signature" (fed by verify) */
  MODEL_CHANNEL_RISK_REPLAY,            /* "replay" (fed by verify) */
  MODEL_CHANNEL_RISK_COMPLAINT,         /* "complaint": a user complaint upheld */
  MODEL_CHANNEL_RISK_FRAUD_REPORT,      /* "fraud_report" */
  MODEL_CHANNEL_RISK_DATA_LEAK,         /* "data_leak": security incident */
  MODEL_CHANNEL_N_RISKS
} ModelChannelRisk;

/* Parameters; model_channel_params_default() gives the documented defaults. */
typedef struct {
  gint64 window_s;                /* clock window, +-seconds (300) */
  gint64 half_life_s;             /* risk score half-life (604800 = 7 days) */
  double rectify_threshold;       /* score ordering rectification (50) */
  double suspend_threshold;       /* score ordering suspension (100) */
  double weight[MODEL_CHANNEL_N_RISKS]; /* 10, 20, 5, 40, 60 */
  guint replay_cache_max;         /* nonces kept per channel (4096) */
} ModelChannelParams;

void model_channel_params_default (ModelChannelParams *params);

/*
 * One channel record.  All fields public; the store persists them and gives
 * them back to model_channel_registry_restore().
 */
typedef struct {
  char id[MODEL_CHANNEL_ID_LEN + 1];          /* "CH123456" */
  char name[MODEL_CHANNEL_NAME_MAX + 1];      /* UTF-8, 1..64 bytes */
  ModelChannelClass klass;
  int tier;                                   /* 1 or 2 */
  char parent_id[MODEL_CHANNEL_ID_LEN + 1];   /* tier 2: the tier-1 parent; tier 1: "" */
  ModelChannelStatus status;
  guint8 public_key[MODEL_CHANNEL_PK_LEN];    /* Ed25519 */
  double risk_score;                          /* score as of risk_updated_at */
  gint64 risk_updated_at;
  gint64 status_changed_at;
} ModelChannel;

/* Wire names; never NULL ("unknown" for an out-of-range value). */
const char *model_channel_class_name (ModelChannelClass klass);
const char *model_channel_status_name (ModelChannelStatus status);
const char *model_channel_risk_name (ModelChannelRisk risk);
gboolean model_channel_class_from_name (const char *name, ModelChannelClass *out);
gboolean model_channel_status_from_name (const char *name, ModelChannelStatus *out);
gboolean model_channel_risk_from_name (const char *name, ModelChannelRisk *out);

/* Checks a channel id ("CH" + 6 digits) or a name (UTF-8, 1..64 bytes, no
 * control characters); MODEL_STD_MALFORMED naming `field` otherwise. */
gboolean model_channel_id_check (const char *id, const char *field, GError **error);
gboolean model_channel_name_check (const char *name, GError **error);

/* TRUE when the state machine allows from -> to (CHAN table). */
gboolean model_channel_transition_allowed (ModelChannelStatus from,
                                           ModelChannelStatus to);

/* ---- registry ------------------------------------------------------------ */

typedef struct _ModelChannelRegistry ModelChannelRegistry;

/* params NULL: the defaults.  Returns: (transfer full). */
ModelChannelRegistry *model_channel_registry_new (const ModelChannelParams *params);
void model_channel_registry_free (ModelChannelRegistry *reg);
const ModelChannelParams *model_channel_registry_params (const ModelChannelRegistry *reg);

/*
 * Registers a channel in status "applied" at now.  parent_id: NULL or "" for
 * tier 1; for tier 2 a registered, non-terminated tier-1 channel.  Errors,
 * in this order (CHAN-28): MALFORMED (a field, the parent id's form
 * included), CONFLICT (id taken), NOT_FOUND (parent unknown), CHANNEL_TIER
 * (parent not tier 1), CHANNEL_NOT_LIVE (parent terminated).
 */
gboolean model_channel_registry_apply (ModelChannelRegistry *reg,
                                       const char *id, const char *name,
                                       ModelChannelClass klass, int tier,
                                       const char *parent_id,
                                       const guint8 public_key[MODEL_CHANNEL_PK_LEN],
                                       gint64 now, GError **error);

/* Moves a channel to status `to` at now: MALFORMED (the id's form), then
 * NOT_FOUND, then INVALID_STATE when the state machine forbids it.  The
 * score is left as it is and no threshold is applied (CHAN-31). */
gboolean model_channel_registry_set_status (ModelChannelRegistry *reg,
                                            const char *id,
                                            ModelChannelStatus to,
                                            gint64 now, GError **error);

/* Copies the record into out (risk_score as stored, not decayed). */
gboolean model_channel_registry_lookup (const ModelChannelRegistry *reg,
                                        const char *id, ModelChannel *out,
                                        GError **error);

/* The risk score decayed to now (no change to the registry). */
gboolean model_channel_registry_risk_score (const ModelChannelRegistry *reg,
                                            const char *id, gint64 now,
                                            double *out, GError **error);

/*
 * Adds the event's weight to the channel's score decayed to now, then applies
 * the automatic rules: suspension threshold reached and status live or
 * rectification -> suspended; else rectification threshold reached and
 * status live -> rectification.  new_status (may be NULL) gets the status
 * after the rules.
 */
gboolean model_channel_registry_record_risk (ModelChannelRegistry *reg,
                                             const char *id,
                                             ModelChannelRisk risk,
                                             gint64 now,
                                             ModelChannelStatus *new_status,
                                             GError **error);

/*
 * Verifies a request and its body at now, in the order of ESSC-STD: channel
 * known (NOT_FOUND), live (CHANNEL_NOT_LIVE), tier and relay (CHANNEL_TIER;
 * a non-live parent gives CHANNEL_NOT_LIVE), body hash and signatures
 * (BAD_SIGNATURE), clock window (EXPIRED, NOT_YET_VALID), nonce (REPLAYED).
 * On success the nonce is remembered in the channel's replay cache
 * (model/std/channel_replay.h).  A bad signature or a replay is also
 * recorded as a risk event against the channel at fault.
 */
gboolean model_channel_registry_verify (ModelChannelRegistry *reg,
                                        const ModelChannelRequest *req,
                                        const guint8 *body, gsize body_len,
                                        gint64 now, GError **error);

/*
 * The replay cache is volatile.  After it is lost (a restart), call this with
 * the time of the loss: every request with a timestamp at or before it is
 * refused as REPLAYED.
 */
void model_channel_registry_forget_before (ModelChannelRegistry *reg,
                                           gint64 floor);

typedef void (*ModelChannelFn) (const ModelChannel *channel, gpointer user_data);

/* Calls fn for every channel in ascending id order. */
void model_channel_registry_foreach (const ModelChannelRegistry *reg,
                                     ModelChannelFn fn, gpointer user_data);

/* Inserts a record as loaded (no transition checks; fields validated:
 * MALFORMED, or CONFLICT for an id already present). */
gboolean model_channel_registry_restore (ModelChannelRegistry *reg,
                                         const ModelChannel *channel,
                                         GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelChannelRegistry, model_channel_registry_free)

G_END_DECLS
