/* SPDX-License-Identifier: MIT */
/*
 * essc id: checks citizen ID numbers (GB 11643-1999) given as arguments or,
 * with "-", one per line on standard input, and prints one verdict line per
 * ID.  Exit 0 when every ID is valid, 1 when any is invalid, 2 on a usage
 * error.  Untrusted input is echoed only in escaped, bounded form.
 */
#include "cli/cli.h"

#include "base/text.h"
#include "base/time.h"
#include "model/std/id.h"

#include <stdio.h>
#include <string.h>

#define MAX_LINE 256 /* longest stdin line taken as an ID candidate */

static const char *summary =
  "Checks each ID number: 18 characters, ISO 7064 MOD 11-2 check character,\n"
  "a real birth date not after the validation day (Beijing time), a known\n"
  "province. A region code missing from the 2023 county list is a warning:\n"
  "an ID keeps the code of the place of first issue after the code is retired.\n"
  "\n"
  "Subcommands:\n"
  "  check ID...    verify IDs ('-' reads one per line from standard input)\n"
  "  complete D17   print the ID made of 17 digits and their check character\n"
  "\n"
  "Exit status: 0 all valid, 1 some invalid, 2 usage error.";

/*
 * Parses --at: "YYYY-MM-DD" (midnight in Beijing) or "YYYY-MM-DDTHH:MM:SSZ"
 * into Unix seconds, by the strict rule of base/time.h; *at gets the offset
 * of a fault.  Text of at most 10 bytes is taken as a date.
 */
static BaseTimeFault
parse_at (const char *text, gint64 *out, gsize *at)
{
  gint32 day;
  if (strnlen (text, 11) > 10)
    return base_time_parse_utc (text, out, at);
  BaseTimeFault fault = base_time_parse_date (text, &day, at);
  if (fault == BASE_TIME_OK)
    *out = (gint64) day * 86400 - 8 * 3600;
  return fault;
}

/* Prints the verdict for one candidate; returns TRUE when valid. */
static gboolean
check_one (const char *id, gsize len, gint64 now, const char *where)
{
  g_autofree char *shown = base_text_printable (id, len, 40);
  g_autoptr (GError) error = NULL;
  ModelIdInfo info;

  if (strlen (id) != len)
    g_set_error (&error, MODEL_ID_ERROR, MODEL_STD_MALFORMED,
                 "ID number: contains a NUL byte");
  if (error == NULL && model_id_validate (id, now, &info, &error))
    {
      const char *name = model_id_region_name (info.region);
      printf ("%s\tvalid\tregion %06u %s, born %04d-%02d-%02d, %s\n", shown, info.region,
              name ? name : "(not in the 2023 county list)", info.year, info.month, info.day,
              info.male ? "male" : "female");
      if (!info.region_known)
        fprintf (stderr, "essc id: %s%swarning: region code %06u of %s is not in the 2023 county "
                 "list (a retired code is allowed)\n", where ? where : "", where ? ": " : "",
                 info.region, shown);
      return TRUE;
    }
  printf ("%s\tinvalid\t%s (%s)\n", shown, error->message,
          model_std_code_name ((ModelStdCode) error->code));
  return FALSE;
}

/* Reads candidates from stdin, one per line (LF or CRLF); a line over
 * MAX_LINE bytes is invalid and skipped without being stored whole. */
static int
check_stdin (gint64 now, gboolean *all_valid)
{
  char buf[MAX_LINE + 1];
  int lineno = 0;
  int c = 0;

  while (c != EOF)
    {
      gsize len = 0;
      gboolean overlong = FALSE;
      while ((c = getchar ()) != EOF && c != '\n')
        {
          if (len < MAX_LINE)
            buf[len++] = (char) c;
          else
            overlong = TRUE;
        }
      if (c == EOF && len == 0 && !overlong)
        break;
      lineno++;
      buf[len] = '\0';
      if (overlong)
        {
          g_autofree char *shown = base_text_printable (buf, 20, 19);
          printf ("%s\tinvalid\tstdin line %d is over %d bytes (malformed)\n", shown, lineno,
                  MAX_LINE);
          *all_valid = FALSE;
          continue;
        }
      if (len > 0 && buf[len - 1] == '\r')
        buf[--len] = '\0';
      if (len == 0)
        continue;
      g_autofree char *where = g_strdup_printf ("stdin line %d", lineno);
      if (!check_one (buf, len, now, where))
        *all_valid = FALSE;
    }
  if (ferror (stdin))
    {
      fprintf (stderr, "essc id: reading standard input failed\n");
      return ESSC_EXIT_USAGE;
    }
  return ESSC_EXIT_OK;
}

int
essc_cmd_id (int argc, char **argv)
{
  g_autofree char *at = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const GOptionEntry entries[] = {
    { "at", 0, 0, G_OPTION_ARG_STRING, &at,
      "validation day or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ; default now)", "WHEN" },
    { NULL },
  };

  if (!essc_cli_parse (&argc, &argv, "id", "check ID... | complete DIGITS17", summary, entries))
    return ESSC_EXIT_USAGE;
  gsize bad = 0;
  BaseTimeFault fault = at != NULL ? parse_at (at, &now, &bad) : BASE_TIME_OK;
  if (fault != BASE_TIME_OK)
    {
      g_autofree char *shown = base_text_printable (at, strlen (at), 40);
      return essc_cli_usage_error ("id", "--at: '%s' is not YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ: "
                                   "bad %s at byte %zu", shown, base_time_fault_name (fault), bad);
    }
  if (argc < 2)
    return essc_cli_usage_error ("id", "expected a subcommand: check or complete");

  if (strcmp (argv[1], "complete") == 0)
    {
      if (argc != 3)
        return essc_cli_usage_error ("id", "complete takes exactly one argument of 17 digits");
      char c = strlen (argv[2]) == 17 ? model_id_check_char (argv[2]) : '\0';
      if (c == '\0')
        return essc_cli_usage_error ("id", "complete: expected 17 digits 0-9");
      printf ("%s%c\n", argv[2], c);
      return ESSC_EXIT_OK;
    }
  if (strcmp (argv[1], "check") != 0)
    {
      g_autofree char *shown = base_text_printable (argv[1], strlen (argv[1]), 40);
      return essc_cli_usage_error ("id", "unknown subcommand '%s' (expected check or complete)",
                                   shown);
    }
  if (argc < 3)
    return essc_cli_usage_error ("id", "check: expected at least one ID number, or '-'");

  gboolean all_valid = TRUE;
  for (int i = 2; i < argc; i++)
    {
      if (strcmp (argv[i], "-") == 0)
        {
          int status = check_stdin (now, &all_valid);
          if (status != ESSC_EXIT_OK)
            return status;
        }
      else if (!check_one (argv[i], strlen (argv[i]), now, NULL))
        all_valid = FALSE;
    }
  return all_valid ? ESSC_EXIT_OK : ESSC_EXIT_FAILED;
}
