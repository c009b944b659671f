/* SPDX-License-Identifier: MIT */
/*
 * The certificate tests' fixtures (see conf_cert_fixture.h).
 */
#include "tests/lib/conf_cert_fixture.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

static const char *const reqs_qr[] = { "QR-6", NULL };
static const char *const reqs_id[] = { "ID-1", "ID-2", NULL };

void
fx_cert_init (FxCertFixture *f, const ConfReportVerdict *verdicts, gsize n)
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

void
fx_cert_clear (FxCertFixture *f)
{
  json_object_unref (f->profile);
}

const ConfReportVerdict fx_cert_mixed[5] = { CONF_REPORT_PASS, CONF_REPORT_WAIVED,
                                           CONF_REPORT_SKIP, CONF_REPORT_FAIL,
                                           CONF_REPORT_NOT_IMPLEMENTED };

const guint8 fx_cert_some_id[MODEL_KEY_ID_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8 };

/* A fresh directory; removed with its files by fx_cert_tmpdir_remove. */
char *
fx_cert_tmpdir_new (void)
{
  return essc_test_make_tmpdir ("essc-cert-XXXXXX");
}

void
fx_cert_tmpdir_remove (char *dir)
{
  g_assert_true (essc_test_remove_dir (dir));
  g_free (dir);
}

void
fx_cert_put_file (const char *path, const char *data, gssize len, int mode)
{
  g_autoptr (GError) error = NULL;
  /* CONSISTENT: GLib 2.74 writes NONE in place without truncating. */
  g_assert_true (g_file_set_contents_full (path, data, len, G_FILE_SET_CONTENTS_CONSISTENT,
                                           mode, &error));
  g_assert_no_error (error);
  g_assert_cmpint (chmod (path, mode), ==, 0);
}

/* Writes DIR/NAME.key and DIR/NAME.pub of the key of seed byte s. */
ModelKeyPair *
fx_cert_put_key (const char *dir, const char *name, guint8 s)
{
  guint8 seed[MODEL_KEY_PAIR_SEED_LEN];
  memset (seed, s, sizeof seed);
  ModelKeyPair *key = model_key_pair_from_seed (seed);
  g_autofree char *key_path = g_strdup_printf ("%s/%s.key", dir, name);
  g_autofree char *pub_path = g_strdup_printf ("%s/%s.pub", dir, name);
  g_autofree char *secret = conf_cert_format_secret_key (key);
  g_autofree char *public = conf_cert_format_public_key (key);
  fx_cert_put_file (key_path, secret, -1, 0600);
  fx_cert_put_file (pub_path, public, -1, 0644);
  return key;
}

void
fx_cert_assert_message (const GError *error, const char *part)
{
  g_assert_nonnull (error);
  if (strstr (error->message, part) == NULL)
    g_error ("message \"%s\" lacks \"%s\"", error->message, part);
}
