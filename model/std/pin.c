/* SPDX-License-Identifier: MIT */
/*
 * The e-card PIN table: SSN -> ModelPinRecord in a GHashTable.  Hashing is
 * Argon2id through crypto_pwhash_str_alg with the table's limits; checking
 * is crypto_pwhash_str_verify, which takes the same time whatever the
 * candidate.  The clear PIN is only read in place from the caller's buffer
 * (with its length), never copied, kept or put into an error message; the
 * one hash buffer on the stack is wiped after use.  Lock expiry is lazy: a
 * record keeps failures 5 and its locked_until until the next verify or
 * change at or after locked_until, which starts a fresh count.
 */
#include "model/std/pin.h"

#include <sodium.h>
#include <string.h>

#include "model/std/id.h"

G_DEFINE_QUARK (model-pin-error-quark, model_pin_error)

G_STATIC_ASSERT (MODEL_PIN_HASH_MAX == crypto_pwhash_STRBYTES);

struct _ModelPinTable {
  GHashTable *records;   /* char *ssn (inside the value) -> ModelPinRecord *, owned */
  unsigned long long opslimit;
  gsize memlimit;
};

static void
record_free (gpointer p)
{
  sodium_memzero (p, sizeof (ModelPinRecord));
  g_free (p);
}

ModelPinTable *
model_pin_table_new (unsigned long long opslimit, gsize memlimit)
{
  ModelPinTable *t = g_new0 (ModelPinTable, 1);
  t->records = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, record_free);
  t->opslimit = opslimit != 0 ? opslimit : crypto_pwhash_OPSLIMIT_INTERACTIVE;
  t->memlimit = memlimit != 0 ? memlimit : crypto_pwhash_MEMLIMIT_INTERACTIVE;
  return t;
}

void
model_pin_table_free (ModelPinTable *table)
{
  if (table == NULL)
    return;
  g_hash_table_destroy (table->records);
  g_free (table);
}

/* ---- rules ---------------------------------------------------------------- */

/* PIN-1: exactly six ASCII digits.  The message never repeats the PIN. */
static gboolean
format_check (const char *field, const char *pin, gsize pin_len, GError **error)
{
  if (pin == NULL || pin_len != MODEL_PIN_LEN)
    {
      g_set_error (error, MODEL_PIN_ERROR, MODEL_STD_MALFORMED,
                   "%s: %" G_GSIZE_FORMAT " bytes; expected exactly %d ASCII digits",
                   field, pin == NULL ? 0 : pin_len, MODEL_PIN_LEN);
      return FALSE;
    }
  for (gsize i = 0; i < pin_len; i++)
    if (pin[i] < '0' || pin[i] > '9')
      {
        g_set_error (error, MODEL_PIN_ERROR, MODEL_STD_MALFORMED,
                     "%s: byte %" G_GSIZE_FORMAT " is not an ASCII digit 0-9",
                     field, i + 1);
        return FALSE;
      }
  return TRUE;
}

/* PIN-2: the weak PINs.  ssn is a valid citizen ID; pin six digits. */
static const char *
weakness (const char *ssn, const char *pin)
{
  gboolean same = TRUE, up = TRUE, down = TRUE;
  for (int i = 1; i < MODEL_PIN_LEN; i++)
    {
      same = same && pin[i] == pin[0];
      up = up && pin[i] == pin[i - 1] + 1;
      down = down && pin[i] == pin[i - 1] - 1;
    }
  if (same)
    return "all six digits are the same";
  if (up)
    return "ascending run of digits";
  if (down)
    return "descending run of digits";
  /* Birth date YYMMDD: characters 9..14 of the ID (YYYY at 7..10). */
  if (sodium_memcmp (pin, ssn + 8, MODEL_PIN_LEN) == 0)
    return "the holder's birth date YYMMDD";
  /* Last six characters of the ID; only digits can match a digit PIN. */
  if (sodium_memcmp (pin, ssn + MODEL_SSN_LEN - MODEL_PIN_LEN, MODEL_PIN_LEN) == 0)
    return "the last six characters of the holder's ID";
  return NULL;
}

static gboolean
rules_check (const char *field, const char *ssn, const char *pin, gsize pin_len,
             GError **error)
{
  if (!format_check (field, pin, pin_len, error))
    return FALSE;
  const char *why = weakness (ssn, pin);
  if (why != NULL)
    {
      g_set_error (error, MODEL_PIN_ERROR, MODEL_STD_PIN_WEAK, "%s: weak PIN (%s)", field, why);
      return FALSE;
    }
  return TRUE;
}

gboolean
model_pin_check_rules (const char *ssn, const char *pin, gsize pin_len, GError **error)
{
  /* The rules read only the ID's digits; its full validity is the caller's. */
  if (ssn == NULL || strnlen (ssn, MODEL_SSN_LEN + 1) != MODEL_SSN_LEN)
    {
      g_set_error (error, MODEL_PIN_ERROR, MODEL_STD_MALFORMED,
                   "ssn: expected %d characters", MODEL_SSN_LEN);
      return FALSE;
    }
  return rules_check ("pin", ssn, pin, pin_len, error);
}

/* Hashes pin into out (MODEL_PIN_HASH_MAX bytes) or INTERNAL. */
static gboolean
hash_pin (ModelPinTable *t, const char *pin, gsize pin_len, char *out, GError **error)
{
  if (crypto_pwhash_str_alg (out, pin, pin_len, t->opslimit, t->memlimit,
                             crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      g_set_error (error, MODEL_PIN_ERROR, MODEL_STD_INTERNAL,
                   "pin: Argon2id hashing failed (out of memory or bad limits)");
      return FALSE;
    }
  return TRUE;
}

gboolean
model_pin_set (ModelPinTable *table, const char *ssn, const char *pin, gsize pin_len,
               gint64 now, GError **error)
{
  g_return_val_if_fail (table != NULL, FALSE);
  if (!model_id_check_ssn (ssn, now, MODEL_PIN_ERROR, error)
      || !rules_check ("pin", ssn, pin, pin_len, error))
    return FALSE;
  if (g_hash_table_contains (table->records, ssn))
    {
      g_set_error (error, MODEL_PIN_ERROR, MODEL_STD_INVALID_STATE,
                   "ssn: a PIN is already set; changing it needs the old PIN");
      return FALSE;
    }
  ModelPinRecord *r = g_new0 (ModelPinRecord, 1);
  g_strlcpy (r->ssn, ssn, sizeof r->ssn);
  if (!hash_pin (table, pin, pin_len, r->hash, error))
    {
      record_free (r);
      return FALSE;
    }
  g_hash_table_insert (table->records, r->ssn, r);
  return TRUE;
}

static ModelPinRecord *
find (ModelPinTable *t, const char *ssn, GError **error)
{
  ModelPinRecord *r = ssn != NULL ? g_hash_table_lookup (t->records, ssn) : NULL;
  if (r == NULL)
    g_set_error (error, MODEL_PIN_ERROR, MODEL_STD_NOT_FOUND, "ssn: no PIN set");
  return r;
}

/* PIN-13: the SSN is judged by section 1 at now before it is looked up. */
static ModelPinRecord *
find_valid (ModelPinTable *t, const char *ssn, gint64 now, GError **error)
{
  if (!model_id_check_ssn (ssn, now, MODEL_PIN_ERROR, error))
    return NULL;
  return find (t, ssn, error);
}

/* The verification steps shared by verify and change (PIN-4..PIN-7). */
static gboolean
check_pin (ModelPinRecord *r, const char *field, const char *pin, gsize pin_len,
           gint64 now, GError **error)
{
  if (r->locked_until != 0 && now >= r->locked_until)
    {
      r->locked_until = 0;   /* PIN-6: the lock has run out; a fresh count */
      r->failures = 0;
    }
  if (r->locked_until != 0)
    {
      g_set_error (error, MODEL_PIN_ERROR, MODEL_STD_PIN_LOCKED,
                   "%s: locked after %d wrong PINs until %" G_GINT64_FORMAT,
                   field, MODEL_PIN_MAX_FAILURES, r->locked_until);
      return FALSE;
    }
  if (!format_check (field, pin, pin_len, error))
    return FALSE;
  if (crypto_pwhash_str_verify (r->hash, pin, pin_len) == 0)
    {
      r->failures = 0;
      return TRUE;
    }
  r->failures++;
  if (r->failures >= MODEL_PIN_MAX_FAILURES)
    {
      r->failures = MODEL_PIN_MAX_FAILURES;
      r->locked_until = now + MODEL_PIN_LOCK_SECONDS;
      g_set_error (error, MODEL_PIN_ERROR, MODEL_STD_PIN_LOCKED,
                   "%s: wrong PIN, %d in a row; locked until %" G_GINT64_FORMAT,
                   field, MODEL_PIN_MAX_FAILURES, r->locked_until);
      return FALSE;
    }
  g_set_error (error, MODEL_PIN_ERROR, MODEL_STD_PIN_WRONG,
               "%s: wrong PIN; %u of %d tries left", field,
               MODEL_PIN_MAX_FAILURES - r->failures, MODEL_PIN_MAX_FAILURES);
  return FALSE;
}

gboolean
model_pin_verify (ModelPinTable *table, const char *ssn, const char *pin, gsize pin_len,
                  gint64 now, GError **error)
{
  g_return_val_if_fail (table != NULL, FALSE);
  ModelPinRecord *r = find_valid (table, ssn, now, error);
  return r != NULL && check_pin (r, "pin", pin, pin_len, now, error);
}

gboolean
model_pin_change (ModelPinTable *table, const char *ssn, const char *old_pin,
                  gsize old_len, const char *new_pin, gsize new_len, gint64 now,
                  GError **error)
{
  g_return_val_if_fail (table != NULL, FALSE);
  ModelPinRecord *r = find_valid (table, ssn, now, error);
  if (r == NULL || !rules_check ("new_pin", r->ssn, new_pin, new_len, error)
      || !check_pin (r, "old_pin", old_pin, old_len, now, error))
    return FALSE;
  /* Both are six digits now; compare in constant time. */
  if (sodium_memcmp (old_pin, new_pin, MODEL_PIN_LEN) == 0)
    {
      g_set_error (error, MODEL_PIN_ERROR, MODEL_STD_PIN_WEAK,
                   "new_pin: weak PIN (equal to the old PIN)");
      return FALSE;
    }
  char hash[MODEL_PIN_HASH_MAX];
  if (!hash_pin (table, new_pin, new_len, hash, error))
    return FALSE;
  memcpy (r->hash, hash, sizeof hash);
  sodium_memzero (hash, sizeof hash);
  r->failures = 0;
  r->locked_until = 0;
  return TRUE;
}

gboolean
model_pin_get (ModelPinTable *table, const char *ssn, ModelPinRecord *out, GError **error)
{
  g_return_val_if_fail (table != NULL && out != NULL, FALSE);
  ModelPinRecord *r = find (table, ssn, error);
  if (r == NULL)
    return FALSE;
  *out = *r;
  return TRUE;
}

static int
cmp_record (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(ModelPinRecord *const *) a)->ssn, (*(ModelPinRecord *const *) b)->ssn);
}

void
model_pin_foreach (ModelPinTable *table, ModelPinFunc func, gpointer user_data)
{
  g_return_if_fail (table != NULL && func != NULL);
  g_autoptr (GPtrArray) a = g_ptr_array_sized_new (g_hash_table_size (table->records));
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, table->records);
  while (g_hash_table_iter_next (&it, NULL, &value))
    g_ptr_array_add (a, value);
  g_ptr_array_sort (a, cmp_record);
  for (guint i = 0; i < a->len; i++)
    func (g_ptr_array_index (a, i), user_data);
}

#define ARGON2ID_PREFIX "$argon2id$"

gboolean
model_pin_restore (ModelPinTable *table, const ModelPinRecord *record, gint64 now,
                   GError **error)
{
  g_return_val_if_fail (table != NULL && record != NULL, FALSE);
  const ModelPinRecord *in = record;
  const char *bad = NULL;
  gsize hash_len = strnlen (in->hash, sizeof in->hash);
  if (memchr (in->ssn, '\0', sizeof in->ssn) == NULL)
    bad = "ssn: not NUL-terminated";
  else if (hash_len == sizeof in->hash)
    bad = "hash: not NUL-terminated";
  else if (strncmp (in->hash, ARGON2ID_PREFIX, strlen (ARGON2ID_PREFIX)) != 0)
    bad = "hash: expected an Argon2id string starting " ARGON2ID_PREFIX;
  else if (crypto_pwhash_argon2id_str_needs_rehash (in->hash, table->opslimit,
                                                    table->memlimit) == -1)
    bad = "hash: not a well-formed Argon2id string";
  else if (in->failures > MODEL_PIN_MAX_FAILURES)
    bad = "failures: expected 0 to 5";
  else if (in->locked_until < 0)
    bad = "locked_until: negative";
  else if ((in->failures == MODEL_PIN_MAX_FAILURES) != (in->locked_until != 0))
    bad = "locked_until: must be set exactly when failures is 5";
  if (bad != NULL)
    {
      g_set_error (error, MODEL_PIN_ERROR, MODEL_STD_MALFORMED, "pin record: %s", bad);
      return FALSE;
    }
  if (!model_id_check_ssn (in->ssn, now, MODEL_PIN_ERROR, error))
    return FALSE;
  if (g_hash_table_contains (table->records, in->ssn))
    {
      g_set_error (error, MODEL_PIN_ERROR, MODEL_STD_INVALID_STATE,
                   "ssn: a PIN is already present");
      return FALSE;
    }
  ModelPinRecord *r = g_memdup2 (in, sizeof *r);
  g_hash_table_insert (table->records, r->ssn, r);
  return TRUE;
}
