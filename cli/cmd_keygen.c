/* SPDX-License-Identifier: MIT */
/*
 * essc keygen: makes the Ed25519 key pair that signs conformance
 * certificates (docs/CERTIFICATE.md).  `essc keygen --out PREFIX` writes
 * the secret key to PREFIX.key and the public key to PREFIX.pub, in the text
 * formats of conformance/cert.h.  The secret file is created with
 * O_CREAT|O_EXCL and mode 0600, so it is never readable by others, not even
 * for an instant, and an existing file is never overwritten; with --force an
 * existing pair is replaced by writing temporary files (also O_EXCL, 0600)
 * and renaming them over.  Every file is fsynced, then the directory.  The
 * secret text is wiped from memory before returning.
 */
#include "cli/cli.h"
#include "conformance/cert.h"
#include "conformance/json.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Writes all of text to fd and fsyncs it; closes fd. */
static gboolean
write_sync_close (int fd, const char *path, const char *text, GError **error)
{
  gsize len = strlen (text), done = 0;
  while (done < len)
    {
      ssize_t n = write (fd, text + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int e = errno;
          close (fd);
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "%s: %s", path,
                       g_strerror (e));
          return FALSE;
        }
      done += (gsize) n;
    }
  if (fsync (fd) != 0 || close (fd) != 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "%s: %s", path,
                   g_strerror (e));
      return FALSE;
    }
  return TRUE;
}

/* Creates path (which must not exist) with mode and writes text to it. */
static gboolean
create_new (const char *path, const char *text, mode_t mode, GError **error)
{
  int fd = open (path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOCTTY, mode);
  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "%s: %s%s", path,
                   g_strerror (e), e == EEXIST ? " (use --force to replace it)" : "");
      return FALSE;
    }
  if (!write_sync_close (fd, path, text, error))
    {
      unlink (path);
      return FALSE;
    }
  return TRUE;
}

/* Writes text to a new temporary file beside path; returns its name. */
static char *
create_temp (const char *path, const char *text, mode_t mode, GError **error)
{
  char *tmp = g_strconcat (path, ".tmp-XXXXXX", NULL);
  int fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, (int) mode);
  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "%s: %s", tmp,
                   g_strerror (e));
      g_free (tmp);
      return NULL;
    }
  if (!write_sync_close (fd, tmp, text, error))
    {
      unlink (tmp);
      g_free (tmp);
      return NULL;
    }
  return tmp;
}

/* fsyncs the directory holding path, so that the new names are durable. */
static gboolean
sync_dir (const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || (fsync (fd) != 0 && errno != EINVAL))
    {
      int e = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "%s: %s", dir,
                   g_strerror (e));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* Writes both files; on failure leaves no file of its own behind. */
static gboolean
write_pair (const char *key_path, const char *pub_path, const char *secret, const char *public,
            gboolean force, GError **error)
{
  if (!force)
    {
      /* The .pub is checked first so that a refusal creates nothing. */
      if (g_file_test (pub_path, G_FILE_TEST_EXISTS)
          || g_file_test (pub_path, G_FILE_TEST_IS_SYMLINK))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                       "%s: File exists (use --force to replace it)", pub_path);
          return FALSE;
        }
      if (!create_new (key_path, secret, 0600, error))
        return FALSE;
      if (!create_new (pub_path, public, 0644, error))
        {
          unlink (key_path);
          return FALSE;
        }
      return sync_dir (key_path, error);
    }
  g_autofree char *key_tmp = create_temp (key_path, secret, 0600, error);
  if (key_tmp == NULL)
    return FALSE;
  g_autofree char *pub_tmp = create_temp (pub_path, public, 0644, error);
  if (pub_tmp == NULL)
    {
      unlink (key_tmp);
      return FALSE;
    }
  if (rename (key_tmp, key_path) != 0 || rename (pub_tmp, pub_path) != 0)
    {
      int e = errno;
      unlink (key_tmp);
      unlink (pub_tmp);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "%s: %s", key_path,
                   g_strerror (e));
      return FALSE;
    }
  return sync_dir (key_path, error);
}

/* A failure due to the path the user gave (exit 2), not to the system. */
static gboolean
path_error (int code)
{
  switch (code)
    {
    case G_FILE_ERROR_EXIST:
    case G_FILE_ERROR_NOENT:
    case G_FILE_ERROR_ACCES:
    case G_FILE_ERROR_NOTDIR:
    case G_FILE_ERROR_ISDIR:
    case G_FILE_ERROR_NAMETOOLONG:
    case G_FILE_ERROR_ROFS:
    case G_FILE_ERROR_LOOP:
      return TRUE;
    default:
      return FALSE;
    }
}

int
essc_cmd_keygen (int argc, char **argv)
{
  g_autofree char *prefix = NULL;
  gboolean force = FALSE;
  g_autoptr (GError) error = NULL;
  const GOptionEntry entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &prefix,
      "write PREFIX.key (secret, mode 0600) and PREFIX.pub", "PREFIX" },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, "replace an existing key pair", NULL },
    { NULL },
  };
  const char *summary =
      "Makes an Ed25519 key pair for signing conformance certificates\n"
      "(essc conform --sign PREFIX.key; essc cert verify CERT --pub PREFIX.pub).\n"
      "Formats: docs/CERTIFICATE.md.  Refuses to overwrite existing files\n"
      "unless --force.\n"
      "Exit status: 0 written, 2 usage error or a file that exists (without\n"
      "--force) or cannot be written, 3 internal error.";

  if (!essc_cli_parse (&argc, &argv, "keygen", "--out PREFIX", summary, entries))
    return ESSC_EXIT_USAGE;
  if (argc != 1)
    return essc_cli_usage_error ("keygen", "unexpected argument '%s'", argv[1]);
  if (prefix == NULL || prefix[0] == '\0')
    return essc_cli_usage_error ("keygen", "--out PREFIX is required");

  g_autofree char *key_path = g_strconcat (prefix, ".key", NULL);
  g_autofree char *pub_path = g_strconcat (prefix, ".pub", NULL);
  g_autoptr (ModelKeyPair) key = model_key_pair_generate ();
  char *secret = conf_cert_format_secret_key (key);
  g_autofree char *public = conf_cert_format_public_key (key);
  gboolean ok = write_pair (key_path, pub_path, secret, public, force, &error);
  sodium_memzero (secret, strlen (secret));
  g_free (secret);
  if (!ok)
    {
      fprintf (stderr, "essc keygen: %s\n", error->message);
      return path_error (error->code) ? ESSC_EXIT_USAGE : ESSC_EXIT_INTERNAL;
    }
  g_autofree char *id = base_hex_encode_dup (model_key_pair_id (key), MODEL_KEY_ID_LEN);
  printf ("wrote %s (secret key, mode 0600) and %s (public key)\nkey id %s\n", key_path,
          pub_path, id);
  return ESSC_EXIT_OK;
}
