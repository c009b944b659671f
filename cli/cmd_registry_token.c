/* SPDX-License-Identifier: MIT */
/*
 * essc registry token issue|revoke|list: the API tokens of the
 * certification service (essc serve, docs/SERVE.md), kept in the registry
 * (registry/token.h, docs/REGISTRY.md section 7).  `issue` prints the new
 * token's text alone on stdout, one line, and nothing else: it is shown
 * once and never stored (only its hash is).  `list` never shows a hash.
 * Like every registry subcommand these take --db, --now and --actor.
 */
#include "cli/cli.h"
#include "cli/registry_cli.h"

#include "registry/token.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static int
cmd_issue (int argc, char **argv)
{
  g_auto (RegCliCommon) c = { 0 };
  g_autofree char *staff = NULL, *vendor = NULL, *label = NULL;
  RegCtx ctx;
  const GOptionEntry entries[] = {
    { "staff", 0, 0, G_OPTION_ARG_STRING, &staff,
      "a staff member's token: their name ([a-z0-9][a-z0-9._-], 1..32)", "NAME" },
    { "vendor", 0, 0, G_OPTION_ARG_STRING, &vendor,
      "a vendor's token: the vendor's id ([a-z0-9][a-z0-9._-], 1..32)", "ID" },
    { "label", 0, 0, G_OPTION_ARG_STRING, &label,
      "what the token is for (0..128 bytes of UTF-8; default empty)", "TEXT" },
    { NULL },
  };
  if (!reg_cli_parse (&argc, &argv, "token issue", "--db FILE --staff NAME | --vendor ID",
                      "Issues an API token of the certification service (essc serve) to a\n"
                      "staff member or a vendor, recorded in the history (token.issue) with\n"
                      "--actor. Prints the token alone on stdout, one line: it is shown once;\n"
                      "the registry keeps only the BLAKE2b-256 of its secret.",
                      entries, &c, &ctx))
    return ESSC_EXIT_USAGE;
  if ((staff == NULL) == (vendor == NULL))
    return essc_cli_usage_error ("registry token issue", "give exactly one of --staff NAME "
                                 "and --vendor ID");
  g_autoptr (GError) error = NULL;
  char *secret = NULL;
  if (!reg_token_issue (&ctx, staff ? REG_TOKEN_STAFF : REG_TOKEN_VENDOR, staff ? staff : vendor,
                        label, &secret, NULL, &error))
    return reg_cli_error ("token issue", error);
  printf ("%s\n", secret);
  sodium_memzero (secret, strlen (secret));
  g_free (secret);
  return fflush (stdout) == 0 ? ESSC_EXIT_OK : ESSC_EXIT_INTERNAL;
}

static int
cmd_revoke (int argc, char **argv)
{
  g_auto (RegCliCommon) c = { 0 };
  g_autofree char *id = NULL, *reason = NULL;
  RegCtx ctx;
  const GOptionEntry entries[] = {
    { "token-id", 0, 0, G_OPTION_ARG_STRING, &id,
      "the token's id (its 12 hex digits after essc_; see token list)", "ID" },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, "why (recorded in the history)", "TEXT" },
    { NULL },
  };
  if (!reg_cli_parse (&argc, &argv, "token revoke", "--db FILE --token-id ID --reason TEXT",
                      "Revokes an API token (token.revoke in the history): the service\n"
                      "refuses it from then on. Exit 1 when there is no such token or it is\n"
                      "revoked already.", entries, &c, &ctx)
      || !reg_cli_need ("token revoke", id, "--token-id")
      || !reg_cli_need ("token revoke", reason, "--reason"))
    return ESSC_EXIT_USAGE;
  g_autoptr (GError) error = NULL;
  if (!reg_token_revoke (&ctx, id, reason, &error))
    return reg_cli_error ("token revoke", error);
  printf ("token %s revoked\n", id);
  return ESSC_EXIT_OK;
}

static int
cmd_list (int argc, char **argv)
{
  g_auto (RegCliCommon) c = { 0 };
  RegCtx ctx;
  if (!reg_cli_parse (&argc, &argv, "token list", "--db FILE",
                      "Lists the API tokens: id, role, subject, when and by whom issued, and\n"
                      "when revoked ('-' when not), then the label. Never a hash or a secret.",
                      NULL, &c, &ctx))
    return ESSC_EXIT_USAGE;
  g_autoptr (GError) error = NULL;
  g_autoptr (RegDb) db = reg_db_open (ctx.db_path, FALSE, &error);
  g_autoptr (GPtrArray) tokens = db ? reg_db_tokens (db, NULL, &error) : NULL;
  if (tokens == NULL)
    return reg_cli_error ("token list", error);
  printf ("%-12s %-6s %-32s %-20s %-20s %-20s %s\n", "ID", "ROLE", "SUBJECT", "ISSUED",
          "BY", "REVOKED", "LABEL");
  for (guint i = 0; i < tokens->len; i++)
    {
      const RegToken *t = tokens->pdata[i];
      g_autofree char *issued = reg_cli_utc (t->issued_at);
      g_autofree char *revoked = t->revoke_reason ? reg_cli_utc (t->revoked_at) : g_strdup ("-");
      g_autofree char *by = reg_cli_shown (t->issued_by), *label = reg_cli_shown (t->label);
      printf ("%-12s %-6s %-32s %-20s %-20s %-20s %s\n", t->id, t->role, t->subject, issued, by,
              revoked, label);
    }
  printf ("%u tokens\n", tokens->len);
  return ESSC_EXIT_OK;
}

static const RegCliSub subs[] = {
  { "issue", "issue a token (--staff NAME or --vendor ID); prints it once", cmd_issue },
  { "revoke", "revoke a token (--token-id ID --reason TEXT)", cmd_revoke },
  { "list", "list the tokens (never their secrets or hashes)", cmd_list },
};

int
reg_cli_token (int argc, char **argv)
{
  return reg_cli_dispatch (
    "registry token", argc, argv, subs, G_N_ELEMENTS (subs),
    "Usage: essc registry token issue|revoke|list --db FILE [OPTION...]\n\n"
    "The API tokens of the certification service (essc serve; docs/SERVE.md).\n"
    "Each takes --now TIME and --actor NAME; 'essc registry token SUB --help'\n"
    "for its options.\n\nSubcommands:\n",
    "\nExit status: 0 done; 1 refused (an unknown or revoked token); 2 usage or\n"
    "input error; 3 a failed write.\n");
}
