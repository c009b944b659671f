/* SPDX-License-Identifier: MIT */
/*
 * Wire-name tables: an enum's values and their names in a table indexed by
 * value, looked up both ways, and a macro that defines a type's two
 * functions over such a table, as G_DEFINE_QUARK defines a quark function.
 * Pure functions: no state, no clock, no I/O.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ---- wire names -------------------------------------------------------- */

/*
 * names[value], or fallback when value is outside 0..n-1 or names[value] is
 * NULL (tables of enums that start at 1 leave index 0 NULL).
 */
const char *base_name_of (const char *const *names, gsize n, int value,
                           const char *fallback);
/* The index i with names[i] equal to name, or -1 (also for a NULL name). */
int base_name_index (const char *const *names, gsize n, const char *name);

/*
 * Defines the two functions of an enum's wire names over a table indexed by
 * enum value, the way G_DEFINE_QUARK defines a quark function:
 *   const char *PREFIX_name (Type value): the name, or fallback;
 *   gboolean PREFIX_from_name (const char *name, Type *out): FALSE for an
 *     unknown or NULL name (out untouched).
 * The header declares them; table is an array (its size is taken).
 */
#define BASE_DEFINE_NAMES(prefix, Type, table, fallback) \
  const char *prefix##_name (Type value) \
  { \
    return base_name_of ((table), G_N_ELEMENTS (table), (int) value, (fallback)); \
  } \
  gboolean prefix##_from_name (const char *name, Type *out) \
  { \
    g_return_val_if_fail (out != NULL, FALSE); \
    int index_ = base_name_index ((table), G_N_ELEMENTS (table), name); \
    if (index_ >= 0) \
      *out = (Type) index_; \
    return index_ >= 0; \
  }

G_END_DECLS
