/* SPDX-License-Identifier: MIT */
/*
 * Conformance certificates: the canonical JSON report of one run of the
 * suite (schema "essc-conformance-report/1", docs/CERTIFICATE.md) and its
 * detached Ed25519 signature, plus the strict parsers of the three small
 * text files around it (secret key, public key, signature).  The runner
 * fills a ConfReport and calls conf_cert_write; `essc cert verify` and the
 * tests call conf_cert_verify.  A certificate verifies only when its
 * signature is right for the exact bytes on disk AND those bytes are the
 * canonical encoding of a well-formed report: so any change at all, even a
 * semantically neutral one, is refused.  Errors are CONF_CERT_ERROR with
 * ModelStdCode codes: MALFORMED (ill-formed file or report), NOT_FOUND
 * (missing file), BAD_SIGNATURE, UNKNOWN_KEY (signed by another key).
 * Secret key material is wiped before every return.  Every file read is
 * bounded in size and must be a regular file (a FIFO never hangs a reader).
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "model/std/keypair.h"
#include "model/std/stdcode.h"

G_BEGIN_DECLS

#define CONF_CERT_ERROR (conf_cert_error_quark ())
GQuark conf_cert_error_quark (void);

#define CONF_CERT_SCHEMA "essc-conformance-report/2"
#define CONF_CERT_SUITE "ESSC-STD/1.1"
/* The signed message is this string, its NUL, then the report's bytes
 * (conformance/signature.h: kind CONF_DOC_REPORT). */
#define CONF_CERT_SIGN_DOMAIN "essc-conformance-report-v1"
#define CONF_CERT_SECRET_HEADER "essc-ed25519-secret-key-v1"
#define CONF_CERT_PUBLIC_HEADER "essc-ed25519-public-key-v1"
#define CONF_CERT_SIG_HEADER "essc-report-signature-v1"
/* The largest certificate read (a full suite's report is well under 1 MiB). */
#define CONF_CERT_MAX_BYTES (16u * 1024 * 1024)
#define CONF_CERT_HASH_LEN 32   /* BLAKE2b-256 of a vector file */

/* ---- the report --------------------------------------------------------- */

/* A test's outcome, as the runner decided it. */
typedef enum {
  CONF_REPORT_PASS,             /* "pass" */
  CONF_REPORT_FAIL,             /* "fail" */
  CONF_REPORT_SKIP,             /* "skip": outside the profile */
  CONF_REPORT_NOT_IMPLEMENTED,  /* "not_implemented": unimplemented or exit 89 */
  CONF_REPORT_WAIVED,           /* "waived": failed, with a waiver */
  CONF_REPORT_NOT_RUN,          /* "not_run": never played (the run stopped early) */
  CONF_REPORT_N_VERDICTS
} ConfReportVerdict;

const char *conf_report_verdict_name (ConfReportVerdict value);
gboolean conf_report_verdict_from_name (const char *name, ConfReportVerdict *out);

typedef struct {
  const char *name;                 /* unique in the report */
  const char *const *requirements;  /* NULL-terminated ids ("QR-5"); NULL: none */
  ConfReportVerdict verdict;
} ConfReportTest;

typedef struct {
  const char *file;                          /* as the runner names it; unique */
  guint8 blake2b[CONF_CERT_HASH_LEN];        /* conf_report_hash_file */
} ConfReportVector;

typedef struct {
  const char *command;   /* the command line the runner started */
  const char *name;      /* from the IUT's hello */
  const char *version;   /* from the IUT's hello */
  const char *role;      /* "platform", "channel" or "verifier" */
} ConfReportIut;

/*
 * What the runner knows after a run.  All fields are borrowed.  The report's
 * summary, verdict and waivers_used are derived from tests, and signer from
 * the signing key, so that a report can never contradict itself: verdict is
 * "conformant" exactly when no test failed and none was not implemented.
 */
typedef struct {
  const char *essc_version;          /* NULL: this build's ESSC_VERSION */
  const ConfReportVector *vectors;   /* in the order to list them */
  gsize n_vectors;
  JsonObject *profile;               /* NULL: {}; numbers must be integers */
  ConfReportIut iut;
  gint64 started_at, ended_at;       /* Unix seconds, started_at <= ended_at */
  const ConfReportTest *tests;       /* at least one, in run order */
  gsize n_tests;
} ConfReport;

/* BLAKE2b-256 of a file's bytes (for ConfReportVector.blake2b). */
gboolean conf_report_hash_file (const char *path, guint8 out[CONF_CERT_HASH_LEN],
                                GError **error);

/*
 * The report as a JSON tree, signed (in signer.key_id) by key_id.  Checks
 * every field (text rules, unique names, times, role).  Returns: (transfer
 * full) or NULL with MALFORMED naming the field.
 */
JsonNode *conf_report_to_json (const ConfReport *report,
                               const guint8 key_id[MODEL_KEY_ID_LEN], GError **error);
/*
 * The certificate's bytes: canonical JSON of conf_report_to_json followed by
 * one "\n".  *len (may be NULL) gets their length.  Returns: (transfer full)
 * NUL-terminated, or NULL with MALFORMED.
 */
char *conf_report_canonical (const ConfReport *report,
                             const guint8 key_id[MODEL_KEY_ID_LEN], gsize *len,
                             GError **error);

/* ---- key and signature files --------------------------------------------- */

/*
 * Reads a secret key file (mode 0600 or stricter: a file others may read is
 * refused).  Returns: (transfer full) the key pair, or NULL with an error
 * naming the file and line.
 */
ModelKeyPair *conf_cert_read_secret_key (const char *path, GError **error);
/* Reads a public key file; checks the key and that its key id line matches. */
gboolean conf_cert_read_public_key (const char *path, guint8 pk[MODEL_KEY_PAIR_PK_LEN],
                                    guint8 key_id[MODEL_KEY_ID_LEN], GError **error);
/* The same checks on a public key file's text (len bytes; NUL bytes refused);
 * errors name `name` where they would name the file. */
gboolean conf_cert_parse_public_key (const char *name, const char *text, gsize len,
                                     guint8 pk[MODEL_KEY_PAIR_PK_LEN],
                                     guint8 key_id[MODEL_KEY_ID_LEN], GError **error);
/* Reads a detached signature file. */
gboolean conf_cert_read_signature (const char *path, guint8 key_id[MODEL_KEY_ID_LEN],
                                   guint8 sig[MODEL_KEY_PAIR_SIG_LEN], GError **error);

/* Returns: (transfer full) the text of the key files of key, in their formats. */
char *conf_cert_format_secret_key (const ModelKeyPair *key);
char *conf_cert_format_public_key (const ModelKeyPair *key);

/* Returns: (transfer full) cert_path with ".sig" appended. */
char *conf_cert_sig_path (const char *cert_path);

/* Reads a certificate's bytes (at most CONF_CERT_MAX_BYTES).  Returns:
 * (transfer full) NUL-terminated, or NULL. */
char *conf_cert_load (const char *path, gsize *len, GError **error);

/* ---- writing and checking -------------------------------------------------- */

/*
 * Signs report with the key in secret_key_file and writes cert_path (the
 * bytes of conf_report_canonical) and cert_path.sig, each atomically.
 */
gboolean conf_cert_write (const ConfReport *report, const char *secret_key_file,
                          const char *cert_path, GError **error);

/*
 * Checks a report's schema and canonical form, without its signature.
 * Returns: (transfer full) the report object, or NULL with MALFORMED.
 */
JsonObject *conf_cert_parse (const char *cert, gsize len, GError **error);

/*
 * Checks certificate bytes against a public key and a signature file's
 * contents, in this order: the signature's key id is the public key's
 * (UNKNOWN_KEY), the signature over the bytes (BAD_SIGNATURE), then
 * conf_cert_parse and signer.key_id (MALFORMED, UNKNOWN_KEY).
 * Returns: (transfer full) the report object, or NULL.
 */
JsonObject *conf_cert_check (const char *cert, gsize len,
                             const guint8 pk[MODEL_KEY_PAIR_PK_LEN],
                             const guint8 sig_key_id[MODEL_KEY_ID_LEN],
                             const guint8 sig[MODEL_KEY_PAIR_SIG_LEN], GError **error);

/*
 * Reads the three files (sig_path NULL: cert_path.sig) and checks them with
 * conf_cert_check.  out_report (may be NULL) gets (transfer full) the report.
 */
gboolean conf_cert_verify (const char *cert_path, const char *pub_key_path,
                           const char *sig_path, JsonObject **out_report, GError **error);

G_END_DECLS
