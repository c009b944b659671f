/* SPDX-License-Identifier: MIT */
/*
 * The fixture shared by the store tests (tests/std/test_store.c: round trips
 * and a failed save; test_store_file.c: the file's identity, refused files
 * and tampering): temporary directories removed with their files, raw SQL
 * run through a separate SQLite connection (as an intruder would) and a
 * canonical dump of a database's rows, and a world of every model/std/ table
 * populated by fixed steps, saved and loaded with assertions.  A failed
 * step aborts the test.
 */
#pragma once

#include "model/std/store.h"
#include "tests/lib/testutil.h"

G_BEGIN_DECLS

#define T0 ESSC_TEST_NOW
#define SSN1 fx_store_ssn ("11010519491231002")
#define SSN2 fx_store_ssn ("44052418800101001")
#define SSN3 fx_store_ssn ("31010119900202002")
#define SSN4 fx_store_ssn ("51010719700707004")
#define SSN5 fx_store_ssn ("44030519850505003")

/* A temporary directory (its path), removed with its files when freed. */
typedef char FxStoreTmpDir;

/* Every model/std/ table, populated by fx_store_world_populated. */
typedef struct
{
  ModelCardRegistry *cards;
  ModelPinTable *pins;
  ModelChannelRegistry *channels;
  ModelConsentStore *consents;
  ModelLedger *ledger;
  ModelAuditLog *audit;
  ModelTrustList *trust;
  ModelState state;                      /* borrows the above */
  guint8 ecard_pay[MODEL_ECARD_ID_LEN];  /* active level 2, card A00000001 */
  guint8 ecard_gone[MODEL_ECARD_ID_LEN]; /* revoked with its lost card */
} FxStoreWorld;

/* A fresh temporary directory; fx_store_tmp_path names a file in it. */
FxStoreTmpDir *fx_store_tmpdir_new (void);

void fx_store_tmpdir_free (FxStoreTmpDir *dir);

char *fx_store_tmp_path (FxStoreTmpDir *dir, const char *name);

/* Runs sql on path through a connection of its own. */
void fx_store_sql_run (const char *path, const char *sql);

/* The first column of the first row of sql, as text. */
char *fx_store_sql_text (const char *path, const char *sql);

/* Every row of every table, in key order, one line per row. */
char *fx_store_dump (const char *path);

/* An empty world; fx_store_world_populated fills every table. */
FxStoreWorld *fx_store_world_new (void);

void fx_store_world_free (FxStoreWorld *w);

/* The valid citizen ID whose first 17 digits are digits17. */
const char *fx_store_ssn (const char *digits17);

FxStoreWorld *fx_store_world_populated (void);

/* Opens, saves or loads (at T0 + 5000) path; each must succeed. */
ModelStore *fx_store_open_ok (const char *path);

void fx_store_save_ok (const char *path, FxStoreWorld *w);

FxStoreWorld *fx_store_load_ok (const char *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FxStoreTmpDir, fx_store_tmpdir_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FxStoreWorld, fx_store_world_free)

G_END_DECLS
