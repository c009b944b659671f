/* SPDX-License-Identifier: MIT */
/*
 * Physical social security cards, the e-cards issued for them, and the
 * one-to-one mapping and shared status between the two (ESSC-STD section
 * "Cards", requirements CARD-n and ISS-n).  A ModelCardRegistry holds, in
 * memory, every physical card (keyed by card number) and every e-card (keyed
 * by its 16-byte id).  Invariants it keeps: at most one live physical card
 * (not cancelled, not replaced) per SSN; at most one active e-card per
 * physical card; an active e-card's card is always normal, because every
 * transition of a card out of normal revokes its e-card at once and
 * revocation is final.  No clock and no I/O: times are passed in, e-card ids
 * come from randombytes_buf or, in deterministic mode, from a caller's seed.
 * One interface, two files: model/std/card.c implements the physical cards, the
 * names and the registry's life cycle; model/std/ecard.c the e-card functions
 * (section "e-cards" below and the e-card half of "store").
 */
#pragma once

#include <glib.h>

#include "model/std/stdcode.h"

G_BEGIN_DECLS

#define MODEL_CARD_ERROR (model_card_error_quark ())
GQuark model_card_error_quark (void);

#define MODEL_CARD_NO_LEN 9         /* 'A'..'Z' then 8 digits, e.g. "A00000001" */
#define MODEL_CARD_NAME_MAX 64      /* bytes of UTF-8 */
#define MODEL_DEVICE_PK_LEN 32      /* Ed25519 public key */
#define MODEL_CARD_SEED_LEN 32      /* seed of the deterministic id mode */

typedef enum {
  MODEL_CARD_NORMAL = 0,
  MODEL_CARD_LOST,        /* 挂失 */
  MODEL_CARD_LOCKED,      /* 锁定 */
  MODEL_CARD_CANCELLED,   /* 注销, final */
  MODEL_CARD_REPLACED,    /* 补换, final; replaced_by names the successor */
  MODEL_CARD_N_STATUS
} ModelCardStatus;

/* A physical card.  All fields public; a copy, never a pointer into the
 * registry, is handed out. */
typedef struct {
  char card_no[MODEL_CARD_NO_LEN + 1];      /* NUL-terminated */
  char ssn[MODEL_SSN_LEN + 1];              /* NUL-terminated citizen ID */
  char name[MODEL_CARD_NAME_MAX + 1];       /* NUL-terminated UTF-8, 1..64 bytes */
  guint32 city;                             /* six-digit issuing city code */
  ModelCardStatus status;
  char replaced_by[MODEL_CARD_NO_LEN + 1];  /* successor's card_no; "" unless replaced */
  gboolean bank_account_active;             /* the card's bank account is activated */
  gint64 status_changed_at;                 /* Unix seconds of registration or last transition */
} ModelCard;

typedef enum {
  MODEL_ECARD_ACTIVE = 0,
  MODEL_ECARD_REVOKED,    /* final */
  MODEL_ECARD_N_STATUS
} ModelEcardStatus;

/* Why an e-card was revoked. */
typedef enum {
  MODEL_ECARD_REASON_NONE = 0,    /* still active */
  MODEL_ECARD_REASON_CARD_LOST,
  MODEL_ECARD_REASON_CARD_LOCKED,
  MODEL_ECARD_REASON_CARD_CANCELLED,
  MODEL_ECARD_REASON_CARD_REPLACED,
  MODEL_ECARD_REASON_HOLDER,      /* unlinked at the holder's request */
  MODEL_ECARD_N_REASONS
} ModelEcardReason;

/* An e-card.  All fields public; handed out as a copy. */
typedef struct {
  guint8 id[MODEL_ECARD_ID_LEN];
  char card_no[MODEL_CARD_NO_LEN + 1];      /* its physical card */
  int level;                                /* 1 (identity, queries) or 2 (also payment) */
  ModelEcardStatus status;
  gint64 issued_at;                         /* Unix seconds */
  gint64 revoked_at;                        /* Unix seconds; 0 while active */
  ModelEcardReason revoke_reason;           /* NONE while active */
  guint8 device_pk[MODEL_DEVICE_PK_LEN];    /* holder device's Ed25519 public key */
} ModelEcard;

/* What the issuing channel attests to.  All fields public. */
typedef struct {
  gboolean real_name_verified;   /* holder's name checked against the card */
  gboolean liveness_passed;      /* face / liveness check of a live person */
  gboolean bank_account_active;  /* level 2: the bank confirms the account is activated */
  gboolean bank_phone_verified;  /* level 2: bank-registered phone number verified */
} ModelIssuanceEvidence;

typedef struct _ModelCardRegistry ModelCardRegistry;

typedef void (*ModelCardFunc) (const ModelCard *card, gpointer user_data);
typedef void (*ModelEcardFunc) (const ModelEcard *ecard, gpointer user_data);

/* ---- names (wire names of ESSC-STD; never change) ------------------------ */

/* "normal", "lost", "locked", "cancelled", "replaced"; "invalid" if out of range. */
const char *model_card_status_name (ModelCardStatus status);
gboolean model_card_status_from_name (const char *name, ModelCardStatus *out);
/* "active", "revoked". */
const char *model_ecard_status_name (ModelEcardStatus status);
gboolean model_ecard_status_from_name (const char *name, ModelEcardStatus *out);
/* "none", "card_lost", "card_locked", "card_cancelled", "card_replaced", "holder". */
const char *model_ecard_reason_name (ModelEcardReason reason);
gboolean model_ecard_reason_from_name (const char *name, ModelEcardReason *out);

/* TRUE when the status machine allows from -> to (CARD-6). */
gboolean model_card_transition_allowed (ModelCardStatus from, ModelCardStatus to);

/* Field checks, also used by the other functions (MODEL_STD_MALFORMED). */
gboolean model_card_no_check (const char *card_no, GError **error);
gboolean model_card_name_check (const char *name, GError **error);
gboolean model_card_city_check (guint32 city, GError **error);
gboolean model_card_device_pk_check (const guint8 *device_pk, GError **error);

/* ---- lifecycle ------------------------------------------------------------ */

/*
 * A new empty registry.  seed32 (32 bytes, may be NULL): when given, e-card
 * ids are derived deterministically (ISS-9); the seed is copied.
 * Returns: (transfer full)
 */
ModelCardRegistry *model_card_registry_new (const guint8 *seed32);
void model_card_registry_free (ModelCardRegistry *registry);

/* ---- physical cards ------------------------------------------------------- */

/*
 * Registers a physical card in status normal.  Errors, in this order of
 * checks (CARD-14): MALFORMED (card_no), MALFORMED or INVALID_ID (ssn,
 * checked at now), MALFORMED (name, then city), ALREADY_LINKED (card_no
 * taken, then the SSN already has a live card).
 */
gboolean model_card_register (ModelCardRegistry *registry, const char *card_no,
                              const char *ssn, const char *name, guint32 city,
                              gboolean bank_account_active, gint64 now,
                              GError **error);

/* Transitions (CARD-6), checked in the order of CARD-14: MALFORMED for an
 * ill-formed card_no, NOT_FOUND for an unknown one, INVALID_STATE for a
 * transition the table refuses.  Leaving normal revokes the active e-card. */
gboolean model_card_report_lost (ModelCardRegistry *registry, const char *card_no,
                                 gint64 now, GError **error);
gboolean model_card_report_found (ModelCardRegistry *registry, const char *card_no,
                                  gint64 now, GError **error);
gboolean model_card_lock (ModelCardRegistry *registry, const char *card_no,
                          gint64 now, GError **error);
gboolean model_card_unlock (ModelCardRegistry *registry, const char *card_no,
                            gint64 now, GError **error);
gboolean model_card_cancel (ModelCardRegistry *registry, const char *card_no,
                            gint64 now, GError **error);
/* Replaces card_no by a new physical card new_card_no (same ssn, name, city;
 * status normal; bank account not active).  Errors, in the order of
 * CARD-14: MALFORMED (card_no, then new_card_no), NOT_FOUND (card_no),
 * INVALID_STATE (table 2.2), ALREADY_LINKED (new_card_no taken, itself
 * included). */
gboolean model_card_replace (ModelCardRegistry *registry, const char *card_no,
                             const char *new_card_no, gint64 now, GError **error);

/* Records whether the card's bank account is activated (CARD-10).  Turning
 * it off downgrades an active level-2 e-card to level 1.  NOT_FOUND;
 * INVALID_STATE for a cancelled or replaced card. */
gboolean model_card_set_bank_account (ModelCardRegistry *registry, const char *card_no,
                                      gboolean active, GError **error);

/* Lookups: copy into out and return TRUE, or NOT_FOUND. */
gboolean model_card_get (ModelCardRegistry *registry, const char *card_no,
                         ModelCard *out, GError **error);
/* The live (not cancelled, not replaced) card of an SSN. */
gboolean model_card_get_live_for_ssn (ModelCardRegistry *registry, const char *ssn,
                                      ModelCard *out, GError **error);

/* ---- e-cards (model/std/ecard.c) ---------------------------------------------- */

/*
 * Issues an e-card of level 1 or 2 for card_no to the device whose Ed25519
 * public key is device_pk (ISS-1..ISS-8).  Errors, in this order of checks
 * (ISS-10): MALFORMED (card_no), NOT_FOUND (card), MALFORMED (level, device_pk), CARD_UNUSABLE (card not
 * normal), EVIDENCE_MISSING (naming every missing item), ALREADY_LINKED (the
 * card has an active e-card).  out (may be NULL) receives the new e-card.
 */
gboolean model_card_issue_ecard (ModelCardRegistry *registry, const char *card_no,
                                 int level, const ModelIssuanceEvidence *ev,
                                 const guint8 device_pk[MODEL_DEVICE_PK_LEN],
                                 gint64 now, ModelEcard *out, GError **error);

/* Raises an active level-1 e-card to level 2, keeping its id (ISS-7).
 * NOT_FOUND, CARD_UNUSABLE (e-card revoked or card not normal),
 * INVALID_STATE (already level 2), EVIDENCE_MISSING. */
gboolean model_card_upgrade_ecard (ModelCardRegistry *registry,
                                   const guint8 ecard_id[MODEL_ECARD_ID_LEN],
                                   const ModelIssuanceEvidence *ev, GError **error);

/* Unlinks an active e-card at the holder's request (reason HOLDER).
 * NOT_FOUND; INVALID_STATE when already revoked. */
gboolean model_card_revoke_ecard (ModelCardRegistry *registry,
                                  const guint8 ecard_id[MODEL_ECARD_ID_LEN],
                                  gint64 now, GError **error);

gboolean model_card_get_ecard (ModelCardRegistry *registry,
                               const guint8 ecard_id[MODEL_ECARD_ID_LEN],
                               ModelEcard *out, GError **error);
/* The active e-card of card_no; NOT_FOUND when the card has none. */
gboolean model_card_get_active_ecard (ModelCardRegistry *registry, const char *card_no,
                                      ModelEcard *out, GError **error);

/*
 * The status feed (a ModelStatusFn; user_data is the registry): OK only when
 * the e-card is active and its physical card normal; NOT_FOUND for an
 * unknown id; CARD_UNUSABLE otherwise (CARD-8).
 */
ModelStdCode model_card_status_fn (const guint8 ecard_id[MODEL_ECARD_ID_LEN],
                                   gpointer registry);

/* ---- store ---------------------------------------------------------------- */

/* Calls func for every card, in card_no order / every e-card, in id order
 * (model_card_foreach_ecard is in model/std/ecard.c).  func must not modify the
 * registry. */
void model_card_foreach (ModelCardRegistry *registry, ModelCardFunc func,
                         gpointer user_data);
void model_card_foreach_ecard (ModelCardRegistry *registry, ModelEcardFunc func,
                               gpointer user_data);

/*
 * Inserts a card as loaded, without transition checks but with every field
 * validated (ssn at now) and the registry invariants kept: MALFORMED /
 * INVALID_ID, ALREADY_LINKED (card_no taken or second live card of the SSN).
 */
gboolean model_card_restore (ModelCardRegistry *registry, const ModelCard *card,
                             gint64 now, GError **error);
/*
 * Inserts an e-card as loaded (model/std/ecard.c); restore its card first.
 * MALFORMED (fields inconsistent), NOT_FOUND (card unknown), ALREADY_LINKED
 * (id taken, or a second active e-card of the card), INVALID_STATE (active
 * e-card of a card that is not normal).
 */
gboolean model_card_restore_ecard (ModelCardRegistry *registry, const ModelEcard *ecard,
                                   GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelCardRegistry, model_card_registry_free)

G_END_DECLS
