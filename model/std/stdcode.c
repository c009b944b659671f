/* SPDX-License-Identifier: MIT */
/*
 * Names of the ESSC-STD error codes and the few encodings every module shares
 * (e-card id hex, key ids).  A table lookup; nothing here allocates.
 */
#include "model/std/stdcode.h"

#include <sodium.h>
#include <string.h>

#include "base/hex.h"
#include "model/std/common.h"

static const char *const names[MODEL_STD_N_CODES] = {
  [MODEL_STD_OK] = "ok",
  [MODEL_STD_MALFORMED] = "malformed",
  [MODEL_STD_INVALID_ID] = "invalid_id",
  [MODEL_STD_BAD_SIGNATURE] = "bad_signature",
  [MODEL_STD_UNKNOWN_KEY] = "unknown_key",
  [MODEL_STD_EXPIRED] = "expired",
  [MODEL_STD_NOT_YET_VALID] = "not_yet_valid",
  [MODEL_STD_REPLAYED] = "replayed",
  [MODEL_STD_CARD_UNUSABLE] = "card_unusable",
  [MODEL_STD_EVIDENCE_MISSING] = "evidence_missing",
  [MODEL_STD_ALREADY_LINKED] = "already_linked",
  [MODEL_STD_PIN_REQUIRED] = "pin_required",
  [MODEL_STD_PIN_WRONG] = "pin_wrong",
  [MODEL_STD_PIN_LOCKED] = "pin_locked",
  [MODEL_STD_PIN_WEAK] = "pin_weak",
  [MODEL_STD_CONSENT_MISSING] = "consent_missing",
  [MODEL_STD_CHANNEL_NOT_LIVE] = "channel_not_live",
  [MODEL_STD_CHANNEL_TIER] = "channel_tier",
  [MODEL_STD_DUPLICATE] = "duplicate",
  [MODEL_STD_CONFLICT] = "conflict",
  [MODEL_STD_NOT_FOUND] = "not_found",
  [MODEL_STD_INVALID_STATE] = "invalid_state",
  [MODEL_STD_LEVEL_REQUIRED] = "level_required",
  [MODEL_STD_UNIMPLEMENTED] = "unimplemented",
  [MODEL_STD_INTERNAL] = "internal",
};

BASE_DEFINE_NAMES (model_std_code, ModelStdCode, names, "internal")

void
model_ecard_id_to_hex (const guint8 id[MODEL_ECARD_ID_LEN], char out[33])
{
  base_hex_encode (id, MODEL_ECARD_ID_LEN, out);
}

gboolean
model_ecard_id_from_hex (const char *hex, guint8 id[MODEL_ECARD_ID_LEN])
{
  return hex != NULL && strnlen (hex, 2 * MODEL_ECARD_ID_LEN + 1) == 2 * MODEL_ECARD_ID_LEN
         && base_hex_decode (hex, 2 * MODEL_ECARD_ID_LEN, id, NULL) == BASE_HEX_OK;
}

void
model_key_id (const guint8 *public_key, gsize len, guint8 out[MODEL_KEY_ID_LEN])
{
  guint8 h[32];
  crypto_generichash (h, sizeof h, public_key, len, NULL, 0);
  memcpy (out, h, MODEL_KEY_ID_LEN);
}
