/* SPDX-License-Identifier: MIT */
/*
 * The service times of the platform latency model, from essc bench's
 * measurements: each request kind the model queues (qr_verify, login,
 * query, payment, status_change) costs the sum of the measured seconds of
 * the reference operations it is made of.  Written as a small CSV file
 * (scenarios/data/service-times.csv is one) that names the operations and
 * where and when they were measured.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Measured seconds per operation, one core.  All fields public. */
typedef struct {
  double qr_verify;          /* qr: verify (2 signatures, status, replay) */
  double credential_verify;  /* credential: verify + status look-up */
  double channel_verify;     /* channel: verify a signed request */
  double consent;            /* consent: three-authorisation check */
  double settlement_sql;     /* ledger: post a settlement (SQLite transaction) */
  double card_loss;          /* issuer: report a card lost (status, audit) */
} EsscBenchCosts;

/*
 * The CSV text: the header line "kind,seconds,operations,measured", then one
 * line per request kind in the order above; seconds printed "%.9f" in any
 * locale; operations says what was summed; measured is the given text
 * (fields quoted per RFC 4180 where they hold a comma, quote or line break;
 * LF line ends).
 * Returns: (transfer full)
 */
char *essc_bench_service_csv (const EsscBenchCosts *costs, const char *measured);

/*
 * FALSE with a G_FILE_ERROR naming path when path cannot be written: its
 * directory is missing or not writable, or path is a directory.  Lets the
 * caller refuse the path before spending time measuring.
 */
gboolean essc_bench_service_check (const char *path, GError **error);

/*
 * Writes essc_bench_service_csv to path atomically (g_file_set_contents),
 * measured being "essc VERSION on HOST YYYY-MM-DD" (UTC date).  On failure
 * nothing is left at path and the G_FILE_ERROR names it.
 */
gboolean essc_bench_service_write (const char *path, const EsscBenchCosts *costs,
                                   GError **error);

G_END_DECLS
