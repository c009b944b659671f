/* SPDX-License-Identifier: MIT */
/*
 * The outlines of China's provincial-level divisions, for the run report's
 * maps: the 31 of the mainland (the city table's provinces) and Taiwan,
 * Hong Kong and Macao (outlined, never simulated), each with its GB/T 2260
 * code, full and short Chinese name and a label point.  Compiled in by
 * tools/gen-borders.sh from model/rollout/data/provinces.csv and
 * province-borders.csv (Natural Earth, public domain, simplified: see
 * model/rollout/data/README.md), so a run needs no file for them; the run
 * database copies them (tables province_label and province_border), and
 * the report draws them from there.  Read-only data, no I/O.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A division.  All fields are public. */
typedef struct {
  guint32 code;             /* xx0000 */
  const char *name;         /* 广东省 */
  const char *short_name;   /* 广东 */
  double label_lon, label_lat;  /* WGS-84 degrees */
} ModelBorderProvince;

/* A vertex of an outline.  All fields are public.  The vertices of a ring
 * are consecutive, in order, and the ring is closed (its last vertex is its
 * first). */
typedef struct {
  guint32 code;   /* the division's */
  guint32 ring;   /* 0, 1, ... within the division (islands are rings) */
  double lon, lat;
} ModelBorderVertex;

/* The generated tables: divisions sorted by code; vertices by code, ring
 * and order along the ring. */
extern const ModelBorderProvince model_border_provinces[];
extern const gsize model_border_n_provinces;
extern const ModelBorderVertex model_border_vertices[];
extern const gsize model_border_n_vertices;

G_END_DECLS
