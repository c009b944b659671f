/* SPDX-License-Identifier: MIT */
/*
 * essc cert: checks and shows conformance certificates (docs/CERTIFICATE.md).
 * `essc cert verify CERT --pub KEY [--sig FILE]` exits 0 only for an
 * untouched report signed by that key and prints its verdict, IUT and
 * summary; 1 when the signature, the signer or the content does not verify
 * (saying which); 2 when a file is missing, unreadable or malformed (the key
 * or signature file, or a certificate too large to be one).  `essc cert show
 * CERT` prints a well-formed report in full, without checking its signature.
 * Every string from the certificate is printed through base_text_printable,
 * so a hostile report cannot send escape sequences to the terminal.
 */
#include "cli/cli.h"

#include "base/text.h"
#include "conformance/cert.h"
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

static int
cmd_verify (int argc, char **argv)
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
      "the detached signature file (default: CERT.sig)", "FILE" },
    { NULL },
  };
  const char *summary =
      "Verifies a conformance certificate: the signature over its exact bytes,\n"
      "made by the key of --pub, and its content (a canonical report of schema\n"
      "essc-conformance-report/1).  Exit 0: verified; 1: it does not verify;\n"
      "2: a file is missing, unreadable or malformed.";

  if (!essc_cli_parse (&argc, &argv, "cert verify", "CERT --pub KEY", summary, entries))
    return ESSC_EXIT_USAGE;
  if (argc != 2)
    return essc_cli_usage_error ("cert verify", "expected one CERT, got %d arguments", argc - 1);
  if (pub_path == NULL)
    return essc_cli_usage_error ("cert verify", "--pub KEY is required");
  const char *cert_path = argv[1];
  g_autofree char *sig_path = sig_arg ? g_strdup (sig_arg) : conf_cert_sig_path (cert_path);

  g_autofree char *cert = NULL;
  if (!conf_cert_read_public_key (pub_path, pk, pk_id, &error)
      || !conf_cert_read_signature (sig_path, sig_id, sig, &error)
      || (cert = conf_cert_load (cert_path, &len, &error)) == NULL)
    {
      g_autofree char *message = printable_message (error);
      fprintf (stderr, "essc cert verify: %s\n", message);
      return ESSC_EXIT_USAGE;
    }
  g_autofree char *shown_path = base_text_printable (cert_path, strlen (cert_path), 200);
  g_autoptr (JsonObject) report = conf_cert_check (cert, len, pk, sig_id, sig, &error);
  if (report == NULL)
    {
      g_autofree char *message = printable_message (error);
      printf ("%s: NOT VERIFIED (%s): %s\n", shown_path,
              model_std_code_name ((ModelStdCode) error->code), message);
      return ESSC_EXIT_FAILED;
    }
  g_autofree char *id = base_hex_encode_dup (pk_id, sizeof pk_id);
  printf ("%s: verified, signed by key %s\n", shown_path, id);
  print_summary (report);
  return ESSC_EXIT_OK;
}

static int
cmd_show (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  const char *summary =
      "Prints a conformance report in full.  Checks its form, NOT its signature:\n"
      "use 'essc cert verify' for that.  Exit 2 when it is not a well-formed report.";

  if (!essc_cli_parse (&argc, &argv, "cert show", "CERT", summary, NULL))
    return ESSC_EXIT_USAGE;
  if (argc != 2)
    return essc_cli_usage_error ("cert show", "expected one CERT, got %d arguments", argc - 1);
  g_autofree char *cert = conf_cert_load (argv[1], &len, &error);
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
  if (argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    {
      printf ("Usage: essc cert verify CERT --pub KEY [--sig FILE]\n"
              "       essc cert show CERT\n"
              "\n"
              "Checks (verify) or prints (show) a signed conformance certificate\n"
              "written by 'essc conform --sign KEY --cert CERT' (docs/CERTIFICATE.md).\n"
              "'essc cert verify --help' for its options.\n");
      return ESSC_EXIT_OK;
    }
  if (argc < 2)
    return essc_cli_usage_error ("cert", "expected 'verify' or 'show'");
  g_autofree char *shown = base_text_printable (argv[1], strlen (argv[1]), 64);
  return essc_cli_usage_error ("cert", "unknown subcommand '%s' (expected verify or show)", shown);
}
