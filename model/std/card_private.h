/* SPDX-License-Identifier: MIT */
/*
 * The inside of the card registry, shared by the two files that implement
 * model/std/card.h: model/std/card.c (physical cards, names, the status machine) and
 * model/std/ecard.c (e-cards: issuance, upgrade, revocation, look-ups, the status
 * feed, their foreach and restore).  Only those two files include this
 * header; everyone else sees ModelCardRegistry as opaque.  The functions
 * below are the helpers one file needs from the other; they check nothing
 * beyond what their comment says.
 */
#pragma once

#include <string.h>

#include "model/std/card.h"

G_BEGIN_DECLS

struct _ModelCardRegistry {
  GHashTable *cards;   /* char *card_no (inside the value) -> ModelCard *, owned */
  GHashTable *ecards;  /* guint8 *id (inside the value) -> ModelEcard *, owned */
  GHashTable *live;    /* char *ssn -> ModelCard * of the SSN's live card */
  GHashTable *active;  /* char *card_no -> ModelEcard * active for that card */
  gboolean seeded;
  guint8 seed[MODEL_CARD_SEED_LEN];
  guint64 counter;     /* next deterministic id derivation */
};

/* TRUE when the fixed array holds a NUL-terminated string. */
#define MODEL_CARD_TERMINATED(field) (memchr ((field), '\0', sizeof (field)) != NULL)

/* card.c: the card card_no, or NULL with NOT_FOUND naming card_no. */
ModelCard *model_card_priv_find_card (ModelCardRegistry *r, const char *card_no,
                                      GError **error);

/* card.c: the values of table, sorted by cmp (which compares pointers to
 * values).  Returns: (transfer container). */
GPtrArray *model_card_priv_sorted_values (GHashTable *table, GCompareFunc cmp);

/* ecard.c: makes the active e-card e revoked at now for reason and drops it
 * from the active index. */
void model_card_priv_revoke (ModelCardRegistry *r, ModelEcard *e, ModelEcardReason reason,
                             gint64 now);

G_END_DECLS
