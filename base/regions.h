/* SPDX-License-Identifier: MIT */
/*
 * The GB/T 2260 region codes: every code of the 2023 county list
 * (base/data/counties-2023.csv), its prefecture parts and provinces, with a
 * display name, compiled in (sorted by code) by tools/gen-regions.sh.  The
 * standard's id module checks a citizen ID's region with it and the rollout's
 * city table checks its codes; no I/O at run time.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint32 code;      /* six-digit GB/T 2260 code */
  const char *name;  /* province, prefecture and county names, UTF-8 */
} BaseRegion;

/* The generated table, sorted by code. */
extern const BaseRegion base_regions[];
extern const gsize base_regions_len;

/* The display name of a six-digit code, or NULL when the list lacks it. */
const char *base_region_name (guint32 code);

G_END_DECLS
