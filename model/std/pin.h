/* SPDX-License-Identifier: MIT */
/*
 * The e-card PIN (ESSC-STD section "PIN", requirements PIN-n): six ASCII
 * digits, separate from the physical card's PIN, one per person (SSN) and
 * shared by every channel.  A ModelPinTable keeps, per SSN, only an Argon2id
 * hash string (crypto_pwhash_str) and the failure counter: five consecutive
 * wrong PINs lock the PIN for 24 hours from the fifth failure, a correct PIN
 * resets the count.  The clear PIN is never stored; it is passed with an
 * explicit length, so a NUL inside it is seen and refused.  No clock, no I/O.
 */
#pragma once

#include <glib.h>

#include "model/std/stdcode.h"

G_BEGIN_DECLS

#define MODEL_PIN_ERROR (model_pin_error_quark ())
GQuark model_pin_error_quark (void);

#define MODEL_PIN_LEN 6                       /* ASCII digits */
#define MODEL_PIN_MAX_FAILURES 5              /* consecutive wrong PINs that lock */
#define MODEL_PIN_LOCK_SECONDS (24 * 60 * 60) /* lock length, from the 5th failure */
#define MODEL_PIN_HASH_MAX 128                /* = crypto_pwhash_STRBYTES, with NUL */

/* One person's PIN.  All fields public. */
typedef struct {
  char ssn[MODEL_SSN_LEN + 1];       /* NUL-terminated citizen ID */
  char hash[MODEL_PIN_HASH_MAX];     /* NUL-terminated "$argon2id$..." string */
  guint failures;                    /* consecutive wrong PINs, 0..5 */
  gint64 locked_until;               /* Unix seconds; 0 when not locked */
} ModelPinRecord;

typedef struct _ModelPinTable ModelPinTable;

typedef void (*ModelPinFunc) (const ModelPinRecord *record, gpointer user_data);

/*
 * A new empty table hashing with the given Argon2id limits; 0 for either
 * means libsodium's interactive limit (crypto_pwhash_OPSLIMIT_INTERACTIVE,
 * crypto_pwhash_MEMLIMIT_INTERACTIVE).  Verification uses the limits stored
 * in each hash string.
 * Returns: (transfer full)
 */
ModelPinTable *model_pin_table_new (unsigned long long opslimit, gsize memlimit);
void model_pin_table_free (ModelPinTable *table);

/*
 * Checks a candidate PIN against the PIN rules for the holder ssn (a valid
 * citizen ID): MALFORMED unless exactly 6 ASCII digits (PIN-1), PIN_WEAK for
 * the weak PINs of PIN-2.  Never logs or keeps pin.
 */
gboolean model_pin_check_rules (const char *ssn, const char *pin, gsize pin_len,
                                GError **error);

/*
 * Sets the first PIN of ssn (checked at now: MALFORMED / INVALID_ID).
 * MALFORMED, PIN_WEAK (rules), INVALID_STATE (a PIN is already set; use
 * model_pin_change), INTERNAL (hashing failed, out of memory).
 */
gboolean model_pin_set (ModelPinTable *table, const char *ssn, const char *pin,
                        gsize pin_len, gint64 now, GError **error);

/*
 * Verifies a PIN at time now.  Errors in order of checks (3.2, PIN-13):
 * MALFORMED / INVALID_ID (ssn fails section 1 at now), NOT_FOUND (no PIN
 * for ssn), PIN_LOCKED (locked until a later time; the PIN is not even
 * checked), MALFORMED (not 6 ASCII digits; not counted as a failure),
 * PIN_WRONG (counted), PIN_LOCKED (this was the 5th consecutive failure).
 * Success resets the failure count.
 */
gboolean model_pin_verify (ModelPinTable *table, const char *ssn, const char *pin,
                           gsize pin_len, gint64 now, GError **error);

/*
 * Changes the PIN: the SSN is checked as in model_pin_verify (MALFORMED /
 * INVALID_ID, then NOT_FOUND), then the new PIN against the rules (MALFORMED,
 * PIN_WEAK; nothing counted), then the old one is verified exactly as
 * model_pin_verify does (counting a failure), then a new PIN equal to the old
 * one is refused (PIN_WEAK).  On success the count is 0.
 */
gboolean model_pin_change (ModelPinTable *table, const char *ssn,
                           const char *old_pin, gsize old_len,
                           const char *new_pin, gsize new_len,
                           gint64 now, GError **error);

/* Copies the record of ssn into out, or NOT_FOUND. */
gboolean model_pin_get (ModelPinTable *table, const char *ssn, ModelPinRecord *out,
                        GError **error);

/* Calls func for every record in SSN order; func must not modify the table. */
void model_pin_foreach (ModelPinTable *table, ModelPinFunc func, gpointer user_data);

/*
 * Inserts a record as loaded: ssn valid at now, hash an Argon2id string
 * libsodium can parse, failures 0..5, locked_until != 0 exactly when
 * failures is 5 (MALFORMED / INVALID_ID); INVALID_STATE when ssn has a PIN.
 */
gboolean model_pin_restore (ModelPinTable *table, const ModelPinRecord *record,
                            gint64 now, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelPinTable, model_pin_table_free)

G_END_DECLS
