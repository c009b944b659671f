/* SPDX-License-Identifier: MIT */
/*
 * The strict CSV reader of the simulator's data files (see
 * model/rollout/scenario_csv.h for the dialect), and the field parsers the loaders
 * share: unsigned integers, decimal numbers, calendar dates as day numbers.
 * Files are small (hundreds of rows) and read whole; every byte is checked,
 * so a hostile file gives an error naming its line, never a crash.
 */
#include "model/rollout/scenario_csv.h"
#include "base/file.h"
#include "base/error.h"
#include "base/text.h"
#include "base/time.h"

#include <errno.h>
#include <math.h>
#include <string.h>

/* The day numbers of 1900-01-01 and 2199-12-31, the dates a data file may
 * hold. */
#define FIRST_DAY (-25567)
#define LAST_DAY 84005

static void
row_free (gpointer p)
{
  ModelCsvRow *row = p;
  if (row == NULL)
    return;
  g_strfreev (row->fields);
  g_free (row);
}

void
model_csv_free (ModelCsv *csv)
{
  if (csv == NULL)
    return;
  g_free (csv->path);
  if (csv->rows != NULL)
    g_ptr_array_unref (csv->rows);
  g_free (csv);
}

/*
 * Splits one line (no line terminator, no NUL) into fields.  Returns NULL
 * with *what set to the problem and *at to its byte offset.
 */
static GPtrArray *
split (const char *line, gsize len, const char **what, gsize *at)
{
  g_autoptr (GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  gsize i = 0;

  for (;;)
    {
      GString *field = g_string_new (NULL);
      if (i < len && line[i] == '"')
        {
          i++;
          for (;;)
            {
              if (i >= len)
                {
                  g_string_free (field, TRUE);
                  *what = "quoted field not closed";
                  *at = i;
                  return NULL;
                }
              if (line[i] == '"')
                {
                  if (i + 1 < len && line[i + 1] == '"')
                    {
                      g_string_append_c (field, '"');
                      i += 2;
                      continue;
                    }
                  i++;
                  break;
                }
              g_string_append_c (field, line[i++]);
            }
          if (i < len && line[i] != ',')
            {
              g_string_free (field, TRUE);
              *what = "text after a closing quote";
              *at = i;
              return NULL;
            }
        }
      else
        {
          while (i < len && line[i] != ',')
            {
              if (line[i] == '"')
                {
                  g_string_free (field, TRUE);
                  *what = "quote inside an unquoted field";
                  *at = i;
                  return NULL;
                }
              g_string_append_c (field, line[i++]);
            }
        }
      g_ptr_array_add (fields, g_string_free (field, FALSE));
      if (i >= len)
        break;
      i++; /* the comma */
    }
  return g_steal_pointer (&fields);
}

static char *
header_text (const char *const *columns)
{
  return g_strjoinv (",", (char **) columns);
}

ModelCsv *
model_csv_parse (const char *text, gsize len, const char *path, const char *const *columns,
                 GQuark domain, GError **error)
{
  g_return_val_if_fail (text != NULL || len == 0, NULL);
  g_return_val_if_fail (path != NULL && columns != NULL && columns[0] != NULL, NULL);

  g_autoptr (ModelCsv) csv = g_new0 (ModelCsv, 1);
  csv->path = g_strdup (path);
  csv->columns = columns;
  csv->n_columns = g_strv_length ((char **) columns);
  csv->rows = g_ptr_array_new_with_free_func (row_free);

  gsize pos = 0;
  guint line_no = 0;
  while (pos < len)
    {
      line_no++;
      const char *line = text + pos;
      const char *nl = memchr (line, '\n', len - pos);
      gsize line_len = nl != NULL ? (gsize) (nl - line) : len - pos;
      pos += line_len + (nl != NULL ? 1 : 0);
      if (line_len > 0 && line[line_len - 1] == '\r')
        line_len--;

      gsize at = 0;
      switch (base_text_check_utf8 (line, line_len, 65536, &at))
        {
        case BASE_TEXT_OK:
          break;
        case BASE_TEXT_EMPTY:
        case BASE_TEXT_MISSING:
          return base_fail (error, domain, MODEL_ROLLOUT_INVALID,
                             "%s:%u: empty line, expected %s", path, line_no,
                             line_no == 1 ? "the header" : "a data row"),
                 NULL;
        case BASE_TEXT_TOO_LONG:
          return base_fail (error, domain, MODEL_ROLLOUT_INVALID,
                             "%s:%u: line longer than 65536 bytes, expected a short row",
                             path, line_no),
                 NULL;
        case BASE_TEXT_BAD_UTF8:
          return base_fail (error, domain, MODEL_ROLLOUT_INVALID,
                             "%s:%u: invalid UTF-8 or NUL at byte %" G_GSIZE_FORMAT
                             ", expected UTF-8 text",
                             path, line_no, at + 1),
                 NULL;
        case BASE_TEXT_CONTROL:
        case BASE_TEXT_BAD_BYTE:
          return base_fail (error, domain, MODEL_ROLLOUT_INVALID,
                             "%s:%u: control character at byte %" G_GSIZE_FORMAT
                             ", expected printable text",
                             path, line_no, at + 1),
                 NULL;
        }

      const char *what = NULL;
      g_autoptr (GPtrArray) fields = split (line, line_len, &what, &at);
      if (fields == NULL)
        return base_fail (error, domain, MODEL_ROLLOUT_INVALID,
                           "%s:%u: %s at byte %" G_GSIZE_FORMAT ", expected RFC 4180 fields",
                           path, line_no, what, at + 1),
               NULL;
      if (line_no == 1)
        {
          gboolean same = fields->len == csv->n_columns;
          for (guint i = 0; same && i < fields->len; i++)
            same = strcmp (fields->pdata[i], columns[i]) == 0;
          if (!same)
            {
              g_autofree char *want = header_text (columns);
              return base_fail (error, domain, MODEL_ROLLOUT_INVALID,
                                 "%s:1: header does not match, expected \"%s\"", path, want),
                     NULL;
            }
          continue;
        }
      if (fields->len != csv->n_columns)
        {
          g_autofree char *want = header_text (columns);
          return base_fail (error, domain, MODEL_ROLLOUT_INVALID,
                             "%s:%u: %u columns, expected %u (%s)", path, line_no, fields->len,
                             csv->n_columns, want),
                 NULL;
        }
      ModelCsvRow *row = g_new0 (ModelCsvRow, 1);
      row->line = line_no;
      g_ptr_array_add (fields, NULL);
      row->fields = (char **) g_ptr_array_free (g_steal_pointer (&fields), FALSE);
      g_ptr_array_add (csv->rows, row);
    }
  if (line_no == 0)
    {
      g_autofree char *want = header_text (columns);
      return base_fail (error, domain, MODEL_ROLLOUT_INVALID,
                         "%s:1: empty file, expected the header \"%s\"", path, want),
             NULL;
    }
  return g_steal_pointer (&csv);
}

ModelCsv *
model_csv_read (const char *path, const char *const *columns, GQuark domain, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_autofree char *text = NULL;
  gsize len = 0;
  g_autoptr (GError) inner = NULL;

  /* a regular file only (a FIFO or /dev/zero would never end) */
  if ((text = base_file_read_regular (path, MODEL_CSV_MAX_BYTES, &len, NULL, &inner)) == NULL)
    return base_fail (error, domain, MODEL_ROLLOUT_NOT_FOUND, "%s: cannot read: %s", path,
                       inner->message),
           NULL;
  return model_csv_parse (text, len, path, columns, domain, error);
}

gboolean
model_csv_fail (GError **error, GQuark domain, const ModelCsv *csv, const ModelCsvRow *row,
                guint column, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *message = NULL;

  va_start (ap, fmt);
  message = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  return base_fail (error, domain, MODEL_ROLLOUT_INVALID, "%s:%u: column %s: %s", csv->path,
                     row->line, column < csv->n_columns ? csv->columns[column] : "?",
                     message);
}

gboolean
model_csv_parse_uint (const char *text, guint64 max, guint64 *out)
{
  guint64 v = 0;

  if (text == NULL || *text == '\0' || strlen (text) > 20)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p < '0' || *p > '9')
        return FALSE;
      guint d = (guint) (*p - '0');
      if (v > (G_MAXUINT64 - d) / 10)
        return FALSE;
      v = v * 10 + d;
    }
  if (v > max)
    return FALSE;
  *out = v;
  return TRUE;
}

gboolean
model_csv_parse_double (const char *text, double *out)
{
  const char *p = text;

  if (text == NULL || strlen (text) > 64)
    return FALSE;
  if (*p == '-' || *p == '+')
    p++;
  if (!g_ascii_isdigit (*p))
    return FALSE;
  while (g_ascii_isdigit (*p))
    p++;
  if (*p == '.')
    {
      p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  if (*p == 'e' || *p == 'E')
    {
      p++;
      if (*p == '-' || *p == '+')
        p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  if (*p != '\0')
    return FALSE;
  errno = 0;
  double v = g_ascii_strtod (text, NULL);
  if (errno == ERANGE || !isfinite (v))
    return FALSE;
  *out = v;
  return TRUE;
}

gboolean
model_csv_parse_date (const char *text, gint32 *out)
{
  gint32 day;
  if (base_time_parse_date (text, &day, NULL) != BASE_TIME_OK || day < FIRST_DAY
      || day > LAST_DAY)
    return FALSE;
  *out = day;
  return TRUE;
}
