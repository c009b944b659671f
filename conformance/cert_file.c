/* SPDX-License-Identifier: MIT */
/*
 * The files around a conformance certificate (see cert.h and
 * docs/CERTIFICATE.md): bounded reads of regular files (a FIFO or device is
 * refused without blocking, a file larger than its bound is refused before it
 * is read), the BLAKE2b hash of a vector file, and the strict line-by-line
 * parsers and formatters of the three small text files (secret key, public
 * key, detached signature).  Each of those files is a header line and lines
 * of lowercase hex, every line ended by "\n", nothing more; an error names the
 * file, the line and what was expected there.  A buffer that may hold a
 * secret is wiped before it is freed.  cert.c builds, signs and checks the
 * report itself.
 */
#include "conformance/cert.h"

#include "base/file.h"
#include "base/hex.h"
#include "conformance/json.h"
#include "model/std/common.h"

#include <errno.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define fail(error, code, ...) base_fail ((error), CONF_CERT_ERROR, (code), __VA_ARGS__)
#define malformed(error, ...) fail ((error), MODEL_STD_MALFORMED, __VA_ARGS__)

#define KEY_FILE_MAX 4096          /* key and signature files are ~100 bytes */

/* ---- files ---------------------------------------------------------------- */

/* Reads a whole regular file of at most max bytes (base_file_read_regular:
 * a FIFO or device refused without blocking; the buffer wiped on every error
 * path, as it may hold a secret), with this module's error codes. */
static char *
read_bounded (const char *path, gsize max, gsize *len, mode_t *mode, GError **error)
{
  GError *inner = NULL;
  guint m = 0;
  char *buf = base_file_read_regular (path, max, len, &m, &inner);
  if (buf == NULL)
    {
      fail (error, inner->code == BASE_FILE_ERROR_NOT_FOUND ? MODEL_STD_NOT_FOUND
                                                            : MODEL_STD_MALFORMED,
            "%s", inner->message);
      g_error_free (inner);
      return NULL;
    }
  if (mode != NULL)
    *mode = (mode_t) m;
  return buf;
}

char *
conf_cert_load (const char *path, gsize *len, GError **error)
{
  gsize n = 0;
  g_return_val_if_fail (path != NULL, NULL);
  char *text = read_bounded (path, CONF_CERT_MAX_BYTES, &n, NULL, error);
  if (text != NULL && len != NULL)
    *len = n;
  return text;
}

char *
conf_cert_sig_path (const char *cert_path)
{
  g_return_val_if_fail (cert_path != NULL, NULL);
  return g_strconcat (cert_path, ".sig", NULL);
}

gboolean
conf_report_hash_file (const char *path, guint8 out[CONF_CERT_HASH_LEN], GError **error)
{
  g_return_val_if_fail (path != NULL && out != NULL, FALSE);
  GError *inner = NULL;
  int fd = base_file_open_regular (path, &inner);
  if (fd < 0)
    {
      fail (error, inner->code == BASE_FILE_ERROR_NOT_FOUND ? MODEL_STD_NOT_FOUND
                                                            : MODEL_STD_MALFORMED,
            "%s", inner->message);
      g_error_free (inner);
      return FALSE;
    }
  crypto_generichash_state state;
  guint8 buf[65536];
  crypto_generichash_init (&state, NULL, 0, CONF_CERT_HASH_LEN);
  for (;;)
    {
      ssize_t n = read (fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int e = errno;
          close (fd);
          return malformed (error, "%s: %s", path, g_strerror (e));
        }
      if (n == 0)
        break;
      crypto_generichash_update (&state, buf, (unsigned long long) n);
    }
  close (fd);
  crypto_generichash_final (&state, out, CONF_CERT_HASH_LEN);
  return TRUE;
}

/* ---- key and signature files ---------------------------------------------- */

/* Cuts text into exactly n lines, each ended by "\n" (replaced by NUL), the
 * first being header: a file of another kind is named as such first. */
static gboolean
split_lines (const char *path, char *text, gsize len, const char *header, char **lines,
             guint n, const char *const *what, GError **error)
{
  char *p = text, *end = text + len;
  char *nul = memchr (text, '\0', len);
  for (guint i = 0; i < n; i++)
    {
      if (p == end)
        return malformed (error, "%s:%u: missing line (expected %s)", path, i + 1, what[i]);
      char *nl = memchr (p, '\n', (gsize) (end - p));
      if (nul != NULL && (nl == NULL || nul < nl))
        return malformed (error, "%s:%u: contains a NUL byte", path, i + 1);
      if (nl == NULL)
        return malformed (error, "%s:%u: line does not end with a newline", path, i + 1);
      *nl = '\0';
      lines[i] = p;
      p = nl + 1;
      if (i == 0 && strcmp (lines[0], header) != 0)
        return malformed (error, "%s:1: expected the header '%s'", path, header);
    }
  if (p != end)
    return malformed (error, "%s:%u: unexpected data after the last line (expected %u lines)",
                      path, n + 1, n);
  return TRUE;
}

/* Decodes a line of exactly 2 * n lowercase hex digits. */
static gboolean
hex_line (const char *path, guint lineno, const char *line, const char *what, guint8 *out,
          gsize n, GError **error)
{
  gsize got = strlen (line);
  if (got != 2 * n)
    return malformed (error, "%s:%u: expected %s as %zu lowercase hex digits, got %zu characters",
                      path, lineno, what, 2 * n, got);
  gsize at = 0;
  if (base_hex_decode (line, got, out, &at) != BASE_HEX_OK)
    return malformed (error, "%s:%u: character %zu is not a lowercase hex digit (in %s)", path,
                      lineno, at + 1, what);
  return TRUE;
}

ModelKeyPair *
conf_cert_read_secret_key (const char *path, GError **error)
{
  static const char *const what[] = { "the header", "the seed" };
  gsize len = 0;
  mode_t mode = 0;
  char *lines[2];
  guint8 seed[MODEL_KEY_PAIR_SEED_LEN];
  ModelKeyPair *key = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  char *text = read_bounded (path, KEY_FILE_MAX, &len, &mode, error);
  if (text == NULL)
    return NULL;
  if ((mode & 077) != 0)
    malformed (error, "%s: mode %04o lets others read the secret key (expected 0600)", path,
               (unsigned) (mode & 07777));
  else if (split_lines (path, text, len, CONF_CERT_SECRET_HEADER, lines, 2, what, error)
           && hex_line (path, 2, lines[1], "the seed", seed, sizeof seed, error))
    key = model_key_pair_from_seed (seed);
  sodium_memzero (seed, sizeof seed);
  sodium_memzero (text, len);
  g_free (text);
  return key;
}

/* The public key file's text (modified: lines cut), path naming it. */
static gboolean
parse_public_key (const char *path, char *text, gsize len, guint8 pk[MODEL_KEY_PAIR_PK_LEN],
                  guint8 key_id[MODEL_KEY_ID_LEN], GError **error)
{
  static const char *const what[] = { "the header", "the public key", "the key id" };
  char *lines[3];
  guint8 stated[MODEL_KEY_ID_LEN];
  if (!split_lines (path, text, len, CONF_CERT_PUBLIC_HEADER, lines, 3, what, error)
      || !hex_line (path, 2, lines[1], "the public key", pk, MODEL_KEY_PAIR_PK_LEN, error)
      || !hex_line (path, 3, lines[2], "the key id", stated, sizeof stated, error))
    return FALSE;
  if (!crypto_core_ed25519_is_valid_point (pk))
    return malformed (error, "%s:2: not a valid Ed25519 public key", path);
  model_key_id (pk, MODEL_KEY_PAIR_PK_LEN, key_id);
  if (memcmp (stated, key_id, MODEL_KEY_ID_LEN) != 0)
    {
      g_autofree char *hex = base_hex_encode_dup (key_id, MODEL_KEY_ID_LEN);
      return malformed (error, "%s:3: key id does not match the public key (whose key id is %s)",
                        path, hex);
    }
  return TRUE;
}

gboolean
conf_cert_read_public_key (const char *path, guint8 pk[MODEL_KEY_PAIR_PK_LEN],
                           guint8 key_id[MODEL_KEY_ID_LEN], GError **error)
{
  gsize len = 0;

  g_return_val_if_fail (path != NULL && pk != NULL && key_id != NULL, FALSE);
  g_autofree char *text = read_bounded (path, KEY_FILE_MAX, &len, NULL, error);
  return text != NULL && parse_public_key (path, text, len, pk, key_id, error);
}

gboolean
conf_cert_parse_public_key (const char *name, const char *text, gsize len,
                            guint8 pk[MODEL_KEY_PAIR_PK_LEN], guint8 key_id[MODEL_KEY_ID_LEN],
                            GError **error)
{
  g_return_val_if_fail (name != NULL && text != NULL && pk != NULL && key_id != NULL, FALSE);
  if (len > KEY_FILE_MAX)
    return malformed (error, "%s: %" G_GSIZE_FORMAT " bytes, at most %d expected", name, len,
                      KEY_FILE_MAX);
  g_autofree char *copy = g_malloc (len + 1);
  memcpy (copy, text, len);
  copy[len] = '\0';
  return parse_public_key (name, copy, len, pk, key_id, error);
}

gboolean
conf_cert_read_signature (const char *path, guint8 key_id[MODEL_KEY_ID_LEN],
                          guint8 sig[MODEL_KEY_PAIR_SIG_LEN], GError **error)
{
  static const char *const what[] = { "the header", "the key id", "the signature" };
  gsize len = 0;
  char *lines[3];

  g_return_val_if_fail (path != NULL && key_id != NULL && sig != NULL, FALSE);
  g_autofree char *text = read_bounded (path, KEY_FILE_MAX, &len, NULL, error);
  return text != NULL
         && split_lines (path, text, len, CONF_CERT_SIG_HEADER, lines, 3, what, error)
         && hex_line (path, 2, lines[1], "the key id", key_id, MODEL_KEY_ID_LEN, error)
         && hex_line (path, 3, lines[2], "the signature", sig, MODEL_KEY_PAIR_SIG_LEN, error);
}

char *
conf_cert_format_secret_key (const ModelKeyPair *key)
{
  guint8 seed[MODEL_KEY_PAIR_SEED_LEN];
  g_return_val_if_fail (key != NULL, NULL);
  model_key_pair_get_seed (key, seed);
  char *hex = base_hex_encode_dup (seed, sizeof seed);
  char *text = g_strconcat (CONF_CERT_SECRET_HEADER "\n", hex, "\n", NULL);
  sodium_memzero (seed, sizeof seed);
  sodium_memzero (hex, strlen (hex));
  g_free (hex);
  return text;
}

char *
conf_cert_format_public_key (const ModelKeyPair *key)
{
  g_return_val_if_fail (key != NULL, NULL);
  g_autofree char *pk = base_hex_encode_dup (model_key_pair_public (key), MODEL_KEY_PAIR_PK_LEN);
  g_autofree char *id = base_hex_encode_dup (model_key_pair_id (key), MODEL_KEY_ID_LEN);
  return g_strconcat (CONF_CERT_PUBLIC_HEADER "\n", pk, "\n", id, "\n", NULL);
}
