/* SPDX-License-Identifier: MIT */
/*
 * Fixtures shared by the certificate tests (test_conf_cert.c, the library,
 * and test_conf_cert_cli.c, `essc keygen` and `essc cert`): a small
 * ConfReport with one test per chosen verdict, temporary directories removed
 * with their files, key and other files written with a given mode, and a
 * check that an error message contains a phrase.  Everything is static, so
 * each test binary gets its own copy; a failed set-up step aborts the test.
 */
#pragma once

#include "conformance/cert.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

static const char *const reqs_qr[] = { "QR-6", NULL };
static const char *const reqs_id[] = { "ID-1", "ID-2", NULL };

/* A small report with one test of each verdict in `verdicts` (up to 5). */
typedef struct {
  ConfReportVector vectors[2];
  ConfReportTest tests[5];
  ConfReport report;
  JsonObject *profile;
} Fixture;

static inline void
fixture_init (Fixture *f, const ConfReportVerdict *verdicts, gsize n)
{
  static const char *const names[] = { "qr/replay", "id/check", "pay/twice", "card/lost",
                                       "consent/expired" };
  memset (f, 0, sizeof *f);
  f->vectors[0].file = "conformance/vectors/qr.json";
  memset (f->vectors[0].blake2b, 0x11, CONF_CERT_HASH_LEN);
  f->vectors[1].file = "conformance/vectors/id.json";
  memset (f->vectors[1].blake2b, 0xa5, CONF_CERT_HASH_LEN);
  g_assert_cmpuint (n, <=, G_N_ELEMENTS (f->tests));
  for (gsize i = 0; i < n; i++)
    {
      f->tests[i].name = names[i];
      f->tests[i].requirements = i % 2 ? reqs_id : reqs_qr;
      f->tests[i].verdict = verdicts[i];
    }
  f->profile = json_object_new ();
  json_object_set_string_member (f->profile, "role", "channel");
  json_object_set_int_member (f->profile, "tier", 1);
  f->report = (ConfReport) {
    .essc_version = "9.9.9", .vectors = f->vectors, .n_vectors = 2, .profile = f->profile,
    .iut = { "essc impl --role channel", "essc reference channel", "0.1.0", "channel" },
    .started_at = ESSC_TEST_NOW, .ended_at = ESSC_TEST_NOW + 5, .tests = f->tests,
    .n_tests = n,
  };
}

static inline void
fixture_clear (Fixture *f)
{
  json_object_unref (f->profile);
}

static const ConfReportVerdict mixed[] = { CONF_REPORT_PASS, CONF_REPORT_WAIVED,
                                           CONF_REPORT_SKIP, CONF_REPORT_FAIL,
                                           CONF_REPORT_NOT_IMPLEMENTED };

static const guint8 some_id[MODEL_KEY_ID_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8 };

/* A fresh directory; removed with its files by tmpdir_remove. */
static inline char *
tmpdir_new (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("essc-cert-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

static inline void
tmpdir_remove (char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  g_free (dir);
}

static inline void
put_file (const char *path, const char *data, gssize len, int mode)
{
  g_autoptr (GError) error = NULL;
  /* CONSISTENT: GLib 2.74 writes NONE in place without truncating. */
  g_assert_true (g_file_set_contents_full (path, data, len, G_FILE_SET_CONTENTS_CONSISTENT,
                                           mode, &error));
  g_assert_no_error (error);
  g_assert_cmpint (chmod (path, mode), ==, 0);
}

/* Writes DIR/NAME.key and DIR/NAME.pub of the key of seed byte s. */
static inline ModelKeyPair *
put_key (const char *dir, const char *name, guint8 s)
{
  guint8 seed[MODEL_KEY_PAIR_SEED_LEN];
  memset (seed, s, sizeof seed);
  ModelKeyPair *key = model_key_pair_from_seed (seed);
  g_autofree char *key_path = g_strdup_printf ("%s/%s.key", dir, name);
  g_autofree char *pub_path = g_strdup_printf ("%s/%s.pub", dir, name);
  g_autofree char *secret = conf_cert_format_secret_key (key);
  g_autofree char *public = conf_cert_format_public_key (key);
  put_file (key_path, secret, -1, 0600);
  put_file (pub_path, public, -1, 0644);
  return key;
}

static inline void
assert_message (const GError *error, const char *part)
{
  g_assert_nonnull (error);
  if (strstr (error->message, part) == NULL)
    g_error ("message \"%s\" lacks \"%s\"", error->message, part);
}
