/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: the identifier and name checks of model/std/ that read
 * text from a request or a stored row.  The first byte picks the parser
 * (fuzz_select, modulo 6); the rest is the text, up to its first NUL unless
 * said otherwise:
 *
 *   0  citizen ID (model_id_validate at the conformance vectors' clock):
 *      what passes has the check character model_id_check_char gives, a
 *      known province, a region name exactly when the region is known, and
 *      the same verdict from model_id_check_ssn;
 *   1  "SSN\nPIN" (model_pin_check_rules; the PIN with its length, NULs
 *      included): what passes is 6 ASCII digits (PIN-1);
 *   2  card number and card holder's name (model_card_no_check,
 *      model_card_name_check);
 *   3  channel id and channel name (model_channel_id_check,
 *      model_channel_name_check);
 *   4  e-card id in hex (model_ecard_id_from_hex): what parses prints back
 *      the same (model_ecard_id_to_hex);
 *   5  every wire name the store reads (std codes, card and e-card status,
 *      revocation reason, channel class, status and risk event, consent
 *      kind, payment route and order state): a name parsed prints back the
 *      same.
 *
 * Every refusal that takes a GError sets one with a message.
 */
#include "model/std/card.h"
#include "model/std/channel.h"
#include "model/std/consent.h"
#include "model/std/id.h"
#include "model/std/ledger.h"
#include "model/std/pin.h"
#include "tests/fuzz/harness.h"

#include <stdlib.h>
#include <string.h>

#define CLOCK G_GINT64_CONSTANT (1590969600)   /* conformance/vectors/id.json */

static void
refused (const GError *error)
{
  if (error == NULL || error->message[0] == '\0')
    abort ();
}

static void
check_ssn (const char *id)
{
  ModelIdInfo info;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) again = NULL;
  gboolean ok = model_id_validate (id, CLOCK, &info, &error);
  gboolean ok2 = model_id_check_ssn (id, CLOCK, MODEL_PIN_ERROR, &again);
  if (ok != ok2)
    abort ();
  if (!ok)
    {
      refused (error);
      refused (again);
      if (error->domain != MODEL_ID_ERROR || again->domain != MODEL_PIN_ERROR
          || error->code != again->code)
        abort ();
      return;
    }
  if (strlen (id) != MODEL_SSN_LEN || model_id_check_char (id) != info.check
      || id[17] != info.check || !model_id_province_known (info.province)
      || info.province != info.region / 10000 * 10000
      || info.region_known != model_id_region_known (info.region)
      || info.region_known != (model_id_region_name (info.region) != NULL)
      || info.male != (info.sequence % 2 == 1))
    abort ();
}

static void
check_pin (const uint8_t *data, size_t size)
{
  const uint8_t *nl = memchr (data, '\n', size);
  if (nl == NULL)
    return;
  g_autofree char *ssn = fuzz_text (data, (size_t) (nl - data));
  const char *pin = (const char *) nl + 1;
  size_t n = size - (size_t) (nl - data) - 1;
  g_autoptr (GError) error = NULL;
  if (!model_pin_check_rules (ssn, pin, n, &error))
    {
      refused (error);
      return;
    }
  if (n != 6)
    abort ();
  for (size_t i = 0; i < n; i++)
    if (pin[i] < '0' || pin[i] > '9')
      abort ();
}

/* A name parsed back to text must be the text. */
#define NAME_ROUND_TRIP(prefix, Type, text) \
  G_STMT_START \
  { \
    Type v_; \
    if (prefix##_from_name ((text), &v_) && strcmp (prefix##_name (v_), (text)) != 0) \
      abort (); \
  } \
  G_STMT_END

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  guint8 sel;
  if (!fuzz_select (&data, &size, &sel))
    return 0;
  g_autofree char *text = fuzz_text (data, size);
  g_autoptr (GError) e1 = NULL;
  g_autoptr (GError) e2 = NULL;
  guint8 id[MODEL_ECARD_ID_LEN];
  char hex[2 * MODEL_ECARD_ID_LEN + 1];

  switch (sel % 6)
    {
    case 0:
      check_ssn (text);
      break;
    case 1:
      check_pin (data, size);
      break;
    case 2:
      if (!model_card_no_check (text, &e1))
        refused (e1);
      if (!model_card_name_check (text, &e2))
        refused (e2);
      break;
    case 3:
      if (!model_channel_id_check (text, "channel_id", &e1))
        refused (e1);
      else if (strlen (text) != MODEL_CHANNEL_ID_LEN)
        abort ();
      if (!model_channel_name_check (text, &e2))
        refused (e2);
      break;
    case 4:
      if (model_ecard_id_from_hex (text, id))
        {
          model_ecard_id_to_hex (id, hex);
          if (strcmp (hex, text) != 0)
            abort ();
        }
      break;
    default:
      NAME_ROUND_TRIP (model_std_code, ModelStdCode, text);
      NAME_ROUND_TRIP (model_card_status, ModelCardStatus, text);
      NAME_ROUND_TRIP (model_ecard_status, ModelEcardStatus, text);
      NAME_ROUND_TRIP (model_ecard_reason, ModelEcardReason, text);
      NAME_ROUND_TRIP (model_channel_class, ModelChannelClass, text);
      NAME_ROUND_TRIP (model_channel_status, ModelChannelStatus, text);
      NAME_ROUND_TRIP (model_channel_risk, ModelChannelRisk, text);
      NAME_ROUND_TRIP (model_consent_kind, ModelConsentKind, text);
      NAME_ROUND_TRIP (model_route, ModelRoute, text);
      NAME_ROUND_TRIP (model_order_state, ModelOrderState, text);
      break;
    }
  return 0;
}
