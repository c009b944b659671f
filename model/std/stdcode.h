/* SPDX-License-Identifier: MIT */
/*
 * The ESSC-STD error codes, shared by every model/std/ module.
 *
 * Each model module has its own GError quark (model_qr_error_quark and so on);
 * the code inside the GError is always one of ModelStdCode, so a caller (the
 * conformance adapter, the CLI) can name the standard's error without knowing
 * which module raised it.  The names returned by model_std_code_name() are the
 * wire names of ESSC-STD section "Error codes" and never change.
 *
 * Time everywhere in model/std/ is Unix seconds (gint64), always passed in by the
 * caller: the standard's reference implementation never reads a clock, so a test or a
 * conformance vector fixes the validation time.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  MODEL_STD_OK = 0,
  MODEL_STD_MALFORMED,        /* bad encoding, length, UTF-8, over-long field */
  MODEL_STD_INVALID_ID,       /* citizen ID number fails GB 11643-1999 */
  MODEL_STD_BAD_SIGNATURE,    /* signature does not verify */
  MODEL_STD_UNKNOWN_KEY,      /* key id not known to the verifier */
  MODEL_STD_EXPIRED,          /* past its validity */
  MODEL_STD_NOT_YET_VALID,    /* before its validity */
  MODEL_STD_REPLAYED,         /* single-use item seen before */
  MODEL_STD_CARD_UNUSABLE,    /* card or e-card status forbids use */
  MODEL_STD_EVIDENCE_MISSING, /* issuance evidence incomplete */
  MODEL_STD_ALREADY_LINKED,   /* one-to-one mapping would break */
  MODEL_STD_PIN_REQUIRED,     /* operation needs a verified PIN */
  MODEL_STD_PIN_WRONG,        /* PIN does not match */
  MODEL_STD_PIN_LOCKED,       /* too many wrong PINs */
  MODEL_STD_PIN_WEAK,         /* PIN refused by the PIN rules */
  MODEL_STD_CONSENT_MISSING,  /* one of the three authorisations lacks */
  MODEL_STD_CHANNEL_NOT_LIVE, /* channel not live (suspended, terminated...) */
  MODEL_STD_CHANNEL_TIER,     /* tier-2 channel not through its parent */
  MODEL_STD_DUPLICATE,        /* idempotent repeat: original result returned */
  MODEL_STD_CONFLICT,         /* same idempotency key, different content */
  MODEL_STD_NOT_FOUND,        /* no such card, e-card, channel, order */
  MODEL_STD_INVALID_STATE,    /* state transition not allowed */
  MODEL_STD_LEVEL_REQUIRED,   /* operation needs a level-2 e-card */
  MODEL_STD_UNIMPLEMENTED,    /* implementation does not offer it */
  MODEL_STD_INTERNAL,         /* anything else */
  MODEL_STD_N_CODES
} ModelStdCode;

/* The wire name ("bad_signature"); never NULL. */
const char *model_std_code_name (ModelStdCode code);

/* Parses a wire name; returns FALSE for an unknown one. */
gboolean model_std_code_from_name (const char *name, ModelStdCode *out);

/*
 * The status feed: answers whether an e-card may be used now.  Returns
 * MODEL_STD_OK when it may, MODEL_STD_CARD_UNUSABLE (or MODEL_STD_NOT_FOUND)
 * when it may not.  The card registry provides one (model_card_status_fn);
 * verifiers, QR checks and the ledger take one, so they need not know the
 * registry.
 */
typedef ModelStdCode (*ModelStatusFn) (const guint8 ecard_id[16],
                                       gpointer user_data);

/* Sizes fixed by ESSC-STD. */
#define MODEL_ECARD_ID_LEN 16   /* e-card id, raw bytes; 32 hex characters as text */
#define MODEL_SSN_LEN 18        /* citizen ID number characters */
#define MODEL_KEY_ID_LEN 8      /* first 8 bytes of BLAKE2b-256 of a public key */

/* The text form of an e-card id (ISS-8), by base/hex.h: writes its 32
 * lowercase hex characters and a NUL into out. */
void model_ecard_id_to_hex (const guint8 id[MODEL_ECARD_ID_LEN], char out[33]);
/* Parses exactly 32 lowercase hex characters; FALSE on anything else (upper
 * case included), id untouched. */
gboolean model_ecard_id_from_hex (const char *hex, guint8 id[MODEL_ECARD_ID_LEN]);

/* key_id = first 8 bytes of BLAKE2b-256(public key). */
void model_key_id (const guint8 *public_key, gsize len,
                   guint8 out[MODEL_KEY_ID_LEN]);

G_END_DECLS
