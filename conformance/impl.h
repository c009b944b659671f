/* SPDX-License-Identifier: MIT */
/*
 * The reference implementations of ESSC-STD's three roles (verifier, channel,
 * platform) behind the adapter protocol of docs/ADAPTER.md: `essc impl
 * --role R [--fault NAME]`.  A ConfImpl turns one request line into one
 * response line; conf_impl_serve() runs it over a stream, one line at a time,
 * with the 1 MiB line bound of the protocol.  The roles are thin wrappers of
 * model/std/: the model's answer passes through the handler, which is where a
 * fault of conformance/faults.h alters it.
 *
 * The first part of this header is the interface.  The second part, below
 * "private", is shared by impl.c and the role files impl_verifier.c,
 * impl_channel.c and impl_platform*.c only.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "conformance/faults.h"
#include "model/std/credential.h"
#include "model/std/qr.h"
#include "model/std/stdcode.h"

G_BEGIN_DECLS

#define CONF_IMPL_ERROR (conf_impl_error_quark ())
GQuark conf_impl_error_quark (void);

#define CONF_IMPL_PROTOCOL "essc-adapter/1"
#define CONF_IMPL_VERSION "0.1.0"
#define CONF_IMPL_LINE_MAX (1024 * 1024)   /* bytes of a request line, newline excluded */

typedef struct _ConfImpl ConfImpl;

/*
 * The implementation of role, clean (fault NULL) or with the fault of that
 * name.  Error (CONF_IMPL_ERROR, MODEL_STD_MALFORMED): an unknown fault, or
 * one that does not apply to role.  Returns: (transfer full) or NULL.
 */
ConfImpl *conf_impl_new (ConfRole role, const char *fault, GError **error);

/*
 * The reference platform's credential backdate (ESSC-STD CRED-12): issued_at
 * = now - seconds, 0 <= seconds <= 300 (default 0).  Error
 * (CONF_IMPL_ERROR, MODEL_STD_MALFORMED): out of range, or impl is not a
 * platform.
 */
gboolean conf_impl_set_backdate (ConfImpl *impl, gint64 seconds, GError **error);

/*
 * Answers one request line of len bytes (no newline; a final '\r' is
 * tolerated).  Never fails: a line that is not a request gets an error
 * response with id 0.  Returns: (transfer full) the response line, without
 * newline.
 */
char *conf_impl_handle (ConfImpl *impl, const char *line, gsize len);

void conf_impl_free (ConfImpl *impl);

/*
 * Reads requests from in until end of input and writes one response line to
 * out per request, flushing after each.  A line over CONF_IMPL_LINE_MAX bytes
 * is answered with `malformed` and id 0 (and skipped without being held in
 * memory).  FALSE with error (MODEL_STD_MALFORMED for a bad fault,
 * MODEL_STD_INTERNAL for a read or write error) otherwise TRUE at end of input.
 */
gboolean conf_impl_serve (ConfRole role, const char *fault, FILE *in, FILE *out,
                          GError **error);
/* The same loop for an implementation made with conf_impl_new (and
 * configured); impl stays the caller's. */
gboolean conf_impl_serve_impl (ConfImpl *impl, FILE *in, FILE *out, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfImpl, conf_impl_free)

/* ---- private: for impl.c and impl_*.c only ------------------------------ */

/* Fills result (an empty object) or fails with a ModelStdCode error. */
typedef gboolean (*ConfImplOpFn) (ConfImpl *impl, JsonObject *params, JsonObject *result,
                                  GError **error);

typedef struct {
  const char *name;        /* op name of ADAPTER.md section 4 */
  ConfImplOpFn fn;
  const char *plausible;   /* a plausible result (JSON object) for accept-everything */
} ConfImplOp;

/* What reset gives every role (ADAPTER.md 4.1). */
typedef struct {
  guint8 seed[32];
  gint64 now;
  ModelTrustList *trust;   /* reset.trust; a role may steal it */
  JsonObject *config;      /* borrowed */
} ConfImplReset;

typedef struct {
  const char *name;        /* "essc reference verifier" */
  const ConfImplOp *ops;   /* every op but hello, reset and bye */
  gsize n_ops;
  /* A new role state from the reset parameters, or NULL with error. */
  gpointer (*reset) (ConfImpl *impl, ConfImplReset *reset, GError **error);
  void (*free_state) (gpointer state);
  /* Called after every op but hello and bye (may be NULL); error is the
   * op's refusal or NULL. */
  void (*after_op) (ConfImpl *impl, const char *op, JsonObject *params, const GError *error);
  /* Called before every op but hello, reset and bye (may be NULL): FALSE
   * with error refuses the op without running it (after_op still runs). */
  gboolean (*before_op) (ConfImpl *impl, const char *op, JsonObject *params, GError **error);
} ConfImplRole;

extern const ConfImplRole conf_impl_verifier_role;
extern const ConfImplRole conf_impl_channel_role;
extern const ConfImplRole conf_impl_platform_role;

struct _ConfImpl {
  ConfRole role;
  const ConfImplRole *table;
  const ConfFault *fault;  /* NULL: the clean implementation */
  gpointer state;          /* NULL until the first reset */
  gint64 last_now;         /* the last `now` of a request (reset included) */
  gint64 backdate;         /* platform: CRED-12's backdate of issued_at, 0..300 s */
};

/* TRUE when impl runs the fault called name (see conf_fault_is). */
#define CONF_FAULT(impl, name) conf_fault_is ((impl)->fault, (name))

/* Sets error in CONF_IMPL_ERROR; returns FALSE. */
gboolean conf_impl_fail (GError **error, ModelStdCode code, const char *fmt, ...)
    G_GNUC_PRINTF (3, 4);

/* Param getters (MALFORMED naming the member).  conf_impl_get_now reads
 * `now` and records it as impl->last_now. */
gboolean conf_impl_get_now (ConfImpl *impl, JsonObject *params, gint64 *now, GError **error);
/* An integer member that must fit in [min, max]. */
gboolean conf_impl_get_ranged (JsonObject *params, const char *member, gint64 min,
                               gint64 max, gint64 *out, GError **error);
/* A string member as a counted byte string (strings may hold any text). */
gboolean conf_impl_get_text (JsonObject *params, const char *member, const char **out,
                             GError **error);
/* An optional string member: *out = fallback when absent (null is refused
 * as of another type, ERR-3). */
gboolean conf_impl_get_opt_text (JsonObject *params, const char *member,
                                 const char *fallback, const char **out, GError **error);

/* Shared results. */
void conf_impl_put_hex (JsonObject *result, const char *member, const guint8 *data, gsize len);
void conf_impl_put_credential (JsonObject *result, const ModelCredential *cred);

/* ---- shared ops (verifier and platform; credential.verify also channel) ---- */

gboolean conf_impl_op_id_validate (ConfImpl *impl, JsonObject *params, JsonObject *result,
                                   GError **error);

/*
 * credential.verify against trust and status (with the cred-* faults).
 * status_cache: a GHashTable (16-byte id -> code) for cred-cached-status, or
 * NULL where the role has no status feed to cache.
 */
gboolean conf_impl_credential_verify (ConfImpl *impl, JsonObject *params, JsonObject *result,
                                      const ModelTrustList *trust, ModelStatusFn status,
                                      gpointer status_data, GHashTable *status_cache,
                                      GError **error);

/* qr.verify with verifier (with the qr-* faults). */
gboolean conf_impl_qr_verify (ConfImpl *impl, JsonObject *params, JsonObject *result,
                              const ModelQrVerifier *verifier, GError **error);

/* Consent ops of the channel and the platform (with the consent-* faults);
 * check answers data.request and consent.check for channel_id. */
typedef struct _ModelConsentStore ModelConsentStore;
gboolean conf_impl_consent_grant (ConfImpl *impl, ModelConsentStore *store, JsonObject *params,
                                  JsonObject *result, GError **error);
gboolean conf_impl_consent_revoke (ConfImpl *impl, ModelConsentStore *store,
                                   JsonObject *params, JsonObject *result, GError **error);
gboolean conf_impl_consent_check (ConfImpl *impl, ModelConsentStore *store,
                                  const char *channel_id, JsonObject *params,
                                  JsonObject *result, GError **error);
/* The JSON types of a question's members (ssn, department_id, scopes, now),
 * MALFORMED for one absent or of another type (ERR-3). */
gboolean conf_impl_consent_question_types (ConfImpl *impl, JsonObject *params, GError **error);

/* A new GHashTable for 16-byte keys (g_free'd) and int values. */
GHashTable *conf_impl_id_table_new (void);

G_END_DECLS
