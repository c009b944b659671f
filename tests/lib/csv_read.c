/* SPDX-License-Identifier: MIT */
/*
 * Reading CSV back in the tests (see csv_read.h): a state machine over the
 * bytes, one field at a time.
 */
#include "tests/lib/csv_read.h"

static void
field_free (gpointer p)
{
  CsvField *f = p;
  g_free (f->text);
  g_free (f);
}

static void
add_field (GPtrArray *record, GString *text, gboolean quoted)
{
  CsvField *f = g_new0 (CsvField, 1);
  if (quoted || text->len > 0)
    {
      f->len = text->len;
      f->text = g_memdup2 (text->str, text->len + 1);
    }
  g_ptr_array_add (record, f);
  g_string_truncate (text, 0);
}

GPtrArray *
csv_read (const char *data, gsize len, char **problem)
{
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func
      ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr (GString) text = g_string_new (NULL);
  GPtrArray *record = NULL;
  gsize i = 0;
  *problem = NULL;
  while (i < len)
    {
      if (record == NULL)
        {
          record = g_ptr_array_new_with_free_func (field_free);
          g_ptr_array_add (records, record);
        }
      gboolean quoted = data[i] == '"';
      if (quoted)
        {
          for (i++;; i++)
            {
              if (i >= len)
                {
                  *problem = g_strdup_printf ("byte %" G_GSIZE_FORMAT ": unclosed quote", i);
                  return NULL;
                }
              if (data[i] == '"' && i + 1 < len && data[i + 1] == '"')
                g_string_append_c (text, '"'), i++;
              else if (data[i] == '"')
                break;
              else
                g_string_append_c (text, data[i]);
            }
          i++;   /* the closing quote */
        }
      else
        for (; i < len && data[i] != ',' && data[i] != '\r' && data[i] != '\n'; i++)
          {
            if (data[i] == '"')
              {
                *problem = g_strdup_printf ("byte %" G_GSIZE_FORMAT ": a quote inside an "
                                            "unquoted field", i);
                return NULL;
              }
            g_string_append_c (text, data[i]);
          }
      add_field (record, text, quoted);
      if (i < len && data[i] == ',')
        {
          i++;
          if (i == len)
            {
              *problem = g_strdup ("a comma at the end of the data");
              return NULL;
            }
          continue;
        }
      if (i + 1 < len && data[i] == '\r' && data[i + 1] == '\n')
        {
          i += 2;
          record = NULL;
          continue;
        }
      *problem = g_strdup_printf ("byte %" G_GSIZE_FORMAT ": %s", i,
                                  i >= len ? "no CR LF after the last record"
                                  : data[i] == '\r' || data[i] == '\n' ? "a bare CR or LF"
                                  : "text after a closing quote");
      return NULL;
    }
  return g_steal_pointer (&records);
}

const char *
csv_text (GPtrArray *records, guint row, guint col)
{
  g_assert_cmpuint (row, <, records->len);
  GPtrArray *record = records->pdata[row];
  g_assert_cmpuint (col, <, record->len);
  return ((CsvField *) record->pdata[col])->text;
}
