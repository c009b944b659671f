/* SPDX-License-Identifier: MIT */
/*
 * Fixtures shared by the certificate tests (tests/conformance/test_cert.c,
 * the library, and test_cert_cli.c, `essc keygen` and `essc cert`): a small
 * ConfReport with one test per chosen verdict, temporary directories removed
 * with their files, key and other files written with a given mode, and a
 * check that an error message contains a phrase.  A failed set-up step
 * aborts the test.
 */
#pragma once

#include "conformance/cert.h"
#include "tests/lib/testutil.h"

G_BEGIN_DECLS

/* A small report with one test of each verdict in `verdicts` (up to 5);
 * fx_cert_clear frees it. */
typedef struct {
  ConfReportVector vectors[2];
  ConfReportTest tests[5];
  ConfReport report;
  JsonObject *profile;
} FxCertFixture;

void fx_cert_init (FxCertFixture *f, const ConfReportVerdict *verdicts, gsize n);
void fx_cert_clear (FxCertFixture *f);

/* One of each verdict, for fx_cert_init. */
extern const ConfReportVerdict fx_cert_mixed[5];
/* A key id that is no real key's. */
extern const guint8 fx_cert_some_id[MODEL_KEY_ID_LEN];

/* Returns: (transfer full) a fresh directory; fx_cert_tmpdir_remove removes
 * it with its files and frees dir. */
char *fx_cert_tmpdir_new (void);
void fx_cert_tmpdir_remove (char *dir);

/* Writes path with data (len -1: a string) and the given mode. */
void fx_cert_put_file (const char *path, const char *data, gssize len, int mode);
/* Returns: (transfer full) the key of seed byte s, written to DIR/NAME.key
 * and DIR/NAME.pub. */
ModelKeyPair *fx_cert_put_key (const char *dir, const char *name, guint8 s);
/* Aborts the test unless error is set and its message contains part. */
void fx_cert_assert_message (const GError *error, const char *part);

G_END_DECLS
