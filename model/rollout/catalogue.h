/* SPDX-License-Identifier: MIT */
/*
 * The simulator's channel catalogue (scenarios/data/channels.csv): every
 * e-card service channel with its class (ESSC-STD's six), tier and tier-1
 * parent, reach (the whole nation, a province or a city of the cities
 * file) and go-live date.  The loader is strict: ids CH + six digits, each
 * once; a known class; tier 1 without a parent, tier 2 with a parent that is
 * a tier-1 channel of the catalogue, reaching at least as far as the child
 * and live no later; a reach of "national" or a code in the cities file; a
 * real date; generated 0 or 1; no name twice.  A bad row gives
 * "FILE:LINE: column NAME: what, expected" (MODEL_CATALOGUE_ERROR,
 * MODEL_ROLLOUT_INVALID).  Read-only once loaded.
 */
#pragma once

#include <glib.h>

#include "model/std/channel.h"
#include "model/rollout/cities.h"

G_BEGIN_DECLS

#define MODEL_CATALOGUE_ERROR (model_catalogue_error_quark ())
GQuark model_catalogue_error_quark (void);

/* Where a channel is offered. */
typedef enum {
  MODEL_REACH_NATIONAL = 0,
  MODEL_REACH_PROVINCE,
  MODEL_REACH_CITY,
} ModelReachKind;

/* One channel.  All fields public, read-only. */
typedef struct {
  char id[9];                /* "CH000123" */
  char *name;                /* UTF-8 */
  ModelChannelClass klass;
  int tier;                  /* 1 or 2 */
  int parent;                /* index of the tier-1 parent in the catalogue; -1 for tier 1 */
  ModelReachKind reach_kind;
  guint32 reach;             /* province code (PROVINCE) or city code (CITY); 0 for NATIONAL */
  gint32 golive;             /* day number (days since 1970-01-01) of the first live day */
  gboolean generated;        /* a modelled entry, not a real channel */
} ModelCatalogueChannel;

/* The catalogue.  Fields above `private` are public: channels in file order. */
typedef struct {
  ModelCatalogueChannel *channels;
  guint n_channels;
  /* private */
  GHashTable *by_id;         /* id -> index + 1 */
} ModelCatalogue;

/* The header of the catalogue file, NULL-terminated. */
extern const char *const model_catalogue_columns[];

/*
 * Loads path, checking reaches against cities.
 * Returns: (transfer full) the catalogue, or NULL with *error set.
 */
ModelCatalogue *model_catalogue_load (const char *path, const ModelCities *cities,
                                      GError **error);
/* The same from bytes in memory; path names them in messages. */
ModelCatalogue *model_catalogue_parse (const char *text, gsize len, const char *path,
                                       const ModelCities *cities, GError **error);

/* The index of the channel with that id ("CH000123"), or -1. */
int model_catalogue_index (const ModelCatalogue *catalogue, const char *id);
/* TRUE when id has the form CH + six digits. */
gboolean model_catalogue_id_valid (const char *id);

/* Channels live on day (golive <= day). */
guint model_catalogue_count_live (const ModelCatalogue *catalogue, gint32 day);
/* TRUE when the channel's reach includes the city. */
gboolean model_catalogue_reaches (const ModelCatalogueChannel *channel, const ModelCity *city);

void model_catalogue_free (ModelCatalogue *catalogue);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelCatalogue, model_catalogue_free)

G_END_DECLS
