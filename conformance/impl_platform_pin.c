/* SPDX-License-Identifier: MIT */
/*
 * The reference platform's PIN ops (ESSC-STD section 3): pin.set,
 * pin.verify and pin.change over model/std/pin's table, with the Argon2id limits
 * of reset's pin_limits.  The PIN faults need what model/std/pin refuses to do
 * (keep a weak PIN, forget failures, replace a PIN without the old one); they
 * do it the way a faulty platform would, by writing the record themselves:
 * the table is rebuilt with one record put in place (put_pin).
 */
#include "conformance/impl_platform.h"

#include <sodium.h>
#include <string.h>

/* ---- PIN ----------------------------------------------------------------------- */

typedef struct {
  ModelPinTable *table;
  const ModelPinRecord *replace;
  gint64 now;
  gboolean ok;
} CopyPins;

static void
copy_pin (const ModelPinRecord *r, gpointer user_data)
{
  CopyPins *c = user_data;
  if (strcmp (r->ssn, c->replace->ssn) == 0)
    r = c->replace;
  c->ok = model_pin_restore (c->table, r, c->now, NULL) && c->ok;
}

/* Puts rec in place of the record of its SSN, adding it if there is none:
 * how the faulty platforms skip the PIN rules of model/std/pin. */
static gboolean
put_pin (ConfImpl *impl, const ModelPinRecord *rec, GError **error)
{
  ConfPlatform *p = impl->state;
  CopyPins c = { model_pin_table_new (p->opslimit, p->memlimit), rec, impl->last_now, TRUE };
  ModelPinRecord old;
  model_pin_foreach (p->pins, copy_pin, &c);
  if (!model_pin_get (p->pins, rec->ssn, &old, NULL))
    c.ok = model_pin_restore (c.table, rec, impl->last_now, NULL) && c.ok;
  if (!c.ok)
    {
      model_pin_table_free (c.table);
      return conf_impl_fail (error, MODEL_STD_INTERNAL, "PIN table: a record was refused");
    }
  model_pin_table_free (p->pins);
  p->pins = c.table;
  return TRUE;
}

static gboolean
hashed_record (ConfPlatform *p, const char *ssn, const char *pin, ModelPinRecord *rec,
               GError **error)
{
  memset (rec, 0, sizeof *rec);
  if (strlen (ssn) > MODEL_SSN_LEN)
    return conf_impl_fail (error, MODEL_STD_MALFORMED, "ssn: too long");
  memcpy (rec->ssn, ssn, strlen (ssn) + 1);
  if (crypto_pwhash_str_alg (rec->hash, pin, strlen (pin), p->opslimit, p->memlimit,
                             crypto_pwhash_ALG_ARGON2ID13) != 0)
    return conf_impl_fail (error, MODEL_STD_INTERNAL, "PIN hashing failed");
  return TRUE;
}

/* pin-lookup-before-ssn: the other reading of PIN-13, an SSN without a PIN
 * answered not_found whatever its form.  FALSE with that refusal. */
static gboolean
lookup_first (ConfImpl *impl, const char *ssn, GError **error)
{
  ConfPlatform *p = impl->state;
  ModelPinRecord rec;
  gboolean ok = !CONF_FAULT (impl, "pin-lookup-before-ssn")
                || model_pin_get (p->pins, ssn, &rec, error);
  sodium_memzero (&rec, sizeof rec);
  return ok;
}

gboolean
conf_impl_platform_pin_set (ConfImpl *impl, JsonObject *params, JsonObject *result, GError **error)
{
  ConfPlatform *p = impl->state;
  const char *ssn, *pin;
  gint64 now;
  ModelPinRecord rec, old;
  g_autoptr (GError) inner = NULL;

  if (!conf_impl_get_text (params, "ssn", &ssn, error)
      || !conf_impl_get_text (params, "pin", &pin, error)
      || !conf_impl_get_now (impl, params, &now, error))
    return FALSE;
  if (model_pin_set (p->pins, ssn, pin, strlen (pin), now, &inner))
    return TRUE;
  if (inner->code == MODEL_STD_PIN_WEAK && CONF_FAULT (impl, "pin-accept-weak")
      && !model_pin_get (p->pins, ssn, &old, NULL))
    {
      gboolean ok = hashed_record (p, ssn, pin, &rec, error) && put_pin (impl, &rec, error);
      sodium_memzero (&rec, sizeof rec);
      return ok;
    }
  g_propagate_error (error, g_steal_pointer (&inner));
  return FALSE;
}

gboolean
conf_impl_platform_pin_verify (ConfImpl *impl, JsonObject *params, JsonObject *result, GError **error)
{
  ConfPlatform *p = impl->state;
  const char *ssn, *pin;
  gint64 now;
  ModelPinRecord rec;
  g_autoptr (GError) inner = NULL;

  if (!conf_impl_get_text (params, "ssn", &ssn, error)
      || !conf_impl_get_text (params, "pin", &pin, error)
      || !conf_impl_get_now (impl, params, &now, error))
    return FALSE;
  if (!lookup_first (impl, ssn, error))
    return FALSE;
  gsize len = strlen (pin);
  if (CONF_FAULT (impl, "pin-accept-long") && len > MODEL_PIN_LEN)
    len = MODEL_PIN_LEN;
  if (CONF_FAULT (impl, "pin-no-lockout") && model_pin_get (p->pins, ssn, &rec, NULL)
      && (rec.failures + 1 >= MODEL_PIN_MAX_FAILURES || rec.locked_until != 0))
    {
      rec.failures = 0, rec.locked_until = 0;
      if (!put_pin (impl, &rec, error))
        return FALSE;
    }
  if (model_pin_verify (p->pins, ssn, pin, len, now, &inner))
    return TRUE;
  if (inner->code == MODEL_STD_MALFORMED && CONF_FAULT (impl, "pin-malformed-counts"))
    {
      /* "000000" is weak (PIN-2), so never the PIN: it counts one failure. */
      g_autoptr (GError) counted = NULL;
      if (!model_pin_verify (p->pins, ssn, "000000", MODEL_PIN_LEN, now, &counted)
          && counted->code == MODEL_STD_PIN_LOCKED)
        {
          g_clear_error (&inner);
          inner = g_steal_pointer (&counted);
        }
    }
  g_propagate_error (error, g_steal_pointer (&inner));
  return FALSE;
}

gboolean
conf_impl_platform_pin_change (ConfImpl *impl, JsonObject *params, JsonObject *result, GError **error)
{
  ConfPlatform *p = impl->state;
  const char *ssn, *old_pin, *new_pin;
  gint64 now;
  ModelPinRecord rec;

  if (!conf_impl_get_text (params, "ssn", &ssn, error)
      || !conf_impl_get_text (params, "old_pin", &old_pin, error)
      || !conf_impl_get_text (params, "new_pin", &new_pin, error)
      || !conf_impl_get_now (impl, params, &now, error) || !lookup_first (impl, ssn, error))
    return FALSE;
  if (!CONF_FAULT (impl, "pin-change-without-old"))
    return model_pin_change (p->pins, ssn, old_pin, strlen (old_pin), new_pin, strlen (new_pin),
                             now, error);
  /* The old PIN is not looked at: the record is replaced outright. */
  if (!model_pin_get (p->pins, ssn, &rec, error)
      || !model_pin_check_rules (ssn, new_pin, strlen (new_pin), error))
    return FALSE;
  gboolean ok = hashed_record (p, ssn, new_pin, &rec, error) && put_pin (impl, &rec, error);
  sodium_memzero (&rec, sizeof rec);
  return ok;
}
