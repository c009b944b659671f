/* SPDX-License-Identifier: MIT */
/*
 * essc registry: the standards body's registry of channels and their
 * certification life cycle (docs/REGISTRY.md): `essc registry SUB --db FILE
 * ...` with SUB one of init, apply, test, certify, renew, rectify, suspend,
 * reinstate, terminate, revoke, list, show, check, publish, token (its
 * subcommands are cli/cmd_registry_token.c).  Every
 * subcommand takes --now (the time recorded; default the clock) and --actor
 * (who is recorded in the history).  This file parses options, calls
 * registry/ and prints; the rules live in registry/lifecycle.c.
 *
 * Exit status: 0 done; 1 refused by the rules (the status machine, a report
 * that does not qualify, a waiver not accepted, an expired certificate),
 * `test` of a non-conformant implementation, or `check` of a damaged
 * registry; 2 usage or input error, a damaged or foreign database, an
 * implementation that cannot start; 3 a write that failed.
 */
#include "cli/cli.h"
#include "cli/registry_cli.h"

#include "base/file.h"
#include "base/hex.h"
#include "base/proc.h"
#include "base/text.h"
#include "base/time.h"
#include "conformance/json.h"
#include "conformance/transcript.h"
#include "registry/change.h"
#include "registry/check.h"
#include "registry/lifecycle.h"
#include "registry/publish.h"
#include "registry/token.h"

#include <stdio.h>
#include <string.h>

/* ---- the options every subcommand has ---------------------------------------- */

typedef RegCliCommon Common;

static void
common_clear (Common *c)
{
  g_free (c->db);
  g_free (c->now);
  g_free (c->actor);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Common, common_clear)

/* entries followed by the common ones. */
static GOptionEntry *
with_common (const GOptionEntry *entries, Common *c)
{
  const GOptionEntry common[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &c->db, "the registry's database (required)", "FILE" },
    { "now", 0, 0, G_OPTION_ARG_STRING, &c->now,
      "the time to record and judge by (default: the clock)", "YYYY-MM-DDTHH:MM:SSZ" },
    { "actor", 0, 0, G_OPTION_ARG_STRING, &c->actor,
      "who is recorded in the history (default: registry)", "NAME" },
  };
  gsize n = 0;
  while (entries != NULL && entries[n].long_name != NULL)
    n++;
  GOptionEntry *all = g_new0 (GOptionEntry, n + G_N_ELEMENTS (common) + 1);
  if (n > 0)
    memcpy (all, entries, n * sizeof *all);
  memcpy (all + n, common, sizeof common);
  return all;
}

static int
fail_msg (const char *sub, const char *msg)
{
  g_autofree char *shown = base_text_printable (msg, strlen (msg), 1000);
  fprintf (stderr, "essc registry %s: %s\n", sub, shown);
  return ESSC_EXIT_USAGE;
}

/* Prints error and returns its exit status. */
static int
report_error (const char *sub, const GError *error)
{
  fail_msg (sub, error->message);
  if (error->domain != REG_ERROR)
    return ESSC_EXIT_USAGE;
  switch ((RegErrorCode) error->code)
    {
    case REG_ERROR_REFUSED: return ESSC_EXIT_FAILED;
    case REG_ERROR_INTERNAL: return ESSC_EXIT_INTERNAL;
    case REG_ERROR_INPUT:
    case REG_ERROR_DAMAGED:
    case REG_ERROR_IUT:
    default: return ESSC_EXIT_USAGE;
    }
}

/*
 * Parses argv with entries and the common options; checks --db and --now
 * and fills ctx.  FALSE (the caller exits 2) after printing the error.
 */
static gboolean
parse (int *argc, char ***argv, const char *sub, const char *parameter, const char *summary,
       const GOptionEntry *entries, Common *c, RegCtx *ctx)
{
  g_autofree GOptionEntry *all = with_common (entries, c);
  g_autofree char *name = g_strdup_printf ("registry %s", sub);
  if (!essc_cli_parse (argc, argv, name, parameter, summary, all))
    return FALSE;
  if (*argc > 1)
    {
      essc_cli_usage_error (name, "unexpected argument '%s'", (*argv)[1]);
      return FALSE;
    }
  if (c->db == NULL)
    {
      essc_cli_usage_error (name, "--db FILE is required");
      return FALSE;
    }
  ctx->db_path = c->db;
  ctx->actor = c->actor ? c->actor : "registry";
  ctx->now = g_get_real_time () / G_USEC_PER_SEC;
  if (c->now != NULL)
    {
      gsize at = 0;
      BaseTimeFault f = base_time_parse_utc (c->now, &ctx->now, &at);
      if (f != BASE_TIME_OK || ctx->now < 0)
        {
          essc_cli_usage_error (name, "--now: expected YYYY-MM-DDTHH:MM:SSZ after 1970 (%s at "
                                "byte %zu)", f == BASE_TIME_OK ? "before 1970"
                                                               : base_time_fault_name (f), at);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
need (const char *sub, const char *value, const char *option)
{
  if (value != NULL && *value != '\0')
    return TRUE;
  g_autofree char *name = g_strdup_printf ("registry %s", sub);
  essc_cli_usage_error (name, "%s is required", option);
  return FALSE;
}

static char *
utc (gint64 t)
{
  char buf[BASE_TIME_UTC_SIZE];
  base_time_format_utc (t, buf);
  return g_strdup (buf);
}

/* Untrusted text for the terminal. */
static char *
shown (const char *s)
{
  return base_text_printable (s, strlen (s), 200);
}

/* ---- what cli/cmd_registry_token.c shares (registry_cli.h) ------------------- */

void
reg_cli_common_clear (RegCliCommon *c)
{
  common_clear (c);
}

gboolean
reg_cli_parse (int *argc, char ***argv, const char *sub, const char *parameter,
               const char *summary, const GOptionEntry *entries, RegCliCommon *c, RegCtx *ctx)
{
  return parse (argc, argv, sub, parameter, summary, entries, c, ctx);
}

gboolean
reg_cli_need (const char *sub, const char *value, const char *option)
{
  return need (sub, value, option);
}

int
reg_cli_error (const char *sub, const GError *error)
{
  return report_error (sub, error);
}

char *
reg_cli_utc (gint64 t)
{
  return utc (t);
}

char *
reg_cli_shown (const char *s)
{
  return shown (s);
}

/* ---- init ------------------------------------------------------------------- */

static int
cmd_init (int argc, char **argv)
{
  g_auto (Common) c = { 0 };
  g_autofree char *name = NULL, *pub = NULL;
  RegCtx ctx;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "the certifying body's name", "NAME" },
    { "pub", 0, 0, G_OPTION_ARG_FILENAME, &pub,
      "its public key (essc keygen's PREFIX.pub): certificates, reports and feeds are signed "
      "with the matching secret key", "ISSUER.pub" },
    { NULL },
  };
  if (!parse (&argc, &argv, "init", "--db FILE --name NAME --pub ISSUER.pub",
              "Creates a registry: its tables and the first entry of its history. An\n"
              "existing file is never replaced (exit 2, nothing written).", entries, &c, &ctx)
      || !need ("init", name, "--name") || !need ("init", pub, "--pub"))
    return ESSC_EXIT_USAGE;
  g_autoptr (GError) error = NULL;
  if (!reg_init (&ctx, name, pub, &error))
    return report_error ("init", error);
  g_autofree char *n = shown (name);
  printf ("created registry %s of %s\n", c.db, n);
  return ESSC_EXIT_OK;
}

/* ---- apply ------------------------------------------------------------------- */

static int
cmd_apply (int argc, char **argv)
{
  g_auto (Common) c = { 0 };
  g_autofree char *id = NULL, *name = NULL, *klass = NULL, *parent = NULL, *pub = NULL;
  g_autofree char *role = NULL, *impl = NULL, *profile = NULL;
  gint tier = 0;
  RegCtx ctx;
  const GOptionEntry entries[] = {
    { "id", 0, 0, G_OPTION_ARG_STRING, &id, "the channel id (CH and 6 digits)", "ID" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "its name (UTF-8, 1..64 bytes)", "NAME" },
    { "class", 0, 0, G_OPTION_ARG_STRING, &klass,
      "hrss, government, partner, bank, medical or social", "CLASS" },
    { "tier", 0, 0, G_OPTION_ARG_INT, &tier, "1 or 2", "N" },
    { "parent", 0, 0, G_OPTION_ARG_STRING, &parent, "a tier-2 channel's tier-1 parent", "ID" },
    { "public-key", 0, 0, G_OPTION_ARG_FILENAME, &pub, "the channel's public key file",
      "CHANNEL.pub" },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, "the role to test: channel, platform, verifier",
      "ROLE" },
    { "impl", 0, 0, G_OPTION_ARG_STRING, &impl,
      "its implementation: a command speaking the adapter protocol, or a URL", "COMMAND-OR-URL" },
    { "profile", 0, 0, G_OPTION_ARG_FILENAME, &profile,
      "what it claims (default: its tier and class, with payment)", "FILE" },
    { NULL },
  };
  if (!parse (&argc, &argv, "apply", "--db FILE --id ID --name NAME --class CLASS --tier N ...",
              "Registers a channel's application (status applied), its fields checked as\n"
              "ESSC-STD CHAN-1..4 and CHAN-23.", entries, &c, &ctx)
      || !need ("apply", id, "--id") || !need ("apply", name, "--name")
      || !need ("apply", klass, "--class") || !need ("apply", pub, "--public-key")
      || !need ("apply", role, "--role") || !need ("apply", impl, "--impl"))
    return ESSC_EXIT_USAGE;
  RegApplication app = { .id = id, .name = name, .klass = klass, .tier = tier,
                         .parent_id = parent, .public_key_path = pub, .role = role,
                         .impl = impl, .profile_path = profile };
  g_autoptr (GError) error = NULL;
  if (!reg_apply (&ctx, &app, &error))
    return report_error ("apply", error);
  g_autofree char *n = shown (name);
  printf ("%s %s: applied (%s, tier %d%s%s, role %s)\n", id, n, klass, tier,
          parent ? ", parent " : "", parent ? parent : "", role);
  return ESSC_EXIT_OK;
}

/* ---- test ---------------------------------------------------------------------- */

/* What the callbacks of a run share. */
typedef struct {
  ConfTranscript *transcript;   /* --transcript, or NULL */
  gboolean progress;            /* --progress */
} TestOut;

/* Names each failed or unimplemented test as the run goes (stdout); with
 * --progress, one line per test instead: progress INDEX TOTAL VERDICT TEST. */
static void
print_result (const ConfTestResult *r, guint index, guint total, gpointer user_data)
{
  const TestOut *t = user_data;
  g_autofree char *name = shown (r->name);
  if (t->progress)
    {
      printf ("progress\t%u\t%u\t%s\t%s\n", index + 1, total, conf_verdict_name (r->verdict),
              name);
      fflush (stdout);
      return;
    }
  if (r->verdict != CONF_VERDICT_FAIL && r->verdict != CONF_VERDICT_NOT_IMPLEMENTED)
    return;
  g_autofree char *reason = r->reason ? base_text_printable (r->reason, strlen (r->reason), 200)
                                      : g_strdup ("");
  printf ("  %s %s%s%s\n", r->verdict == CONF_VERDICT_FAIL ? "failed:" : "not implemented:",
          name, *reason ? ": " : "", reason);
}

/* The transcript learns which test runs. */
static void
on_test (const char *name, gpointer user_data)
{
  const TestOut *t = user_data;
  if (t->transcript != NULL)
    conf_transcript_set_test (t->transcript, name);
}

static int
cmd_test (int argc, char **argv)
{
  g_auto (Common) c = { 0 };
  g_autofree char *id = NULL, *key = NULL, *vectors = NULL, *waivers = NULL;
  g_autofree char *ca = NULL, *client_cert = NULL, *client_key = NULL;
  g_autofree char *results = NULL, *transcript = NULL;
  gboolean progress = FALSE;
  gint timeout_ms = 0;
  RegCtx ctx;
  const GOptionEntry entries[] = {
    { "id", 0, 0, G_OPTION_ARG_STRING, &id, "the channel", "ID" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key, "the issuer's secret key (signs the report)",
      "ISSUER.key" },
    { "timeout-ms", 0, 0, G_OPTION_ARG_INT, &timeout_ms,
      "deadline of each response (default 5000)", "N" },
    { "vectors", 0, 0, G_OPTION_ARG_FILENAME, &vectors,
      ESSC_CLI_VECTORS_HELP, "DIR" },
    { "waivers", 0, 0, G_OPTION_ARG_FILENAME, &waivers,
      "the vendor's known failures (TEST reason, one a line): they are waived in the report, "
      "and certify needs the registry to accept each", "FILE" },
    { "ca", 0, 0, G_OPTION_ARG_FILENAME, &ca,
      "an https:// implementation: trust this CA (PEM) instead of the system's", "FILE" },
    { "client-cert", 0, 0, G_OPTION_ARG_FILENAME, &client_cert,
      "an https:// implementation: present this client certificate (PEM)", "FILE" },
    { "client-key", 0, 0, G_OPTION_ARG_FILENAME, &client_key,
      "the private key of --client-cert (PEM)", "FILE" },
    { "results", 0, 0, G_OPTION_ARG_FILENAME, &results,
      "also write the results as JSON (docs/RESULTS.md), atomically, before the report is "
      "stored", "FILE" },
    { "transcript", 0, 0, G_OPTION_ARG_FILENAME, &transcript,
      "keep every message exchanged, one JSON object a line (docs/ADAPTER.md section 7)",
      "FILE" },
    { "progress", 0, 0, G_OPTION_ARG_NONE, &progress,
      "print only, flushed, a line 'progress<TAB>INDEX<TAB>TOTAL<TAB>VERDICT<TAB>TEST' per "
      "test, then 'report<TAB>ID<TAB>conformant' (or 'not conformant') once the report is "
      "stored (what essc serve's workers print)", NULL },
    { NULL },
  };
  if (!parse (&argc, &argv, "test", "--db FILE --id ID --key ISSUER.key",
              "Runs the conformance suite against the channel's implementation, with its\n"
              "role and profile, and stores the report signed by the issuer's key, whatever\n"
              "the verdict. Exit 0 conformant, 1 not conformant, 2 when the implementation\n"
              "cannot start, 3 when a file or the report could not be written.",
              entries, &c, &ctx)
      || !need ("test", id, "--id") || !need ("test", key, "--key"))
    return ESSC_EXIT_USAGE;
  if (timeout_ms < 0 || timeout_ms > 600000)
    return essc_cli_usage_error ("registry test", "--timeout-ms: expected 1..600000");
  if ((client_cert == NULL) != (client_key == NULL))
    return essc_cli_usage_error ("registry test", "--client-cert and --client-key go together");
  g_autoptr (GError) error = NULL;
  if (results != NULL && !base_file_output_ok (results, &error))
    return essc_cli_usage_error ("registry test", "--results: %s", error->message);
  g_autoptr (ConfTranscript) kept = NULL;
  if (transcript != NULL && (kept = conf_transcript_open (transcript, &error)) == NULL)
    return essc_cli_usage_error ("registry test", "--transcript: %s", error->message);
  TestOut t = { kept, progress };
  ConfClientOptions client = { ca, client_cert, client_key, kept };
  RegTestOptions o = {
    .id = id, .key_path = key, .vectors_dir = vectors, .waivers_path = waivers,
    .timeout_ms = timeout_ms, .client = &client, .on_result = print_result, .user_data = &t,
    .on_test = on_test, .results_path = results,
  };
  RegTestOutcome out;
  base_proc_end_all_on_signals ();   /* a timeout or Ctrl-C ends the implementation too */
  gboolean ok = reg_test (&ctx, &o, &out, &error);
  g_autoptr (GError) closing = NULL;
  if (kept != NULL && !conf_transcript_close (g_steal_pointer (&kept), &closing))
    fprintf (stderr, "essc registry test: --transcript: %s\n", closing->message);
  if (!ok)
    return report_error ("test", error);
  if (progress)
    printf ("report\t%" G_GINT64_FORMAT "\t%s\n", out.report_id,
            out.conformant ? "conformant" : "not conformant");
  else
    {
      g_autofree char *iut = shown (out.iut_name), *ver = shown (out.iut_version);
      g_autofree char *impl = shown (out.impl);
      printf ("%s: report %" G_GINT64_FORMAT ": %s %s (%s) as %s: %s; %u passed, %u failed, "
              "%u not implemented, %u not run, %u skipped, %u waived\n", id, out.report_id, iut,
              ver, impl, out.role, out.conformant ? "conformant" : "NOT conformant",
              out.counts[CONF_VERDICT_PASS], out.counts[CONF_VERDICT_FAIL],
              out.counts[CONF_VERDICT_NOT_IMPLEMENTED], out.counts[CONF_VERDICT_NOT_RUN],
              out.counts[CONF_VERDICT_SKIP], out.counts[CONF_VERDICT_WAIVED]);
    }
  gboolean conformant = out.conformant;
  reg_test_outcome_clear (&out);
  if (fflush (stdout) != 0 || closing != NULL)
    return ESSC_EXIT_INTERNAL;
  return conformant ? ESSC_EXIT_OK : ESSC_EXIT_FAILED;
}

/* ---- certify and renew ---------------------------------------------------------- */

static int
certify_or_renew (int argc, char **argv, gboolean renew)
{
  const char *sub = renew ? "renew" : "certify";
  g_auto (Common) c = { 0 };
  g_autofree char *id = NULL, *key = NULL, *out_path = NULL, *vectors = NULL;
  g_auto (GStrv) accept = NULL;
  gint days = 365;
  RegCtx ctx;
  const GOptionEntry entries[] = {
    { "id", 0, 0, G_OPTION_ARG_STRING, &id, "the channel", "ID" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key, "the issuer's secret key", "ISSUER.key" },
    { "days", 0, 0, G_OPTION_ARG_INT, &days, "validity in days (default 365)", "N" },
    { "accept-waiver", 0, 0, G_OPTION_ARG_STRING_ARRAY, &accept,
      "accept the waiver of a test the report waived, for this reason (repeat for each)",
      "TEST=REASON" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out_path, "also write the certificate and FILE.sig",
      "FILE" },
    { renew ? "vectors" : NULL, 0, 0, G_OPTION_ARG_FILENAME, &vectors,
      "the current suite's vector files: " ESSC_CLI_VECTORS_HELP, "DIR" },
    { NULL },
  };
  const char *summary =
      renew ? "Issues a new certificate (a new serial) to replace the channel's current one\n"
              "before it expires, from the channel's latest report, which must be conformant\n"
              "and have run the current suite (else: re-test first). The old certificate is\n"
              "superseded, not revoked; waivers it accepted keep their reasons."
            : "Issues a certificate from the channel's latest report, which must be\n"
              "conformant, signed by the registry's key and made after any rectification\n"
              "order; every test the report waived needs --accept-waiver. An applied channel\n"
              "becomes certified, then live (access opened); one in rectification or\n"
              "suspended keeps its status (reinstate it).";
  if (!parse (&argc, &argv, sub, "--db FILE --id ID --key ISSUER.key", summary, entries, &c,
              &ctx)
      || !need (sub, id, "--id") || !need (sub, key, "--key"))
    return ESSC_EXIT_USAGE;
  g_autofree char *cmd = g_strdup_printf ("registry %s", sub);
  if (days < 1 || days > 3650)
    return essc_cli_usage_error (cmd, "--days: expected 1..3650");
  guint n = accept ? g_strv_length (accept) : 0;
  g_autofree ConfCertWaiver *waivers = g_new0 (ConfCertWaiver, n + 1);
  g_autoptr (GError) error = NULL;
  for (guint i = 0; i < n; i++)
    if (!reg_waiver_parse (accept[i], &waivers[i], &error))
      return report_error (sub, error);
  RegCertifyOptions o = { id, key, days, waivers, n, out_path, vectors };
  RegIssued out;
  if (!(renew ? reg_renew (&ctx, &o, &out, &error) : reg_certify (&ctx, &o, &out, &error)))
    return report_error (sub, error);
  g_autofree char *nb = utc (out.not_before), *na = utc (out.not_after);
  printf ("%s: certificate %" G_GUINT64_FORMAT " issued, valid from %s to %s", id, out.serial,
          nb, na);
  if (out.superseded)
    printf (", superseding %" G_GUINT64_FORMAT, out.superseded);
  printf ("; status %s\n", out.status);
  if (out_path != NULL)
    printf ("wrote %s and %s.sig\n", out_path, out_path);
  return ESSC_EXIT_OK;
}

static int
cmd_certify (int argc, char **argv)
{
  return certify_or_renew (argc, argv, FALSE);
}

static int
cmd_renew (int argc, char **argv)
{
  return certify_or_renew (argc, argv, TRUE);
}

/* ---- status changes -------------------------------------------------------------- */

typedef enum { RECTIFY, SUSPEND, REINSTATE, TERMINATE } StatusOp;

static int
status_op (int argc, char **argv, StatusOp op)
{
  static const char *const subs[] = { "rectify", "suspend", "reinstate", "terminate" };
  static const char *const summaries[] = {
    "Orders rectification: a live channel goes to status rectification; a channel\n"
    "in another status (not terminated) keeps it and the order is recorded. --impl\n"
    "records a new implementation. Reports made before the order no longer count.",
    "Suspends a live channel or one in rectification (ESSC-STD table 6.2).",
    "Brings a suspended channel, or one in rectification, back to live. It needs a\n"
    "certificate in force and, after a rectification order, a conformant report\n"
    "made after the order.",
    "Terminates a channel (final) and revokes its current certificate.",
  };
  const char *sub = subs[op];
  g_auto (Common) c = { 0 };
  g_autofree char *id = NULL, *reason = NULL, *impl = NULL;
  RegCtx ctx;
  const GOptionEntry entries[] = {
    { "id", 0, 0, G_OPTION_ARG_STRING, &id, "the channel", "ID" },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, "why (recorded in the history)", "TEXT" },
    { op == RECTIFY ? "impl" : NULL, 0, 0, G_OPTION_ARG_STRING, &impl,
      "the implementation to test from now on", "COMMAND-OR-URL" },
    { NULL },
  };
  if (!parse (&argc, &argv, sub, "--db FILE --id ID --reason TEXT", summaries[op], entries, &c,
              &ctx)
      || !need (sub, id, "--id") || !need (sub, reason, "--reason"))
    return ESSC_EXIT_USAGE;
  g_autoptr (GError) error = NULL;
  g_autofree char *status = NULL;
  guint64 revoked = 0;
  gboolean ok = FALSE;
  switch (op)
    {
    case RECTIFY: ok = reg_rectify (&ctx, id, reason, impl, &status, &error); break;
    case SUSPEND: ok = reg_suspend (&ctx, id, reason, &error); break;
    case REINSTATE: ok = reg_reinstate (&ctx, id, reason, &error); break;
    case TERMINATE: ok = reg_terminate (&ctx, id, reason, &revoked, &error); break;
    }
  if (!ok)
    return report_error (sub, error);
  switch (op)
    {
    case RECTIFY:
      printf ("%s: rectification ordered; status %s%s%s\n", id, status, impl ? "; impl " : "",
              impl ? impl : "");
      break;
    case SUSPEND: printf ("%s: status suspended\n", id); break;
    case REINSTATE: printf ("%s: status live (reinstated)\n", id); break;
    case TERMINATE:
      printf ("%s: status terminated", id);
      if (revoked)
        printf ("; certificate %" G_GUINT64_FORMAT " revoked", revoked);
      printf ("\n");
      break;
    }
  return ESSC_EXIT_OK;
}

static int cmd_rectify (int argc, char **argv) { return status_op (argc, argv, RECTIFY); }
static int cmd_suspend (int argc, char **argv) { return status_op (argc, argv, SUSPEND); }
static int cmd_reinstate (int argc, char **argv) { return status_op (argc, argv, REINSTATE); }
static int cmd_terminate (int argc, char **argv) { return status_op (argc, argv, TERMINATE); }

/* ---- revoke ---------------------------------------------------------------------- */

static int
cmd_revoke (int argc, char **argv)
{
  g_auto (Common) c = { 0 };
  g_autofree char *id = NULL, *reason = NULL;
  gint64 serial = 0;
  RegCtx ctx;
  const GOptionEntry entries[] = {
    { "serial", 0, 0, G_OPTION_ARG_INT64, &serial, "the certificate", "N" },
    { "id", 0, 0, G_OPTION_ARG_STRING, &id, "or the channel (its current certificate)", "ID" },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, "why (published in the feed)", "TEXT" },
    { NULL },
  };
  if (!parse (&argc, &argv, "revoke", "--db FILE (--serial N | --id ID) --reason TEXT",
              "Revokes a certificate. A live channel whose current certificate is revoked\n"
              "is suspended.", entries, &c, &ctx)
      || !need ("revoke", reason, "--reason"))
    return ESSC_EXIT_USAGE;
  if ((serial != 0) == (id != NULL) || serial < 0)
    return essc_cli_usage_error ("registry revoke", "give one of --serial N (N >= 1) and --id ID");
  g_autoptr (GError) error = NULL;
  RegRevoked out;
  if (!reg_revoke (&ctx, (guint64) serial, id, reason, &out, &error))
    return report_error ("revoke", error);
  printf ("certificate %" G_GUINT64_FORMAT " of %s revoked%s\n", out.serial, out.channel_id,
          out.suspended ? "; the channel is suspended" : "");
  return ESSC_EXIT_OK;
}

/* ---- list and show --------------------------------------------------------------- */

/* Opens for reading; a registry that does not verify is shown with a warning. */
static RegDb *
open_for_reading (const char *sub, const char *path, GError **error)
{
  RegDb *db = reg_db_open (path, FALSE, error);
  g_autoptr (GError) e = NULL;
  if (db != NULL && !reg_check (db, NULL, NULL, &e))
    {
      g_autofree char *msg = g_strdup_printf ("warning: %s (essc registry check)", e->message);
      fail_msg (sub, msg);
    }
  return db;
}

/* s padded to width display columns (CJK characters take two). */
static void
print_padded (const char *s, guint width)
{
  g_autofree char *p = shown (s);
  guint w = 0;
  for (const char *c = p; *c; c = g_utf8_next_char (c))
    w += g_unichar_iswide (g_utf8_get_char (c)) ? 2 : 1;
  fputs (p, stdout);
  for (; w < width; w++)
    putchar (' ');
}

static int
cmd_list (int argc, char **argv)
{
  g_auto (Common) c = { 0 };
  RegCtx ctx;
  if (!parse (&argc, &argv, "list", "--db FILE",
              "Lists the channels: id, name, class, tier, parent, status and since when,\n"
              "and the current certificate (serial, valid until; '-' for none).", NULL, &c, &ctx))
    return ESSC_EXIT_USAGE;
  g_autoptr (GError) error = NULL;
  g_autoptr (RegDb) db = open_for_reading ("list", ctx.db_path, &error);
  g_autoptr (GPtrArray) channels = db ? reg_db_channels (db, &error) : NULL;
  g_autoptr (GPtrArray) certs = channels ? reg_db_certificates (db, NULL, &error) : NULL;
  if (certs == NULL)
    return report_error ("list", error);
  printf ("%-9s ", "ID");
  print_padded ("NAME", 30);
  printf (" %-10s %-4s %-8s %-13s %-20s %-6s %s\n", "CLASS", "TIER", "PARENT", "STATUS", "SINCE",
          "CERT", "VALID UNTIL");
  for (guint i = 0; i < channels->len; i++)
    {
      const RegChannel *ch = channels->pdata[i];
      const RegCertificate *cur = NULL;
      for (guint k = 0; k < certs->len; k++)
        {
          const RegCertificate *x = certs->pdata[k];
          if (strcmp (x->channel_id, ch->id) == 0 && !x->revoked && x->superseded_by == 0)
            cur = x;
        }
      g_autofree char *since = utc (ch->status_changed_at);
      g_autofree char *serial = cur ? g_strdup_printf ("%" G_GUINT64_FORMAT, cur->serial)
                                    : g_strdup ("-");
      g_autofree char *until = cur ? utc (cur->not_after) : g_strdup ("-");
      printf ("%-9s ", ch->id);
      print_padded (ch->name, 30);
      printf (" %-10s %-4d %-8s %-13s %-20s %-6s %s%s\n", ch->klass, ch->tier,
              *ch->parent_id ? ch->parent_id : "-", ch->status, since, serial, until,
              cur && !reg_certificate_in_force (cur, ctx.now) ? " (not in force)" : "");
    }
  printf ("%u channels\n", channels->len);
  return ESSC_EXIT_OK;
}

typedef struct {
  const char *id;
} ShowHistory;

static gboolean
show_entry (const ModelAuditEntry *e, gpointer data)
{
  const ShowHistory *sh = data;
  g_autoptr (JsonObject) o = conf_json_parse_object ((const char *) e->payload, e->payload_len,
                                                     NULL);
  if (o == NULL)
    return TRUE;
  const char *id = json_object_get_string_member_with_default (o, "id", NULL);
  const char *ch = json_object_get_string_member_with_default (o, "channel_id", NULL);
  const char *cv = json_object_get_string_member_with_default (o, "channel", NULL);
  if (g_strcmp0 (id, sh->id) != 0 && g_strcmp0 (ch, sh->id) != 0 && g_strcmp0 (cv, sh->id) != 0)
    return TRUE;
  g_autofree char *t = utc (e->time), *actor = shown (e->actor);
  g_autofree char *payload = base_text_printable ((const char *) e->payload, e->payload_len, 300);
  printf ("  %4" G_GUINT64_FORMAT " %s %s %s %s\n", e->seq, t, actor, e->action, payload);
  return TRUE;
}

static int
cmd_show (int argc, char **argv)
{
  g_auto (Common) c = { 0 };
  g_autofree char *id = NULL;
  RegCtx ctx;
  const GOptionEntry entries[] = {
    { "id", 0, 0, G_OPTION_ARG_STRING, &id, "the channel", "ID" },
    { NULL },
  };
  if (!parse (&argc, &argv, "show", "--db FILE --id ID",
              "Shows a channel: its record, its reports, its certificates and the entries\n"
              "of the history about it.", entries, &c, &ctx)
      || !need ("show", id, "--id"))
    return ESSC_EXIT_USAGE;
  g_autoptr (GError) error = NULL;
  g_autoptr (RegDb) db = open_for_reading ("show", ctx.db_path, &error);
  g_autoptr (RegChannel) ch = db ? reg_db_channel (db, id, &error) : NULL;
  g_autoptr (GPtrArray) reports = ch ? reg_db_reports (db, ch->id, &error) : NULL;
  g_autoptr (GPtrArray) certs = reports ? reg_db_certificates (db, ch->id, &error) : NULL;
  g_autofree char *vendor = certs ? reg_db_channel_vendor (db, ch->id, &error) : NULL;
  const ModelAuditLog *log = vendor ? reg_db_history (db, &error) : NULL;
  if (log == NULL)
    return report_error ("show", error);
  char pk[2 * MODEL_KEY_PAIR_PK_LEN + 1];
  base_hex_encode (ch->public_key, sizeof ch->public_key, pk);
  g_autofree char *name = shown (ch->name), *impl = shown (ch->impl);
  g_autofree char *since = utc (ch->status_changed_at), *applied = utc (ch->applied_at);
  printf ("id:        %s\nname:      %s\nclass:     %s\ntier:      %d\n", ch->id, name, ch->klass,
          ch->tier);
  printf ("parent:    %s\n", *ch->parent_id ? ch->parent_id : "-");
  printf ("status:    %s since %s\n", ch->status, since);
  printf ("key:       %s\nrole:      %s\nimpl:      %s\nprofile:   %s\napplied:   %s\n", pk,
          ch->role, impl, ch->profile, applied);
  if (*vendor != '\0')
    printf ("vendor:    %s\n", vendor);
  if (ch->rectify_seq >= 0)
    printf ("rectification ordered (history entry %" G_GINT64_FORMAT "): needs a conformant "
            "report made after it\n", ch->rectify_seq);
  printf ("reports:   %u\n", reports->len);
  for (guint i = 0; i < reports->len; i++)
    {
      const RegReport *r = reports->pdata[i];
      g_autofree char *t = utc (r->tested_at), *ri = shown (r->impl);
      printf ("  %" G_GINT64_FORMAT " %s %s (%s), vectors %.16s, blake2b %.16s\n", r->id, t,
              r->verdict, ri, r->vectors_hash, r->blake2b);
    }
  printf ("certificates: %u\n", certs->len);
  for (guint i = 0; i < certs->len; i++)
    {
      const RegCertificate *x = certs->pdata[i];
      g_autofree char *nb = utc (x->not_before), *na = utc (x->not_after);
      printf ("  %" G_GUINT64_FORMAT " from report %" G_GINT64_FORMAT ", valid %s to %s, "
              "waivers %s", x->serial, x->report_id, nb, na, x->waivers);
      if (x->revoked)
        {
          g_autofree char *t = utc (x->revoked_at), *why = shown (x->revoke_reason);
          printf (", REVOKED %s: %s", t, why);
        }
      if (x->superseded_by)
        printf (", superseded by %" G_GUINT64_FORMAT, x->superseded_by);
      printf ("\n");
    }
  printf ("history:\n");
  ShowHistory sh = { ch->id };
  model_audit_log_foreach (log, show_entry, &sh);
  return ESSC_EXIT_OK;
}

/* ---- check ------------------------------------------------------------------------- */

static int
cmd_check (int argc, char **argv)
{
  g_auto (Common) c = { 0 };
  g_autofree char *feed = NULL;
  RegCtx ctx;
  const GOptionEntry entries[] = {
    { "feed", 0, 0, G_OPTION_ARG_FILENAME, &feed,
      "also check the history extends the head this published feed signed (FEED.sig beside "
      "it): catches a registry cut back or replaced", "FEED" },
    { NULL },
  };
  if (!parse (&argc, &argv, "check", "--db FILE [--feed FEED]",
              "Verifies the registry: the history's hash chain (ESSC-STD AUDIT-6: the first\n"
              "broken entry and why), then that replaying the history gives exactly the\n"
              "state tables, and the stored documents' hashes. Exit 0 intact, 1 damaged\n"
              "(one line naming the entry or the table, row and column), 2 unreadable or\n"
              "not a registry.", entries, &c, &ctx))
    return ESSC_EXIT_USAGE;
  g_autoptr (GError) error = NULL;
  g_autoptr (RegDb) db = reg_db_open (ctx.db_path, FALSE, &error);
  if (db == NULL)
    return report_error ("check", error);
  ModelAuditHead head, *expected = NULL;
  if (feed != NULL)
    {
      if (!reg_feed_head (db, feed, &head, &error))
        return report_error ("check", error);
      expected = &head;
    }
  RegCheckSummary sum;
  if (!reg_check (db, expected, &sum, &error))
    {
      g_autofree char *msg = shown (error->message);
      printf ("DAMAGED: %s\n", msg);
      if (error->code == REG_ERROR_DAMAGED)
        {
          fprintf (stderr, "essc registry check: DAMAGED: %s\n", msg);
          return ESSC_EXIT_FAILED;
        }
      return report_error ("check", error);
    }
  char hash[2 * MODEL_AUDIT_HASH_LEN + 1];
  base_hex_encode (sum.head.hash, sizeof sum.head.hash, hash);
  printf ("%s: intact: %" G_GUINT64_FORMAT " history entries (head %s), the state tables as "
          "the history gives them: %" G_GUINT64_FORMAT " channels, %" G_GUINT64_FORMAT
          " reports, %" G_GUINT64_FORMAT " certificates%s\n", ctx.db_path, sum.head.count, hash,
          sum.channels, sum.reports, sum.certificates,
          expected ? "; extends the feed's head" : "");
  return ESSC_EXIT_OK;
}

/* ---- publish ----------------------------------------------------------------------- */

static int
cmd_publish (int argc, char **argv)
{
  g_auto (Common) c = { 0 };
  g_autofree char *out = NULL, *key = NULL;
  gint days = 7;
  RegCtx ctx;
  const GOptionEntry entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "the directory to publish into", "DIR" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key, "the issuer's secret key (signs the feed)",
      "ISSUER.key" },
    { "valid-days", 0, 0, G_OPTION_ARG_INT, &days,
      "the feed's next_update, in days from --now (default 7)", "N" },
    { NULL },
  };
  if (!parse (&argc, &argv, "publish", "--db FILE --out DIR --key ISSUER.key",
              "Publishes DIR/index.html, the public list of the channels that offer the\n"
              "e-card (and those suspended, in rectification or terminated, and revoked\n"
              "certificates), and the signed feed DIR/feed.json with feed.json.sig. A feed\n"
              "already in DIR must verify and the registry's history extend its head.\n"
              "The files are written under temporary names, then renamed.", entries, &c, &ctx)
      || !need ("publish", out, "--out") || !need ("publish", key, "--key"))
    return ESSC_EXIT_USAGE;
  if (days < 1 || days > 366)
    return essc_cli_usage_error ("registry publish", "--valid-days: expected 1..366");
  RegPublishOptions o = { out, key, days };
  RegPublished p;
  g_autoptr (GError) error = NULL;
  if (!reg_publish (&ctx, &o, &p, &error))
    return report_error ("publish", error);
  printf ("published %s: %zu channels (%zu live, %zu suspended, in rectification or "
          "terminated), %zu revoked certificates; history head %" G_GUINT64_FORMAT " entries\n",
          out, p.channels, p.live, p.withdrawn, p.revoked, p.head.count);
  return ESSC_EXIT_OK;
}

/* ---- dispatch ----------------------------------------------------------------------- */

static const RegCliSub subs[] = {
  { "init", "create a registry (--name NAME --pub ISSUER.pub)", cmd_init },
  { "apply", "register a channel's application (status applied)", cmd_apply },
  { "test", "run the suite against the channel's implementation; store the signed report",
    cmd_test },
  { "certify", "issue a certificate from a conformant report; applied -> certified -> live",
    cmd_certify },
  { "renew", "a new certificate before the current one expires", cmd_renew },
  { "rectify", "order rectification (live -> rectification), optionally a new --impl",
    cmd_rectify },
  { "suspend", "suspend a channel", cmd_suspend },
  { "reinstate", "back to live (needs a certificate in force)", cmd_reinstate },
  { "terminate", "terminate a channel and revoke its certificate", cmd_terminate },
  { "revoke", "revoke a certificate (--serial N or --id ID)", cmd_revoke },
  { "list", "list the channels", cmd_list },
  { "show", "show a channel: record, reports, certificates, history", cmd_show },
  { "check", "verify the history chain and that it gives the state tables", cmd_check },
  { "publish", "write the public page and the signed feed", cmd_publish },
  { "token", "API tokens of essc serve: token issue|revoke|list", reg_cli_token },
};

static void
print_sub_help (FILE *out, const char *head, const RegCliSub *list, gsize n, const char *tail)
{
  fputs (head, out);
  for (gsize i = 0; i < n; i++)
    fprintf (out, "  %-10s %s\n", list[i].name, list[i].summary);
  fputs (tail, out);
}

int
reg_cli_dispatch (const char *command, int argc, char **argv, const RegCliSub *list, gsize n,
                  const char *head, const char *tail)
{
  if (argc < 2)
    {
      print_sub_help (stderr, head, list, n, tail);
      return ESSC_EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0
      || strcmp (argv[1], "help") == 0)
    {
      print_sub_help (stdout, head, list, n, tail);
      return ESSC_EXIT_OK;
    }
  for (gsize i = 0; i < n; i++)
    if (strcmp (argv[1], list[i].name) == 0)
      return list[i].run (argc - 1, argv + 1);
  g_autofree char *s = shown (argv[1]);
  return essc_cli_usage_error (command, "unknown subcommand '%s'", s);
}

int
essc_cmd_registry (int argc, char **argv)
{
  return reg_cli_dispatch (
    "registry", argc, argv, subs, G_N_ELEMENTS (subs),
    "Usage: essc registry SUBCOMMAND --db FILE [OPTION...]\n\n"
    "The registry of channels and their certification (docs/REGISTRY.md).\n"
    "Every subcommand takes --now TIME and --actor NAME; 'essc registry SUB\n"
    "--help' for its options.\n\nSubcommands:\n",
    "\nExit status: 0 done; 1 refused by the rules, a non-conformant test or a\n"
    "damaged registry (check); 2 usage or input error, a damaged or foreign\n"
    "database, an implementation that cannot start; 3 a failed write.\n");
}
