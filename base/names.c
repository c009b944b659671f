/* SPDX-License-Identifier: MIT */
/*
 * The functions of base/names.h.
 */
#include "base/names.h"

#include <string.h>

/* ---- wire names -------------------------------------------------------- */

const char *
base_name_of (const char *const *names, gsize n, int value, const char *fallback)
{
  if (value < 0 || (gsize) value >= n || names[value] == NULL)
    return fallback;
  return names[value];
}

int
base_name_index (const char *const *names, gsize n, const char *name)
{
  if (name == NULL)
    return -1;
  for (gsize i = 0; i < n; i++)
    if (names[i] != NULL && strcmp (names[i], name) == 0)
      return (int) i;
  return -1;
}

