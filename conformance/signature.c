/* SPDX-License-Identifier: MIT */
/*
 * Implementation of signature.h: one table of the three kinds (domain and
 * header), the strict three-line parser, and Ed25519 over domain || NUL ||
 * bytes (libsodium, through model/std/keypair.h for signing).
 */
#include "conformance/signature.h"

#include "base/error.h"
#include "base/file.h"
#include "base/hex.h"
#include "conformance/cert.h"
#include "model/std/stdcode.h"

#include <sodium.h>
#include <string.h>

#define fail(error, code, ...) base_fail ((error), CONF_CERT_ERROR, (code), __VA_ARGS__)
#define malformed(error, ...) fail ((error), MODEL_STD_MALFORMED, __VA_ARGS__)

/* A signature file is 3 short lines: never more than this. */
#define SIG_FILE_MAX 4096

static const struct {
  const char *describe, *domain, *header;
} kinds[CONF_DOC_N_KINDS] = {
  [CONF_DOC_REPORT] = { "conformance report", CONF_CERT_SIGN_DOMAIN, CONF_CERT_SIG_HEADER },
  [CONF_DOC_CERTIFICATE] = { "certificate", "essc-certificate-v2",
                             "essc-certificate-signature-v2" },
  [CONF_DOC_FEED] = { "registry feed", "essc-registry-feed-v1", "essc-feed-signature-v1" },
};

const char *
conf_doc_kind_describe (ConfDocKind kind)
{
  g_return_val_if_fail ((guint) kind < CONF_DOC_N_KINDS, "?");
  return kinds[kind].describe;
}

const char *
conf_doc_kind_domain (ConfDocKind kind)
{
  g_return_val_if_fail ((guint) kind < CONF_DOC_N_KINDS, NULL);
  return kinds[kind].domain;
}

const char *
conf_doc_kind_sig_header (ConfDocKind kind)
{
  g_return_val_if_fail ((guint) kind < CONF_DOC_N_KINDS, NULL);
  return kinds[kind].header;
}

/* domain || NUL || bytes. */
static guint8 *
message (ConfDocKind kind, const char *bytes, gsize len, gsize *out_len)
{
  gsize d = strlen (kinds[kind].domain) + 1;
  guint8 *msg = g_malloc (d + len);
  memcpy (msg, kinds[kind].domain, d);
  if (len > 0)
    memcpy (msg + d, bytes, len);
  *out_len = d + len;
  return msg;
}

char *
conf_signature_make (ConfDocKind kind, const ModelKeyPair *key, const char *bytes, gsize len)
{
  guint8 sig[MODEL_KEY_PAIR_SIG_LEN];
  gsize msg_len = 0;
  g_return_val_if_fail ((guint) kind < CONF_DOC_N_KINDS && key != NULL, NULL);
  g_return_val_if_fail (bytes != NULL || len == 0, NULL);
  g_autofree guint8 *msg = message (kind, bytes, len, &msg_len);
  model_key_pair_sign (key, msg, msg_len, sig);
  g_autofree char *id_hex = base_hex_encode_dup (model_key_pair_id (key), MODEL_KEY_ID_LEN);
  g_autofree char *sig_hex = base_hex_encode_dup (sig, sizeof sig);
  return g_strconcat (kinds[kind].header, "\n", id_hex, "\n", sig_hex, "\n", NULL);
}

/* Line lineno (from 1) as exactly 2 * n lowercase hex digits. */
static gboolean
hex_line (const char *path, guint lineno, const char *line, gsize line_len, const char *what,
          guint8 *out, gsize n, GError **error)
{
  if (line_len != 2 * n)
    return malformed (error, "%s:%u: expected %s as %zu lowercase hex digits, got %zu characters",
                      path, lineno, what, 2 * n, line_len);
  gsize at = 0;
  if (base_hex_decode (line, line_len, out, &at) != BASE_HEX_OK)
    return malformed (error, "%s:%u: character %zu is not a lowercase hex digit (in %s)", path,
                      lineno, at + 1, what);
  return TRUE;
}

gboolean
conf_signature_parse (const char *path, const char *text, gsize len, ConfSignature *out,
                      GError **error)
{
  static const char *const what[] = { "a signature header", "the key id", "the signature" };
  const char *lines[3];
  gsize lens[3];
  const char *p = text, *end = text + len;

  g_return_val_if_fail (path != NULL && (text != NULL || len == 0) && out != NULL, FALSE);
  if (len > SIG_FILE_MAX)
    return malformed (error, "%s: larger than %d bytes: not a signature file", path,
                      SIG_FILE_MAX);
  for (guint i = 0; i < 3; i++)
    {
      if (p == end)
        return malformed (error, "%s:%u: missing line (expected %s)", path, i + 1, what[i]);
      const char *nl = memchr (p, '\n', (gsize) (end - p));
      if (nl == NULL)
        return malformed (error, "%s:%u: line does not end with a newline", path, i + 1);
      if (memchr (p, '\0', (gsize) (nl - p)) != NULL)
        return malformed (error, "%s:%u: contains a NUL byte", path, i + 1);
      lines[i] = p;
      lens[i] = (gsize) (nl - p);
      p = nl + 1;
    }
  if (p != end)
    return malformed (error, "%s:4: unexpected data after the last line (expected 3 lines)",
                      path);
  gboolean known = FALSE;
  for (guint k = 0; k < CONF_DOC_N_KINDS && !known; k++)
    if (lens[0] == strlen (kinds[k].header) && memcmp (lines[0], kinds[k].header, lens[0]) == 0)
      {
        out->kind = (ConfDocKind) k;
        known = TRUE;
      }
  if (!known)
    return malformed (error, "%s:1: not a signature file (expected the header '%s', '%s' or "
                      "'%s')", path, kinds[CONF_DOC_CERTIFICATE].header,
                      kinds[CONF_DOC_REPORT].header, kinds[CONF_DOC_FEED].header);
  return hex_line (path, 2, lines[1], lens[1], "the key id", out->key_id, MODEL_KEY_ID_LEN,
                   error)
         && hex_line (path, 3, lines[2], lens[2], "the signature", out->sig,
                      MODEL_KEY_PAIR_SIG_LEN, error);
}

gboolean
conf_signature_read (const char *path, ConfSignature *out, GError **error)
{
  gsize len = 0;
  g_autofree char *text = conf_cert_load (path, &len, error);
  return text != NULL && conf_signature_parse (path, text, len, out, error);
}

gboolean
conf_signature_check (const ConfSignature *sig, const char *bytes, gsize len,
                      const guint8 pk[MODEL_KEY_PAIR_PK_LEN], GError **error)
{
  guint8 pk_id[MODEL_KEY_ID_LEN];
  gsize msg_len = 0;
  g_return_val_if_fail (sig != NULL && (guint) sig->kind < CONF_DOC_N_KINDS && pk != NULL,
                        FALSE);
  model_key_id (pk, MODEL_KEY_PAIR_PK_LEN, pk_id);
  if (memcmp (pk_id, sig->key_id, sizeof pk_id) != 0)
    {
      g_autofree char *by = base_hex_encode_dup (sig->key_id, MODEL_KEY_ID_LEN);
      g_autofree char *given = base_hex_encode_dup (pk_id, sizeof pk_id);
      return fail (error, MODEL_STD_UNKNOWN_KEY, "signature: made by key %s, not by the public "
                   "key given (key %s)", by, given);
    }
  g_autofree guint8 *msg = message (sig->kind, bytes ? bytes : "", len, &msg_len);
  if (crypto_sign_verify_detached (sig->sig, msg, msg_len, pk) != 0)
    return fail (error, MODEL_STD_BAD_SIGNATURE, "signature: does not verify over the %s's "
                 "bytes (the %s or its signature was changed)", kinds[sig->kind].describe,
                 kinds[sig->kind].describe);
  return TRUE;
}

gboolean
conf_signature_write_pair (const char *path, const char *bytes, gsize len,
                           const char *sig_text, GError **error)
{
  g_autoptr (GError) inner = NULL;
  if (strcmp (path, "-") == 0)
    return fail (error, MODEL_STD_INTERNAL, "-: a signed document and its .sig need a file "
                 "name, not standard output");
  g_autofree char *sig_path = conf_cert_sig_path (path);
  /* Both checked before either is written: never a document without its
   * signature beside it because of the second path alone. */
  if (!base_file_output_ok (path, &inner) || !base_file_output_ok (sig_path, &inner)
      || !base_file_write_atomic (path, bytes, len, 0644, TRUE, &inner)
      || !base_file_write_atomic (sig_path, sig_text, strlen (sig_text), 0644, TRUE, &inner))
    return fail (error, MODEL_STD_INTERNAL, "%s", inner->message);
  return TRUE;
}
