/* SPDX-License-Identifier: MIT */
/*
 * Three-level authorisation of access to data about a person, ESSC-STD
 * section "Consent" (requirements CONSENT-n).  Access by a channel to data
 * about a person held by a department needs three authorisations in force at
 * once: the person's own (personal), the owning department's (department) and
 * the channel's own, granted by the platform (channel).  Each authorisation
 * covers a set of data scopes; one authorisation of each kind must cover
 * every requested scope (scopes are not pooled across authorisations).  The
 * store is in memory, keeps grants in grant order and answers by a linear
 * scan; it never reads a clock and does no I/O.
 */
#pragma once

#include <glib.h>

#include "model/std/channel.h"
#include "model/std/stdcode.h"

G_BEGIN_DECLS

#define MODEL_CONSENT_ERROR (model_consent_error_quark ())
GQuark model_consent_error_quark (void);

#define MODEL_CONSENT_GRANT_ID_LEN 16
#define MODEL_CONSENT_DEPT_MAX 32     /* department id, characters */
#define MODEL_CONSENT_SEED_LEN 32     /* deterministic grant ids */

/* Data scopes, a bit set.  Wire names: model_consent_scope_name(). */
typedef enum {
  MODEL_CONSENT_SCOPE_IDENTITY = 1u << 0,         /* "identity" */
  MODEL_CONSENT_SCOPE_CARD_STATUS = 1u << 1,      /* "card_status" */
  MODEL_CONSENT_SCOPE_INSURANCE_RECORD = 1u << 2, /* "insurance_record" */
  MODEL_CONSENT_SCOPE_PAYMENT_HISTORY = 1u << 3,  /* "payment_history" */
  MODEL_CONSENT_SCOPE_EMPLOYMENT = 1u << 4,       /* "employment" */
  MODEL_CONSENT_SCOPE_PENSION = 1u << 5,          /* "pension" */
} ModelConsentScope;
#define MODEL_CONSENT_N_SCOPES 6
#define MODEL_CONSENT_SCOPE_ALL 0x3fu

/* The three kinds; also used as a bit set of parts (1 << kind). */
typedef enum {
  MODEL_CONSENT_PERSONAL = 0,   /* "personal": the person's own */
  MODEL_CONSENT_DEPARTMENT,     /* "department": the department holding the data */
  MODEL_CONSENT_CHANNEL,        /* "channel": the channel's, granted by the platform */
  MODEL_CONSENT_N_KINDS
} ModelConsentKind;

#define MODEL_CONSENT_PART(kind) (1u << (kind))
#define MODEL_CONSENT_PARTS_ALL 7u

/*
 * One authorisation.  All fields public.  An empty string means "any" where
 * the kind allows it: ssn is required for personal and optional (all persons)
 * otherwise, and when given is validated at not_before
 * (model_consent_ssn_check); channel_id is required for every kind;
 * department_id is required for department and optional (all departments)
 * otherwise.
 */
typedef struct {
  guint8 grant_id[MODEL_CONSENT_GRANT_ID_LEN]; /* assigned by the store */
  ModelConsentKind kind;
  char ssn[MODEL_SSN_LEN + 1];
  char channel_id[MODEL_CHANNEL_ID_LEN + 1];
  char department_id[MODEL_CONSENT_DEPT_MAX + 1];
  guint32 scopes;               /* non-empty subset of MODEL_CONSENT_SCOPE_ALL */
  gint64 not_before;            /* in force when not_before <= now < expires_at */
  gint64 expires_at;
  gboolean revoked;
  gint64 revoked_at;            /* 0 unless revoked */
} ModelConsentGrant;

/*
 * The answer to an access question.  code is MODEL_STD_OK when all three
 * parts are present; otherwise EXPIRED, NOT_YET_VALID or CONSENT_MISSING
 * (rule in model_consent_store_check).  Masks are sets of MODEL_CONSENT_PART.
 */
typedef struct {
  ModelStdCode code;
  guint present;                /* parts with an authorisation in force covering all scopes */
  guint missing;                /* MODEL_CONSENT_PARTS_ALL & ~present */
  guint expired;                /* missing parts with a matching expired authorisation */
  guint not_yet_valid;          /* missing parts with a matching future authorisation */
  guint8 grant_ids[MODEL_CONSENT_N_KINDS][MODEL_CONSENT_GRANT_ID_LEN]; /* for present parts */
} ModelConsentDecision;

/* Wire names; never NULL ("unknown" when out of range or not one bit). */
const char *model_consent_scope_name (guint32 scope);
const char *model_consent_kind_name (ModelConsentKind kind);
gboolean model_consent_kind_from_name (const char *name, ModelConsentKind *out);

/* "identity,card_status": the set's names in bit order joined by ','; "" for
 * the empty set.  Returns: (transfer full). */
char *model_consent_scopes_to_string (guint32 scopes);

/* Strict parse of the form above: no empty set, no unknown, repeated or
 * misordered name, no blanks; MODEL_STD_MALFORMED otherwise. */
gboolean model_consent_scopes_parse (const char *text, guint32 *out, GError **error);

/* Checks a department id: 1..32 characters of [A-Z0-9-], the first a letter,
 * e.g. "MIB-110000". */
gboolean model_consent_department_check (const char *id, GError **error);

/*
 * Checks an SSN with model_id_validate (model/std/id.h) at validation time now
 * (Unix seconds): 18 characters, the ISO 7064 MOD 11-2 check character, a
 * real birth date not after now's day in Beijing time, a known province.
 * Errors in MODEL_CONSENT_ERROR with the code model_id_validate gives
 * (MALFORMED, INVALID_ID) and a message starting "ssn: ".  A grant's SSN is
 * checked at the grant's not_before (the person must be born when the
 * authorisation starts); a question's SSN at the question's now.
 */
gboolean model_consent_ssn_check (const char *ssn, gint64 now, GError **error);

/*
 * The parties of an authorisation or of a question, in the order of
 * CONSENT-14: the SSN (for a grant: required for personal, "" meaning all
 * persons otherwise; for a question: required), checked at `at` (a grant's
 * not_before, a question's now); the channel id (CHAN-1); the department id
 * (for a grant: required for department, "" meaning all departments
 * otherwise; for a question: required).  kind is a grant's kind, or
 * MODEL_CONSENT_N_KINDS for a question.  The strings may be of any length
 * (an over-long one is MALFORMED in its turn), so a caller can check them
 * before copying them into a ModelConsentGrant.  Errors in
 * MODEL_CONSENT_ERROR: MALFORMED, or INVALID_ID for an SSN.
 */
gboolean model_consent_parties_check (ModelConsentKind kind, const char *ssn,
                                      const char *channel_id, const char *department_id,
                                      gint64 at, GError **error);

typedef struct _ModelConsentStore ModelConsentStore;

/*
 * seed NULL: grant ids from randombytes_buf; otherwise the 32-byte seed makes
 * them deterministic (BLAKE2b-128 keyed by the seed over a counter).
 * Returns: (transfer full).
 */
ModelConsentStore *model_consent_store_new (const guint8 *seed);
void model_consent_store_free (ModelConsentStore *store);

/*
 * Records an authorisation.  grant's fields other than grant_id, revoked and
 * revoked_at are used (those must be zero/FALSE).  Errors: MALFORMED naming
 * the field, INVALID_ID for an SSN that fails its check character, birth
 * date (validated at not_before) or province.  grant_id (may be NULL)
 * receives the new grant's id.
 */
gboolean model_consent_store_grant (ModelConsentStore *store,
                                    const ModelConsentGrant *grant,
                                    guint8 grant_id[MODEL_CONSENT_GRANT_ID_LEN],
                                    GError **error);

/* Revokes a grant at now, with effect on every later check: NOT_FOUND, or
 * INVALID_STATE when already revoked. */
gboolean model_consent_store_revoke (ModelConsentStore *store,
                                     const guint8 grant_id[MODEL_CONSENT_GRANT_ID_LEN],
                                     gint64 now, GError **error);

/*
 * May `channel_id` access data in `scopes` about `ssn` held by
 * `department_id` at now?  Fills decision (may be NULL) in every case where
 * the inputs are well formed.  Returns TRUE when all three parts are
 * present.  Otherwise FALSE with error MODEL_CONSENT_ERROR and code:
 *   EXPIRED when every missing part has a matching expired authorisation,
 *   else NOT_YET_VALID when every missing part has a matching future one,
 *   else CONSENT_MISSING;
 * the message names the missing parts.  Malformed inputs: MALFORMED /
 * INVALID_ID (the SSN is validated at now), decision untouched.
 */
gboolean model_consent_store_check (const ModelConsentStore *store,
                                    const char *ssn, const char *channel_id,
                                    const char *department_id, guint32 scopes,
                                    gint64 now, ModelConsentDecision *decision,
                                    GError **error);

typedef void (*ModelConsentFn) (const ModelConsentGrant *grant, gpointer user_data);

/* Calls fn for every grant, revoked ones included, in grant order. */
void model_consent_store_foreach (const ModelConsentStore *store,
                                  ModelConsentFn fn, gpointer user_data);

/* Inserts a grant as loaded, grant_id and revocation included (fields
 * validated as by grant, the SSN at not_before: MALFORMED / INVALID_ID;
 * CONFLICT for a grant id present). */
gboolean model_consent_store_restore (ModelConsentStore *store,
                                      const ModelConsentGrant *grant,
                                      GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelConsentStore, model_consent_store_free)

G_END_DECLS
