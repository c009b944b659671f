/* SPDX-License-Identifier: MIT */
/*
 * essc cert: checks and shows the signed documents of docs/CERTIFICATE.md.
 * `essc cert verify CERT --pub KEY [--feed FEED] [--at TIME]` exits 0 only
 * for a valid certificate: untouched, issued by that key, conformant,
 * inside its validity and (with a feed) neither revoked nor for a channel
 * suspended or terminated; else 1 with the reason on one line; 2 when a
 * file is missing, unreadable or malformed.  `essc cert check-report`
 * checks a signed conformance report (exit 0 only when authentic and
 * conformant), and `essc cert show` prints either document without
 * checking its signature.  Every string from a document is printed through
 * base_text_printable, so a hostile one cannot send escape sequences to the
 * terminal.
 */
#include "cli/cli.h"

#include "base/text.h"
#include "base/hex.h"
#include "base/time.h"
#include "conformance/cert.h"
#include "conformance/certificate.h"
#include "conformance/json.h"

#include <stdio.h>
#include <string.h>

/* A member's string, printable (members are known present: the report parsed). */
static char *
str (JsonObject *o, const char *member)
{
  const char *s = json_object_get_string_member (o, member);
  return base_text_printable (s, strlen (s), 200);
}

/* An error message, which may quote a file name or JSON text, made printable. */
static char *
printable_message (const GError *error)
{
  return base_text_printable (error->message, strlen (error->message), 600);
}

static gint64
num (JsonObject *o, const char *member)
{
  return json_object_get_int_member (o, member);
}

/* The lines verify and show share: verdict, IUT, run, summary. */
static void
print_summary (JsonObject *report)
{
  JsonObject *iut = json_object_get_object_member (report, "iut");
  JsonObject *sum = json_object_get_object_member (report, "summary");
  g_autofree char *verdict = str (report, "verdict");
  g_autofree char *name = str (iut, "name"), *version = str (iut, "version");
  g_autofree char *role = str (iut, "role"), *command = str (iut, "command");
  g_autofree char *suite = str (report, "suite"), *essc = str (report, "essc_version");
  g_autofree char *started = str (report, "started_at"), *ended = str (report, "ended_at");

  printf ("verdict: %s\n", verdict);
  printf ("iut:     %s %s (role %s)\n", name, version, role);
  printf ("command: %s\n", command);
  printf ("suite:   %s, run by essc %s from %s to %s\n", suite, essc, started, ended);
  printf ("summary: %" G_GINT64_FORMAT " passed, %" G_GINT64_FORMAT " failed, %" G_GINT64_FORMAT
          " skipped, %" G_GINT64_FORMAT " not implemented, %" G_GINT64_FORMAT " waived\n",
          num (sum, "passed"), num (sum, "failed"), num (sum, "skipped"),
          num (sum, "not_implemented"), num (sum, "waived"));
}

/* The certificate's lines: subject, validity, issuer, the run it certifies. */
static void
print_certificate (JsonObject *cert)
{
  JsonObject *subject = json_object_get_object_member (cert, "subject");
  JsonObject *report = json_object_get_object_member (cert, "report");
  JsonObject *iut = json_object_get_object_member (report, "iut");
  JsonObject *sum = json_object_get_object_member (report, "summary");
  JsonObject *issuer = json_object_get_object_member (cert, "issuer");
  JsonObject *suite = json_object_get_object_member (cert, "suite");
  g_autofree char *id = str (subject, "channel_id"), *name = str (subject, "name");
  g_autofree char *klass = str (subject, "class"), *parent = str (subject, "parent_id");
  g_autofree char *pk = str (subject, "public_key"), *role = str (cert, "role");
  g_autofree char *nb = str (cert, "not_before"), *na = str (cert, "not_after");
  g_autofree char *iname = str (issuer, "name"), *ikey = str (issuer, "key_id");
  g_autofree char *standard = str (cert, "standard"), *essc = str (suite, "essc_version");
  g_autofree char *vh = str (suite, "vectors_blake2b"), *rh = str (report, "blake2b");
  g_autofree char *iut_name = str (iut, "name"), *iut_version = str (iut, "version");
  g_autofree char *verdict = str (cert, "verdict");

  printf ("serial:   %" G_GINT64_FORMAT "\n", num (cert, "serial"));
  printf ("subject:  %s %s (class %s, tier %" G_GINT64_FORMAT "%s%s), role %s\n", id, name,
          klass, num (subject, "tier"), *parent ? ", parent " : "", parent, role);
  printf ("key:      %s\n", pk);
  printf ("valid:    %s to %s\n", nb, na);
  printf ("issuer:   %s (key %s)\n", iname, ikey);
  printf ("verdict:  %s: %s %s passed the %s suite of essc %s\n", verdict, iut_name,
          iut_version, standard, essc);
  printf ("summary:  %" G_GINT64_FORMAT " passed, %" G_GINT64_FORMAT " failed, %" G_GINT64_FORMAT
          " skipped, %" G_GINT64_FORMAT " not implemented, %" G_GINT64_FORMAT " waived, %"
          G_GINT64_FORMAT " not run\n", num (sum, "passed"), num (sum, "failed"),
          num (sum, "skipped"), num (sum, "not_implemented"), num (sum, "waived"),
          num (sum, "not_run"));
  printf ("report:   blake2b %s\n", rh);
  printf ("vectors:  blake2b %s\n", vh);
  JsonArray *waivers = json_object_get_array_member (cert, "waivers");
  printf ("waivers:  %u\n", json_array_get_length (waivers));
  for (guint i = 0; i < json_array_get_length (waivers); i++)
    {
      JsonObject *w = json_array_get_object_element (waivers, i);
      g_autofree char *test = str (w, "test"), *reason = str (w, "reason");
      printf ("  %s: %s\n", test, reason);
    }
}

static int
cmd_verify (int argc, char **argv)
{
  g_autofree char *pub_path = NULL, *sig_path = NULL, *feed_path = NULL, *at_text = NULL;
  g_autoptr (GError) error = NULL;
  const GOptionEntry entries[] = {
    { "pub", 0, 0, G_OPTION_ARG_FILENAME, &pub_path,
      "the issuer's public key file (PREFIX.pub of essc keygen)", "KEY" },
    { "sig", 0, 0, G_OPTION_ARG_FILENAME, &sig_path,
      "the detached signature file (default: CERT.sig)", "FILE" },
    { "feed", 0, 0, G_OPTION_ARG_FILENAME, &feed_path,
      "the registry's signed feed (FEED.sig beside it): refuse a revoked certificate or a "
      "channel suspended or terminated", "FEED" },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at_text,
      "check validity at this time instead of now", "YYYY-MM-DDTHH:MM:SSZ" },
    { NULL },
  };
  const char *summary =
      "Verifies a certificate issued by a registry (docs/CERTIFICATE.md): the\n"
      "signature over its exact bytes by the key of --pub, its content, a\n"
      "conformant verdict, the time inside its validity, and with --feed that\n"
      "it is not revoked and its channel neither suspended nor terminated.\n"
      "Exit status: 0 valid; 1 not valid, the reason on one line (unknown_key,\n"
      "bad_signature, not_a_certificate, malformed, not_conformant,\n"
      "not_yet_valid, expired, feed_invalid, revoked, channel_not_live);\n"
      "2 a file is missing, unreadable or malformed, or a usage error.";

  if (!essc_cli_parse (&argc, &argv, "cert verify", "CERT --pub KEY", summary, entries))
    return ESSC_EXIT_USAGE;
  if (argc != 2)
    return essc_cli_usage_error ("cert verify", "expected one CERT, got %d arguments", argc - 1);
  if (pub_path == NULL)
    return essc_cli_usage_error ("cert verify", "--pub KEY is required");
  gint64 at = g_get_real_time () / G_USEC_PER_SEC;
  if (at_text != NULL && (base_time_parse_utc (at_text, &at, NULL) != BASE_TIME_OK || at < 0))
    return essc_cli_usage_error ("cert verify", "--at: expected a UTC time "
                                 "YYYY-MM-DDTHH:MM:SSZ");
  const char *cert_path = argv[1];
  g_autofree char *shown_path = base_text_printable (cert_path, strlen (cert_path), 200);
  g_autoptr (JsonObject) cert = conf_certificate_verify (cert_path, sig_path, pub_path,
                                                         feed_path, at, &error);
  if (cert == NULL)
    {
      g_autofree char *message = printable_message (error);
      if (error->code == CONF_CERTIFICATE_INPUT)
        {
          fprintf (stderr, "essc cert verify: %s\n", message);
          return ESSC_EXIT_USAGE;
        }
      printf ("NOT VALID (%s): %s\n",
              conf_certificate_reason ((ConfCertificateError) error->code), message);
      fflush (stdout);
      fprintf (stderr, "essc cert verify: NOT VALID (%s): %s\n",
               conf_certificate_reason ((ConfCertificateError) error->code), message);
      return ESSC_EXIT_FAILED;
    }
  printf ("%s: VALID certificate%s\n", shown_path, feed_path ? ", not revoked in the feed" : "");
  print_certificate (cert);
  return ESSC_EXIT_OK;
}

static int
cmd_check_report (int argc, char **argv)
{
  g_autofree char *pub_path = NULL, *sig_arg = NULL;
  g_autoptr (GError) error = NULL;
  guint8 pk[MODEL_KEY_PAIR_PK_LEN], pk_id[MODEL_KEY_ID_LEN];
  guint8 sig_id[MODEL_KEY_ID_LEN], sig[MODEL_KEY_PAIR_SIG_LEN];
  gsize len = 0;
  const GOptionEntry entries[] = {
    { "pub", 0, 0, G_OPTION_ARG_FILENAME, &pub_path,
      "the signer's public key file (PREFIX.pub of essc keygen)", "KEY" },
    { "sig", 0, 0, G_OPTION_ARG_FILENAME, &sig_arg,
      "the detached signature file (default: REPORT.sig)", "FILE" },
    { NULL },
  };
  const char *summary =
      "Checks that a signed conformance report (essc conform --sign KEY --report\n"
      "FILE) is authentic: the signature over its exact bytes by the key of --pub\n"
      "and its content.  A report is the record of one run, whatever its verdict:\n"
      "it is not a certificate (see 'essc cert verify').\n"
      "Exit status: 0 authentic and conformant; 1 not authentic, or authentic\n"
      "but not conformant (the verdict is printed); 2 a file is missing,\n"
      "unreadable or malformed, or a usage error.";

  if (!essc_cli_parse (&argc, &argv, "cert check-report", "REPORT --pub KEY", summary, entries))
    return ESSC_EXIT_USAGE;
  if (argc != 2)
    return essc_cli_usage_error ("cert check-report", "expected one REPORT, got %d arguments",
                                 argc - 1);
  if (pub_path == NULL)
    return essc_cli_usage_error ("cert check-report", "--pub KEY is required");
  const char *path = argv[1];
  g_autofree char *sig_path = sig_arg ? g_strdup (sig_arg) : conf_cert_sig_path (path);
  g_autofree char *bytes = NULL;
  if (!conf_cert_read_public_key (pub_path, pk, pk_id, &error)
      || !conf_cert_read_signature (sig_path, sig_id, sig, &error)
      || (bytes = conf_cert_load (path, &len, &error)) == NULL)
    {
      g_autofree char *message = printable_message (error);
      fprintf (stderr, "essc cert check-report: %s\n", message);
      return ESSC_EXIT_USAGE;
    }
  g_autofree char *shown_path = base_text_printable (path, strlen (path), 200);
  g_autoptr (JsonObject) report = conf_cert_check (bytes, len, pk, sig_id, sig, &error);
  if (report == NULL)
    {
      g_autofree char *message = printable_message (error);
      printf ("%s: NOT VERIFIED (%s): %s\n", shown_path,
              model_std_code_name ((ModelStdCode) error->code), message);
      return ESSC_EXIT_FAILED;
    }
  g_autofree char *id = base_hex_encode_dup (pk_id, sizeof pk_id);
  printf ("%s: authentic conformance report, signed by key %s\n", shown_path, id);
  print_summary (report);
  gboolean conformant = strcmp (json_object_get_string_member (report, "verdict"),
                                "conformant") == 0;
  return conformant ? ESSC_EXIT_OK : ESSC_EXIT_FAILED;
}

static int
cmd_show (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  const char *summary =
      "Prints a certificate or a conformance report in full.  Checks its form, NOT\n"
      "its signature: use 'essc cert verify' (certificates) or 'essc cert\n"
      "check-report' (reports) for that.\n"
      "Exit status: 0 shown, 2 a file that is neither, well formed (or is\n"
      "unreadable), or a usage error.";

  if (!essc_cli_parse (&argc, &argv, "cert show", "CERT", summary, NULL))
    return ESSC_EXIT_USAGE;
  if (argc != 2)
    return essc_cli_usage_error ("cert show", "expected one CERT, got %d arguments", argc - 1);
  g_autofree char *cert = conf_cert_load (argv[1], &len, &error);
  g_autoptr (GError) as_certificate = NULL;
  g_autoptr (JsonObject) certificate = cert ? conf_certificate_parse (cert, len, &as_certificate)
                                            : NULL;
  if (certificate != NULL)
    {
      g_autofree char *shown_path = base_text_printable (argv[1], strlen (argv[1]), 200);
      printf ("%s: certificate (signature not checked)\n", shown_path);
      print_certificate (certificate);
      return ESSC_EXIT_OK;
    }
  g_autoptr (JsonObject) report = cert ? conf_cert_parse (cert, len, &error) : NULL;
  if (report == NULL)
    {
      g_autofree char *message = printable_message (error);
      g_autofree char *shown = base_text_printable (argv[1], strlen (argv[1]), 200);
      fprintf (stderr, "essc cert show: %s%s%s\n", cert ? shown : "", cert ? ": " : "", message);
      return ESSC_EXIT_USAGE;
    }

  g_autofree char *shown_path = base_text_printable (argv[1], strlen (argv[1]), 200);
  g_autofree char *key_id = str (json_object_get_object_member (report, "signer"), "key_id");
  printf ("%s: conformance report, signed by key %s (signature not checked)\n", shown_path,
          key_id);
  print_summary (report);
  g_autoptr (JsonNode) profile = json_node_init_object (
      json_node_alloc (), json_object_get_object_member (report, "profile"));
  g_autofree char *profile_text = conf_json_canonical (profile, NULL);
  g_autofree char *profile_shown = base_text_printable (profile_text, strlen (profile_text), 400);
  printf ("profile: %s\n", profile_shown);

  JsonArray *vectors = json_object_get_array_member (report, "vectors");
  printf ("vectors: %u\n", json_array_get_length (vectors));
  for (guint i = 0; i < json_array_get_length (vectors); i++)
    {
      JsonObject *v = json_array_get_object_element (vectors, i);
      g_autofree char *hash = str (v, "blake2b"), *file = str (v, "file");
      printf ("  %s  %s\n", hash, file);
    }
  JsonArray *tests = json_object_get_array_member (report, "tests");
  printf ("tests: %u\n", json_array_get_length (tests));
  for (guint i = 0; i < json_array_get_length (tests); i++)
    {
      JsonObject *t = json_array_get_object_element (tests, i);
      JsonArray *reqs = json_object_get_array_member (t, "requirements");
      g_autoptr (GString) ids = g_string_new (NULL);
      for (guint k = 0; k < json_array_get_length (reqs); k++)
        g_string_append_printf (ids, "%s%s", k ? "," : "", json_array_get_string_element (reqs, k));
      g_autofree char *verdict = str (t, "verdict"), *name = str (t, "name");
      g_autofree char *ids_shown = base_text_printable (ids->str, ids->len, 60);
      printf ("  %-15s %-20s %s\n", verdict, ids_shown, name);
    }
  JsonArray *waivers = json_object_get_array_member (report, "waivers_used");
  printf ("waivers used: %u\n", json_array_get_length (waivers));
  for (guint i = 0; i < json_array_get_length (waivers); i++)
    {
      const char *w = json_array_get_string_element (waivers, i);
      g_autofree char *shown = base_text_printable (w, strlen (w), 200);
      printf ("  %s\n", shown);
    }
  return ESSC_EXIT_OK;
}

int
essc_cmd_cert (int argc, char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "verify") == 0)
    return cmd_verify (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "show") == 0)
    return cmd_show (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "check-report") == 0)
    return cmd_check_report (argc - 1, argv + 1);
  if (argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    {
      printf ("Usage: essc cert verify CERT --pub KEY [--sig FILE] [--feed FEED] [--at TIME]\n"
              "       essc cert check-report REPORT --pub KEY [--sig FILE]\n"
              "       essc cert show FILE\n"
              "\n"
              "verify: is this certificate (issued by 'essc registry certify') valid now?\n"
              "check-report: is this signed conformance report ('essc conform --sign KEY\n"
              "--report FILE') authentic, and conformant?  show: print either in full.\n"
              "docs/CERTIFICATE.md describes the documents; 'essc cert verify --help'.\n"
              "\n"
              "Exit status: 0 valid, authentic and conformant, or shown; 1 not valid,\n"
              "not authentic or not conformant; 2 a file is missing, unreadable or\n"
              "malformed, or a usage error.\n");
      return ESSC_EXIT_OK;
    }
  if (argc < 2)
    return essc_cli_usage_error ("cert", "expected 'verify', 'check-report' or 'show'");
  g_autofree char *shown = base_text_printable (argv[1], strlen (argv[1]), 64);
  return essc_cli_usage_error ("cert", "unknown subcommand '%s' (expected verify, check-report "
                               "or show)", shown);
}
