/* SPDX-License-Identifier: MIT */
/*
 * Tests of conformance certificates (conformance/cert.h): the report's
 * canonical bytes (pinned by an expected string), refusal of ill-formed
 * reports, strict key and signature file parsers, a signed round trip, and
 * tampering: every single-byte change of a certificate or its signature,
 * truncation, extension, another key, and re-signed but non-canonical
 * reports.  The tests of `essc keygen` and `essc cert` are in
 * test_conf_cert_cli.c; the fixtures both use are in conf_cert_fixture.h.
 */
#include "conformance/cert.h"
#include "conformance/json.h"
#include "tests/lib/conf_cert_fixture.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>

/* ---- the report ------------------------------------------------------------ */

static void
test_verdict_names (void)
{
  for (int v = 0; v < CONF_REPORT_N_VERDICTS; v++)
    {
      ConfReportVerdict back;
      g_assert_true (conf_report_verdict_from_name (conf_report_verdict_name (v), &back));
      g_assert_cmpint (back, ==, v);
    }
  ConfReportVerdict out = CONF_REPORT_PASS;
  g_assert_false (conf_report_verdict_from_name ("PASS", &out));
  g_assert_false (conf_report_verdict_from_name (NULL, &out));
  g_assert_cmpstr (conf_report_verdict_name (CONF_REPORT_NOT_IMPLEMENTED), ==, "not_implemented");
}

static void
test_canonical_bytes (void)
{
  static const char expected[] =
      "{\"ended_at\":\"2020-06-01T00:00:05Z\",\"essc_version\":\"9.9.9\","
      "\"iut\":{\"command\":\"essc impl --role channel\",\"name\":\"essc reference channel\","
      "\"role\":\"channel\",\"version\":\"0.1.0\"},"
      "\"profile\":{\"role\":\"channel\",\"tier\":1},"
      "\"schema\":\"essc-conformance-report/2\",\"signer\":{\"key_id\":\"0102030405060708\"},"
      "\"started_at\":\"2020-06-01T00:00:00Z\",\"suite\":\"ESSC-STD/1.1\","
      "\"summary\":{\"failed\":0,\"not_implemented\":0,\"not_run\":0,\"passed\":1,\"skipped\":0,\"waived\":1},"
      "\"tests\":[{\"name\":\"qr/replay\",\"requirements\":[\"QR-6\"],\"verdict\":\"pass\"},"
      "{\"name\":\"id/check\",\"requirements\":[\"ID-1\",\"ID-2\"],\"verdict\":\"waived\"}],"
      "\"vectors\":[{\"blake2b\":\"11111111111111111111111111111111"
      "11111111111111111111111111111111\","
      "\"file\":\"conformance/vectors/qr.json\"},"
      "{\"blake2b\":\"a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5\","
      "\"file\":\"conformance/vectors/id.json\"}],"
      "\"verdict\":\"conformant\",\"waivers_used\":[\"id/check\"]}\n";
  FxCertFixture f;
  gsize len = 0;
  g_autoptr (GError) error = NULL;

  fx_cert_init (&f, fx_cert_mixed, 2);
  g_autofree char *a = conf_report_canonical (&f.report, fx_cert_some_id, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (a, ==, expected);
  g_assert_cmpuint (len, ==, strlen (expected));
  g_autofree char *b = conf_report_canonical (&f.report, fx_cert_some_id, NULL, &error);
  g_assert_cmpstr (a, ==, b);
  /* It parses back as a well-formed report. */
  g_autoptr (JsonObject) back = conf_cert_parse (a, len, &error);
  g_assert_no_error (error);
  fx_cert_clear (&f);

  /* One failure or one not-implemented test: not conformant; skips do not count. */
  for (gsize n = 3; n <= 5; n++)
    {
      fx_cert_init (&f, fx_cert_mixed, n);
      g_autoptr (JsonNode) node = conf_report_to_json (&f.report, fx_cert_some_id, &error);
      g_assert_no_error (error);
      JsonObject *o = json_node_get_object (node);
      JsonObject *sum = json_object_get_object_member (o, "summary");
      g_assert_cmpstr (json_object_get_string_member (o, "verdict"), ==,
                       n == 3 ? "conformant" : "not conformant");
      g_assert_cmpint (json_object_get_int_member (sum, "skipped"), ==, 1);
      g_assert_cmpint (json_object_get_int_member (sum, "failed"), ==, n >= 4);
      g_assert_cmpint (json_object_get_int_member (sum, "not_implemented"), ==, n == 5);
      fx_cert_clear (&f);
    }

  /* NULL essc_version is this build's; a NULL profile is {}. */
  fx_cert_init (&f, fx_cert_mixed, 1);
  f.report.essc_version = NULL;
  f.report.profile = NULL;
  g_autoptr (JsonNode) node = conf_report_to_json (&f.report, fx_cert_some_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "essc_version"),
                   ==, ESSC_VERSION);
  g_autofree char *c = conf_report_canonical (&f.report, fx_cert_some_id, NULL, &error);
  g_assert_nonnull (strstr (c, "\"profile\":{}"));
  fx_cert_clear (&f);
}

static void
test_report_invalid (void)
{
  static const char *const spaced[] = { "QR 6", NULL };
  static const struct {
    int what;
    const char *message;
  } cases[] = {
    { 0, "tests: a report needs at least one test" },
    { 1, "tests[1].name: a second test" },
    { 2, "iut.role: expected platform" },
    { 3, "ended_at: before started_at" },
    { 4, "tests[0].name: control character at byte 2" },
    { 5, "tests[0].requirements[0]: expected 1 to" },
    { 6, "only integers" },
    { 7, "vectors[1].file: listed twice" },
    { 8, "tests[0].verdict: unknown verdict" },
    { 9, "iut.command: empty" },
    { 10, "started_at, ended_at: expected a time" },
    { 11, "iut.name: invalid UTF-8 at byte 1" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      FxCertFixture f;
      g_autoptr (GError) error = NULL;
      fx_cert_init (&f, fx_cert_mixed, 2);
      switch (cases[i].what)
        {
        case 0: f.report.n_tests = 0; break;
        case 1: f.tests[1].name = "qr/replay"; break;
        case 2: f.report.iut.role = "holder"; break;
        case 3: f.report.ended_at = f.report.started_at - 1; break;
        case 4: f.tests[0].name = "qr\x1b[2J"; break;
        case 5: f.tests[0].requirements = spaced; break;
        case 6: json_object_set_double_member (f.profile, "share", 0.5); break;
        case 7: f.vectors[1].file = f.vectors[0].file; break;
        case 8: f.tests[0].verdict = CONF_REPORT_N_VERDICTS; break;
        case 9: f.report.iut.command = ""; break;
        case 10: f.report.started_at = -1; break;
        case 11: f.report.iut.name = "x\xff"; break;
        }
      g_autofree char *text = conf_report_canonical (&f.report, fx_cert_some_id, NULL, &error);
      g_assert_null (text);
      g_assert_error (error, CONF_CERT_ERROR, MODEL_STD_MALFORMED);
      fx_cert_assert_message (error, cases[i].message);
      fx_cert_clear (&f);
    }
}

static void
test_hash_file (void)
{
  g_autofree char *dir = fx_cert_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "v.json", NULL);
  g_autofree char *fifo = g_build_filename (dir, "fifo", NULL);
  g_autoptr (GError) error = NULL;
  guint8 got[CONF_CERT_HASH_LEN], want[CONF_CERT_HASH_LEN];
  /* Larger than the read buffer, to cover more than one update. */
  g_autoptr (GString) text = g_string_new (NULL);
  for (int i = 0; i < 20000; i++)
    g_string_append_printf (text, "line %d\n", i);
  fx_cert_put_file (path, text->str, (gssize) text->len, 0644);
  crypto_generichash (want, sizeof want, (const guint8 *) text->str, text->len, NULL, 0);
  g_assert_true (conf_report_hash_file (path, got, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (got, sizeof got, want, sizeof want);

  g_autofree char *missing = g_build_filename (dir, "missing.json", NULL);
  g_assert_false (conf_report_hash_file (missing, got, &error));
  g_assert_error (error, CONF_CERT_ERROR, MODEL_STD_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (conf_report_hash_file (dir, got, &error));
  fx_cert_assert_message (error, "not a regular file");
  g_clear_error (&error);
  /* A FIFO with no writer is refused at once, never waited on. */
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_false (conf_report_hash_file (fifo, got, &error));
  fx_cert_assert_message (error, "not a regular file");
  fx_cert_tmpdir_remove (g_steal_pointer (&dir));
}

/* ---- key and signature files ------------------------------------------------ */

static void
test_key_files (void)
{
  g_autofree char *dir = fx_cert_tmpdir_new ();
  g_autoptr (ModelKeyPair) key = fx_cert_put_key (dir, "k", 0xa7);  /* hex with letters */
  g_autofree char *key_path = g_build_filename (dir, "k.key", NULL);
  g_autofree char *pub_path = g_build_filename (dir, "k.pub", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad", NULL);
  g_autoptr (GError) error = NULL;
  guint8 pk[MODEL_KEY_PAIR_PK_LEN], id[MODEL_KEY_ID_LEN];

  g_autoptr (ModelKeyPair) back = conf_cert_read_secret_key (key_path, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (model_key_pair_public (back), 32, model_key_pair_public (key), 32);
  g_assert_true (conf_cert_read_public_key (pub_path, pk, id, &error));
  g_assert_cmpmem (pk, 32, model_key_pair_public (key), 32);
  g_assert_cmpmem (id, 8, model_key_pair_id (key), 8);

  g_autofree char *good_secret = conf_cert_format_secret_key (key);
  g_autofree char *good_public = conf_cert_format_public_key (key);
  g_autofree char *seed = g_strndup (good_secret + strlen (CONF_CERT_SECRET_HEADER) + 1, 64);
  g_autofree char *pk_hex = g_strndup (good_public + strlen (CONF_CERT_PUBLIC_HEADER) + 1, 64);
  g_autofree char *upper = g_ascii_strup (seed, -1);
  /* Each file is before, then the first n characters of the seed, then after. */
  static const struct {
    const char *before;
    int n;
    const char *after, *message;
  } secret_cases[] = {
    { "essc-ed25519-public-key-v1\n", 64, "\n",
      "bad:1: expected the header 'essc-ed25519-secret-key-v1'" },
    { "essc-ed25519-secret-key-v1\n", 63, "\n",
      "bad:2: expected the seed as 64 lowercase hex digits, got 63 characters" },
    { "essc-ed25519-secret-key-v1\n", 64, "0\n",
      "bad:2: expected the seed as 64 lowercase hex digits, got 65" },
    { "essc-ed25519-secret-key-v1\n", 64, "\nextra\n",
      "bad:3: unexpected data after the last line" },
    { "essc-ed25519-secret-key-v1\n", 64, "\n\n", "bad:3: unexpected data after the last line" },
    { "essc-ed25519-secret-key-v1\n", 64, "", "bad:2: line does not end with a newline" },
    { "essc-ed25519-secret-key-v1\n", 0, "", "bad:2: missing line (expected the seed)" },
    { "essc-ed25519-secret-key-v1\r\n", 64, "\n", "bad:1: expected the header" },
    { "essc-ed25519-secret-key-v1\n", 64, "\r\n",
      "bad:2: expected the seed as 64 lowercase hex digits, got 65" },
    { "essc-ed25519-secret-key-v1\n ", 63, "\n",
      "bad:2: character 1 is not a lowercase hex digit" },
    { "", 0, "", "bad:1: missing line (expected the header)" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (secret_cases); i++)
    {
      g_autofree char *part = g_strndup (seed, (gsize) secret_cases[i].n);
      g_autofree char *text = g_strconcat (secret_cases[i].before, part, secret_cases[i].after,
                                           NULL);
      fx_cert_put_file (bad, text, -1, 0600);
      g_clear_error (&error);
      g_assert_null (conf_cert_read_secret_key (bad, &error));
      g_assert_error (error, CONF_CERT_ERROR, MODEL_STD_MALFORMED);
      fx_cert_assert_message (error, secret_cases[i].message);
    }
  /* Upper-case hex, a NUL, a file others may read, a huge file, no file. */
  g_autofree char *text = g_strdup_printf (CONF_CERT_SECRET_HEADER "\n%s\n", upper);
  fx_cert_put_file (bad, text, -1, 0600);
  g_clear_error (&error);
  g_assert_null (conf_cert_read_secret_key (bad, &error));
  fx_cert_assert_message (error, "is not a lowercase hex digit (in the seed)");
  fx_cert_put_file (bad, CONF_CERT_SECRET_HEADER "\n\0\n", 29, 0600);
  g_clear_error (&error);
  g_assert_null (conf_cert_read_secret_key (bad, &error));
  fx_cert_assert_message (error, "bad:2: contains a NUL byte");
  fx_cert_put_file (bad, good_secret, -1, 0644);
  g_clear_error (&error);
  g_assert_null (conf_cert_read_secret_key (bad, &error));
  fx_cert_assert_message (error, "mode 0644 lets others read the secret key");
  g_autofree char *huge = g_strnfill (5000, 'a');
  fx_cert_put_file (bad, huge, -1, 0600);
  g_clear_error (&error);
  g_assert_null (conf_cert_read_secret_key (bad, &error));
  fx_cert_assert_message (error, "larger than 4096 bytes");
  g_autofree char *missing = g_build_filename (dir, "none.key", NULL);
  g_clear_error (&error);
  g_assert_null (conf_cert_read_secret_key (missing, &error));
  g_assert_error (error, CONF_CERT_ERROR, MODEL_STD_NOT_FOUND);
  fx_cert_assert_message (error, "none.key");

  /* Public key: the key id line must match; the point must be valid. */
  g_autofree char *wrong_id = g_strdup_printf (CONF_CERT_PUBLIC_HEADER "\n%s\n0000000000000000\n",
                                               pk_hex);
  fx_cert_put_file (bad, wrong_id, -1, 0644);
  g_clear_error (&error);
  g_assert_false (conf_cert_read_public_key (bad, pk, id, &error));
  fx_cert_assert_message (error, "bad:3: key id does not match the public key");
  g_autofree char *zero = g_strdup_printf (CONF_CERT_PUBLIC_HEADER "\n%064d\n0000000000000000\n",
                                           0);
  fx_cert_put_file (bad, zero, -1, 0644);
  g_clear_error (&error);
  g_assert_false (conf_cert_read_public_key (bad, pk, id, &error));
  fx_cert_assert_message (error, "bad:2: not a valid Ed25519 public key");
  fx_cert_put_file (bad, good_secret, -1, 0644);
  g_clear_error (&error);
  g_assert_false (conf_cert_read_public_key (bad, pk, id, &error));
  fx_cert_assert_message (error, "bad:1: expected the header 'essc-ed25519-public-key-v1'");
  g_autofree char *short_pub = g_strndup (good_public, strlen (good_public) - 17);
  fx_cert_put_file (bad, short_pub, -1, 0644);
  g_clear_error (&error);
  g_assert_false (conf_cert_read_public_key (bad, pk, id, &error));
  fx_cert_assert_message (error, "bad:3: missing line (expected the key id)");

  /* Signature files. */
  guint8 sig[MODEL_KEY_PAIR_SIG_LEN];
  fx_cert_put_file (bad, CONF_CERT_SIG_HEADER "\n0102030405060708\nabc\n", -1, 0644);
  g_clear_error (&error);
  g_assert_false (conf_cert_read_signature (bad, id, sig, &error));
  fx_cert_assert_message (error,
                          "bad:3: expected the signature as 128 lowercase hex digits, got 3");
  fx_cert_put_file (bad, good_public, -1, 0644);
  g_clear_error (&error);
  g_assert_false (conf_cert_read_signature (bad, id, sig, &error));
  fx_cert_assert_message (error, "bad:1: expected the header 'essc-report-signature-v1'");
  fx_cert_tmpdir_remove (g_steal_pointer (&dir));
}

/* ---- signing and verifying ---------------------------------------------------- */

typedef struct {
  char *dir, *cert, *sig, *pub, *key;
  ModelKeyPair *kp;
  char *bytes;       /* the certificate as written */
  gsize len;
  char *sig_text;
} Signed;

static void
signed_init (Signed *s, gsize n_tests)
{
  FxCertFixture f;
  g_autoptr (GError) error = NULL;
  memset (s, 0, sizeof *s);
  s->dir = fx_cert_tmpdir_new ();
  s->kp = fx_cert_put_key (s->dir, "signer", 3);
  s->key = g_build_filename (s->dir, "signer.key", NULL);
  s->pub = g_build_filename (s->dir, "signer.pub", NULL);
  s->cert = g_build_filename (s->dir, "report.json", NULL);
  s->sig = conf_cert_sig_path (s->cert);
  fx_cert_init (&f, fx_cert_mixed, n_tests);
  g_assert_true (conf_cert_write (&f.report, s->key, s->cert, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (s->cert, &s->bytes, &s->len, NULL));
  g_assert_true (g_file_get_contents (s->sig, &s->sig_text, NULL, NULL));
  g_autofree char *want = conf_report_canonical (&f.report, model_key_pair_id (s->kp), NULL,
                                                 &error);
  g_assert_cmpstr (s->bytes, ==, want);
  fx_cert_clear (&f);
}

static void
signed_clear (Signed *s)
{
  fx_cert_tmpdir_remove (s->dir);
  g_free (s->cert);
  g_free (s->sig);
  g_free (s->pub);
  g_free (s->key);
  g_free (s->bytes);
  g_free (s->sig_text);
  model_key_pair_free (s->kp);
}

/* Checks bytes against s's key with a correct signature made here. */
static JsonObject *
check_resigned (Signed *s, const char *bytes, gsize len, GError **error)
{
  guint8 sig[MODEL_KEY_PAIR_SIG_LEN];
  g_autoptr (GByteArray) msg = g_byte_array_new ();
  g_byte_array_append (msg, (const guint8 *) CONF_CERT_SIGN_DOMAIN,
                       sizeof CONF_CERT_SIGN_DOMAIN);
  g_byte_array_append (msg, (const guint8 *) bytes, (guint) len);
  model_key_pair_sign (s->kp, msg->data, msg->len, sig);
  return conf_cert_check (bytes, len, model_key_pair_public (s->kp), model_key_pair_id (s->kp),
                          sig, error);
}

static void
test_round_trip (void)
{
  Signed s;
  g_autoptr (GError) error = NULL;
  JsonObject *report = NULL;
  signed_init (&s, 4);

  g_assert_true (conf_cert_verify (s.cert, s.pub, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (report, "verdict"), ==, "not conformant");
  g_assert_cmpstr (json_object_get_string_member (report, "schema"), ==, CONF_CERT_SCHEMA);
  json_object_unref (report);

  /* The signature file: header, key id, 128 hex digits. */
  g_auto (GStrv) lines = g_strsplit (s.sig_text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_cmpstr (lines[0], ==, CONF_CERT_SIG_HEADER);
  g_autofree char *id = base_hex_encode_dup (model_key_pair_id (s.kp), MODEL_KEY_ID_LEN);
  g_assert_cmpstr (lines[1], ==, id);
  g_assert_cmpuint (strlen (lines[2]), ==, 128);
  g_assert_cmpstr (lines[3], ==, "");

  /* --sig elsewhere; a missing signature file. */
  g_autofree char *moved = g_build_filename (s.dir, "moved.sig", NULL);
  g_assert_cmpint (g_rename (s.sig, moved), ==, 0);
  g_assert_false (conf_cert_verify (s.cert, s.pub, NULL, NULL, &error));
  g_assert_error (error, CONF_CERT_ERROR, MODEL_STD_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (conf_cert_verify (s.cert, s.pub, moved, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_rename (moved, s.sig), ==, 0);

  /* A secret key file others may read is refused for signing. */
  FxCertFixture f;
  fx_cert_init (&f, fx_cert_mixed, 1);
  g_assert_cmpint (chmod (s.key, 0640), ==, 0);
  g_assert_false (conf_cert_write (&f.report, s.key, s.cert, &error));
  fx_cert_assert_message (error, "lets others read the secret key");
  fx_cert_clear (&f);
  signed_clear (&s);
}

/* Every changed byte of the certificate fails: XOR 0x01 through the files,
 * and replacement by each of a few characters in memory. */
static void
test_tamper_cert (void)
{
  static const char replacements[] = { ' ', '0', 'a', '"', '}', '\n', ',' };
  Signed s;
  guint n_checked = 0;
  guint8 id[MODEL_KEY_ID_LEN], sig[MODEL_KEY_PAIR_SIG_LEN];
  signed_init (&s, 5);
  g_assert_true (conf_cert_read_signature (s.sig, id, sig, NULL));

  for (gsize i = 0; i < s.len; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *copy = g_memdup2 (s.bytes, s.len);
      copy[i] ^= 0x01;
      fx_cert_put_file (s.cert, copy, (gssize) s.len, 0644);
      g_assert_false (conf_cert_verify (s.cert, s.pub, NULL, NULL, &error));
      g_assert_error (error, CONF_CERT_ERROR, MODEL_STD_BAD_SIGNATURE);
      n_checked++;
      for (gsize r = 0; r < sizeof replacements; r++)
        {
          if (s.bytes[i] == replacements[r])
            continue;
          copy[i] = replacements[r];
          g_clear_error (&error);
          g_autoptr (JsonObject) o = conf_cert_check (copy, s.len, model_key_pair_public (s.kp),
                                                      id, sig, &error);
          g_assert_null (o);
          n_checked++;
        }
    }
  g_assert_cmpuint (n_checked, >, 7 * s.len);
  signed_clear (&s);
}

static void
test_tamper_sig (void)
{
  Signed s;
  gsize sig_len;
  signed_init (&s, 2);
  sig_len = strlen (s.sig_text);

  for (gsize i = 0; i < sig_len; i++)
    for (int variant = 0; variant < 3; variant++)
      {
        g_autoptr (GError) error = NULL;
        g_autofree char *copy = g_strdup (s.sig_text);
        if (variant == 0)
          copy[i] ^= 0x01;
        else
          copy[i] = copy[i] == "0f"[variant - 1] ? 'e' : "0f"[variant - 1];
        fx_cert_put_file (s.sig, copy, (gssize) sig_len, 0644);
        g_assert_false (conf_cert_verify (s.cert, s.pub, NULL, NULL, &error));
        g_assert_nonnull (error);
      }
  /* Truncated and extended signature files. */
  for (gsize n = 0; n < sig_len; n++)
    {
      g_autoptr (GError) error = NULL;
      fx_cert_put_file (s.sig, s.sig_text, (gssize) n, 0644);
      g_assert_false (conf_cert_verify (s.cert, s.pub, NULL, NULL, &error));
      g_assert_error (error, CONF_CERT_ERROR, MODEL_STD_MALFORMED);
    }
  g_autofree char *longer = g_strconcat (s.sig_text, "\n", NULL);
  fx_cert_put_file (s.sig, longer, -1, 0644);
  g_autoptr (GError) error = NULL;
  g_assert_false (conf_cert_verify (s.cert, s.pub, NULL, NULL, &error));
  fx_cert_assert_message (error, ":4: unexpected data after the last line");
  fx_cert_put_file (s.sig, s.sig_text, -1, 0644);
  g_clear_error (&error);
  g_assert_true (conf_cert_verify (s.cert, s.pub, NULL, NULL, &error));
  signed_clear (&s);
}

static void
test_other_key (void)
{
  Signed s;
  g_autoptr (GError) error = NULL;
  signed_init (&s, 3);
  g_autoptr (ModelKeyPair) other = fx_cert_put_key (s.dir, "other", 4);
  g_autofree char *other_pub = g_build_filename (s.dir, "other.pub", NULL);
  g_autofree char *other_key = g_build_filename (s.dir, "other.key", NULL);

  /* Another key's public key. */
  g_assert_false (conf_cert_verify (s.cert, other_pub, NULL, NULL, &error));
  g_assert_error (error, CONF_CERT_ERROR, MODEL_STD_UNKNOWN_KEY);
  fx_cert_assert_message (error, "signature: made by key");
  g_clear_error (&error);

  /* A signature by the other key that claims the signer's key id. */
  guint8 sig[MODEL_KEY_PAIR_SIG_LEN];
  g_autoptr (GByteArray) msg = g_byte_array_new ();
  g_byte_array_append (msg, (const guint8 *) CONF_CERT_SIGN_DOMAIN,
                       sizeof CONF_CERT_SIGN_DOMAIN);
  g_byte_array_append (msg, (const guint8 *) s.bytes, (guint) s.len);
  model_key_pair_sign (other, msg->data, msg->len, sig);
  g_assert_null (conf_cert_check (s.bytes, s.len, model_key_pair_public (s.kp),
                                  model_key_pair_id (s.kp), sig, &error));
  g_assert_error (error, CONF_CERT_ERROR, MODEL_STD_BAD_SIGNATURE);
  g_clear_error (&error);

  /* A report naming the signer, re-signed by the other key: signer.key_id is wrong. */
  g_assert_null (conf_cert_check (s.bytes, s.len, model_key_pair_public (other),
                                  model_key_pair_id (other), sig, &error));
  g_assert_error (error, CONF_CERT_ERROR, MODEL_STD_UNKNOWN_KEY);
  fx_cert_assert_message (error, "signer.key_id");
  g_clear_error (&error);

  /* The same report signed by the other key verifies with its key only. */
  FxCertFixture f;
  fx_cert_init (&f, fx_cert_mixed, 3);
  g_assert_true (conf_cert_write (&f.report, other_key, s.cert, &error));
  g_assert_true (conf_cert_verify (s.cert, other_pub, NULL, NULL, &error));
  g_assert_false (conf_cert_verify (s.cert, s.pub, NULL, NULL, &error));
  g_assert_error (error, CONF_CERT_ERROR, MODEL_STD_UNKNOWN_KEY);
  fx_cert_clear (&f);
  signed_clear (&s);
}

static void
test_truncate_extend (void)
{
  static const char *const tails[] = { "\n", " ", "x", "{}", "\0" };
  Signed s;
  signed_init (&s, 5);
  for (gsize n = 0; n < s.len; n++)
    {
      g_autoptr (GError) error = NULL;
      fx_cert_put_file (s.cert, s.bytes, (gssize) n, 0644);
      g_assert_false (conf_cert_verify (s.cert, s.pub, NULL, NULL, &error));
      g_assert_error (error, CONF_CERT_ERROR, MODEL_STD_BAD_SIGNATURE);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (tails); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GByteArray) b = g_byte_array_new ();
      g_byte_array_append (b, (const guint8 *) s.bytes, (guint) s.len);
      g_byte_array_append (b, (const guint8 *) tails[i], MAX (1, (guint) strlen (tails[i])));
      fx_cert_put_file (s.cert, (const char *) b->data, (gssize) b->len, 0644);
      g_assert_false (conf_cert_verify (s.cert, s.pub, NULL, NULL, &error));
      g_assert_error (error, CONF_CERT_ERROR, MODEL_STD_BAD_SIGNATURE);
    }
  /* Doubled. */
  g_autofree char *twice = g_strconcat (s.bytes, s.bytes, NULL);
  fx_cert_put_file (s.cert, twice, -1, 0644);
  g_autoptr (GError) error = NULL;
  g_assert_false (conf_cert_verify (s.cert, s.pub, NULL, NULL, &error));
  /* Not a file at all; a FIFO; too large. */
  g_clear_error (&error);
  g_assert_false (conf_cert_verify (s.dir, s.pub, s.sig, NULL, &error));
  fx_cert_assert_message (error, "not a regular file");
  g_autofree char *fifo = g_build_filename (s.dir, "fifo", NULL);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_clear_error (&error);
  g_assert_false (conf_cert_verify (fifo, s.pub, s.sig, NULL, &error));
  fx_cert_assert_message (error, "not a regular file");
  g_autofree char *big = g_build_filename (s.dir, "big.json", NULL);
  fx_cert_put_file (big, "", 0, 0644);
  g_assert_cmpint (truncate (big, CONF_CERT_MAX_BYTES + 1), ==, 0);
  g_clear_error (&error);
  g_assert_false (conf_cert_verify (big, s.pub, s.sig, NULL, &error));
  fx_cert_assert_message (error, "larger than");
  signed_clear (&s);
}

/* Re-signed reports that are not the canonical bytes of a consistent
 * report: each is refused with the reason. */
static void
test_not_canonical (void)
{
  Signed s;
  g_autoptr (GError) error = NULL;
  signed_init (&s, 5);
  g_autoptr (JsonObject) good = check_resigned (&s, s.bytes, s.len, &error);
  g_assert_no_error (error);

  /* Pretty-printed: semantically equal, not canonical. */
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), good);
  g_autofree char *pretty = conf_json_to_pretty (node);
  g_assert_null (check_resigned (&s, pretty, strlen (pretty), &error));
  g_assert_error (error, CONF_CERT_ERROR, MODEL_STD_MALFORMED);
  fx_cert_assert_message (error, "not in canonical form (first difference at byte 1");
  g_clear_error (&error);

  struct {
    const char *from, *to, *message;
  } edits[] = {
    { "\n", "", "not in canonical form" },
    { "\n", "\n\n", "not in canonical form" },
    { "{\"ended_at\"", "{ \"ended_at\"", "not in canonical form (first difference at byte 1" },
    { "\"qr/replay\"", "\"qr\\/replay\"", "not in canonical form" },
    { "\"essc_version\":\"9.9.9\"", "\"essc_version\":\"9.9.9\",\"essc_version\":\"9.9.9\"",
      "not in canonical form" },
    { "1111", "11AA", "vectors[0]: member 'blake2b': hex: character 2 is not a lowercase hex "
      "digit" },                                    /* refused before the canonical check */
    { "\"passed\":1", "\"passed\":2", "member 'summary': does not match the tests" },
    { "\"passed\":1", "\"passed\":1.0", "member 'summary': does not match the tests" },
    { "\"verdict\":\"not conformant\"", "\"verdict\":\"conformant\"",
      "member 'verdict': does not match" },
    { "\"waivers_used\":[\"id/check\"]", "\"waivers_used\":[]", "member 'waivers_used'" },
    { "\"signer\":{", "\"signer\":{\"x\":1,", "signer: unknown member \"x\"" },
    { "\"verdict\":\"fail\"}", "\"verdict\":\"fail\",\"y\":2}",
      "tests[3]: unknown member \"y\"" },
    { "/id.json\"", "/id.json\",\"z\":0", "vectors[1]: unknown member \"z\"" },
    { "{\"ended_at\"", "{\"comment\":\"hi\",\"ended_at\"", "report: unknown member \"comment\"" },
    { "essc-conformance-report/2", "essc-conformance-report/1",
      "member 'schema': expected \"essc-conformance-report/2\"" },
    { "ESSC-STD/1.1", "ESSC-STD/2.0", "member 'suite'" },
    { "2020-06-01T00:00:05Z", "2020-06-01T00:00:05+00:00", "ended_at: expected a UTC time" },
    { "2020-06-01T00:00:05Z", "2020-02-30T00:00:05Z", "ended_at: expected a UTC time" },
    { "2020-06-01T00:00:05Z", "2020-06-01T00:00:60Z", "ended_at: expected a UTC time" },
    { "2020-06-01T00:00:05Z", "2019-06-01T00:00:05Z", "ended_at: before started_at" },
    { "\"verdict\":\"skip\"", "\"verdict\":\"skipped\"", "tests[2].verdict: expected pass" },
    { "[\"QR-6\"]", "[6]", "tests[0].requirements[0]: expected a string" },
    { "\"role\":\"channel\",\"version\"", "\"role\":\"holder\",\"version\"", "iut.role" },
    { "\"name\":\"card/lost\"", "\"name\":\"qr/replay\"", "a second test of the same name" },
    { "\"tests\":[", "\"tests\":[1,", "tests[0]: expected an object" },
    /* a top-level member of another type: CONF_CERT_ERROR too, not the JSON
     * getters' CONF_JSON_ERROR (found by tests/fuzz/fuzz_cert.c) */
    { "\"verdict\":\"not conformant\"", "\"verdict\":false", "member 'verdict': expected a string" },
    { "\"schema\":\"essc-conformance-report/2\"", "\"schema\":2",
      "member 'schema': expected a string" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (edits); i++)
    {
      const char *at = strstr (s.bytes, edits[i].from);
      if (at == NULL)
        g_error ("edit %zu: '%s' not in the certificate", i, edits[i].from);
      g_autofree char *head = g_strndup (s.bytes, (gsize) (at - s.bytes));
      g_autofree char *edited = g_strconcat (head, edits[i].to, at + strlen (edits[i].from),
                                             NULL);
      g_clear_error (&error);
      g_autoptr (JsonObject) o = check_resigned (&s, edited, strlen (edited), &error);
      if (o != NULL)
        g_error ("edit %zu accepted: %s", i, edited);
      g_assert_error (error, CONF_CERT_ERROR, MODEL_STD_MALFORMED);
      fx_cert_assert_message (error, edits[i].message);
    }

  /* Hostile signed content: deep nesting, invalid UTF-8, random bytes. */
  GString *deep = g_string_new ("{\"profile\":");
  for (int i = 0; i < 10000; i++)
    g_string_append_c (deep, '[');
  g_clear_error (&error);
  g_assert_null (check_resigned (&s, deep->str, deep->len, &error));
  fx_cert_assert_message (error, "nested deeper");
  g_string_free (deep, TRUE);
  g_clear_error (&error);
  g_assert_null (check_resigned (&s, "{\"a\":\"\xff\"}", 9, &error));
  fx_cert_assert_message (error, "invalid UTF-8");
  guint32 seed = g_test_rand_int ();
  g_test_message ("random edits: seed %u", seed);
  GRand *rand = g_rand_new_with_seed (seed);
  for (int round = 0; round < 300; round++)
    {
      g_autofree char *copy = g_memdup2 (s.bytes, s.len);
      int n = g_rand_int_range (rand, 1, 4);
      for (int k = 0; k < n; k++)
        copy[g_rand_int_range (rand, 0, (gint32) s.len)] = (char) g_rand_int_range (rand, 0, 256);
      g_clear_error (&error);
      /* A change that leaves a canonical, consistent report (a letter of a
       * name) is accepted once re-signed; anything else is refused. */
      g_autoptr (JsonObject) o = check_resigned (&s, copy, s.len, &error);
      g_assert_true ((o == NULL) == (error != NULL));
    }
  g_rand_free (rand);
  signed_clear (&s);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/conf-cert/report/verdict-names", test_verdict_names);
  g_test_add_func ("/conf-cert/report/canonical-bytes", test_canonical_bytes);
  g_test_add_func ("/conf-cert/report/invalid", test_report_invalid);
  g_test_add_func ("/conf-cert/report/hash-file", test_hash_file);
  g_test_add_func ("/conf-cert/keys/strict-parsers", test_key_files);
  g_test_add_func ("/conf-cert/sign/round-trip", test_round_trip);
  g_test_add_func ("/conf-cert/tamper/every-cert-byte", test_tamper_cert);
  g_test_add_func ("/conf-cert/tamper/every-sig-byte", test_tamper_sig);
  g_test_add_func ("/conf-cert/tamper/other-key", test_other_key);
  g_test_add_func ("/conf-cert/tamper/truncate-extend", test_truncate_extend);
  g_test_add_func ("/conf-cert/tamper/not-canonical", test_not_canonical);
  return g_test_run ();
}
