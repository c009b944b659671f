/* SPDX-License-Identifier: MIT */
/*
 * Detached Ed25519 signatures of the three signed documents of the
 * conformance bed (docs/CERTIFICATE.md section 2): the conformance report
 * of one run, the certificate a registry issues for a conformant one, and
 * the registry's public feed.  Each kind signs
 *     DOMAIN || 0x00 || document bytes
 * with a domain of its own, and its signature file starts with a header of
 * its own, so a signature of one kind is never valid for another and a
 * reader can tell from the signature file alone what it was given.  The
 * signature file (3 lines: header, signer's key id, 128 hex digits) is
 * parsed strictly, errors naming the file and line.  Errors are
 * CONF_CERT_ERROR (conformance/cert.h) with ModelStdCode codes: MALFORMED,
 * NOT_FOUND, UNKNOWN_KEY (signed by another key), BAD_SIGNATURE.
 */
#pragma once

#include <glib.h>

#include "model/std/keypair.h"

G_BEGIN_DECLS

typedef enum {
  CONF_DOC_REPORT,        /* "essc-conformance-report-v1", sig "essc-report-signature-v1" */
  CONF_DOC_CERTIFICATE,   /* "essc-certificate-v2", sig "essc-certificate-signature-v2" */
  CONF_DOC_FEED,          /* "essc-registry-feed-v1", sig "essc-feed-signature-v1" */
  CONF_DOC_N_KINDS
} ConfDocKind;

/* "conformance report", "certificate", "registry feed". */
const char *conf_doc_kind_describe (ConfDocKind kind);
const char *conf_doc_kind_domain (ConfDocKind kind);
const char *conf_doc_kind_sig_header (ConfDocKind kind);

/* A parsed signature file.  All fields public. */
typedef struct {
  ConfDocKind kind;                      /* from the header */
  guint8 key_id[MODEL_KEY_ID_LEN];
  guint8 sig[MODEL_KEY_PAIR_SIG_LEN];
} ConfSignature;

/* Returns: (transfer full) the signature file's text for bytes of kind. */
char *conf_signature_make (ConfDocKind kind, const ModelKeyPair *key, const char *bytes,
                           gsize len);

/* Parses a signature file's text (any of the three headers); path names it
 * in errors.  MALFORMED naming the line. */
gboolean conf_signature_parse (const char *path, const char *text, gsize len,
                               ConfSignature *out, GError **error);
/* Reads and parses a signature file (at most 4 KiB, a regular file). */
gboolean conf_signature_read (const char *path, ConfSignature *out, GError **error);

/*
 * Checks sig over bytes with the public key pk: the signature's key id is
 * pk's (else UNKNOWN_KEY), then the Ed25519 signature over the domain of
 * sig->kind and the bytes (else BAD_SIGNATURE).
 */
gboolean conf_signature_check (const ConfSignature *sig, const char *bytes, gsize len,
                               const guint8 pk[MODEL_KEY_PAIR_PK_LEN], GError **error);

/* Writes path and path.sig (conf_cert_sig_path), each atomically and
 * durably (temporary file, fsync, rename), mode 0644.  MODEL_STD_INTERNAL
 * on failure. */
gboolean conf_signature_write_pair (const char *path, const char *bytes, gsize len,
                                    const char *sig_text, GError **error);

G_END_DECLS
