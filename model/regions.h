/* SPDX-License-Identifier: MIT */
/*
 * The compiled-in region code table: every code of the 2023 county list
 * (model/data/counties-2023.csv), its prefecture parts and provinces, sorted
 * by code, generated at build time by tools/gen-regions.sh.  Used by model/id.
 */
#pragma once

#include <glib.h>

typedef struct {
  guint32 code;      /* six-digit GB/T 2260 code */
  const char *name;  /* province, prefecture and county names, UTF-8 */
} ModelRegion;

extern const ModelRegion model_regions[];
extern const gsize model_regions_len;
