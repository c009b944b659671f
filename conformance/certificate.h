/* SPDX-License-Identifier: MIT */
/*
 * Certificates (schema "essc-certificate/1", docs/CERTIFICATE.md): what a
 * registry (registry/) issues for a channel whose signed conformance report
 * (conformance/cert.h) is conformant.  A certificate binds the channel's
 * identity as in ESSC-STD's channel record (id, name, class, tier, parent,
 * public key) to the standard and suite versions, a hash of the vectors, the
 * profile, the report's hash and summary, and every waiver with the reason
 * the issuer accepted; it has a serial, a validity period and the issuer's
 * key id, and is signed (Ed25519, detached, conformance/signature.h) over
 * its canonical JSON.
 *
 * Verification (conf_certificate_check) is what `essc cert verify` runs:
 * it succeeds only for an untouched certificate, signed by the given key,
 * whose verdict is conformant, checked at a time inside its validity and,
 * given the registry's feed (conformance/feed.h), neither revoked nor for a
 * channel the feed lists as suspended or terminated.  Every refusal is a
 * CONF_CERTIFICATE_ERROR whose code names the reason (conf_certificate_
 * reason) and whose message says it in one line.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "conformance/feed.h"
#include "conformance/signature.h"
#include "model/std/keypair.h"

G_BEGIN_DECLS

#define CONF_CERTIFICATE_ERROR (conf_certificate_error_quark ())
GQuark conf_certificate_error_quark (void);

#define CONF_CERTIFICATE_SCHEMA "essc-certificate/1"
#define CONF_CERTIFICATE_STANDARD "ESSC-STD/1.1"
/* The largest certificate read (one is a few KiB). */
#define CONF_CERTIFICATE_MAX_BYTES (1u * 1024 * 1024)

/* Why a certificate is refused: the codes of CONF_CERTIFICATE_ERROR, in the
 * order of the checks (docs/CERTIFICATE.md section 6). */
typedef enum {
  CONF_CERTIFICATE_INPUT = 1,     /* a file missing, unreadable or malformed (exit 2) */
  CONF_CERTIFICATE_UNKNOWN_KEY,   /* "unknown_key": signed by another key */
  CONF_CERTIFICATE_BAD_SIGNATURE, /* "bad_signature": the bytes were changed */
  CONF_CERTIFICATE_NOT_CERTIFICATE, /* "not_a_certificate": a report, a feed... */
  CONF_CERTIFICATE_MALFORMED,     /* "malformed": signed, but not a valid certificate */
  CONF_CERTIFICATE_NOT_CONFORMANT, /* "not_conformant" */
  CONF_CERTIFICATE_NOT_YET_VALID, /* "not_yet_valid": before not_before */
  CONF_CERTIFICATE_EXPIRED,       /* "expired": after not_after */
  CONF_CERTIFICATE_FEED,          /* "feed_invalid": the feed is not the issuer's, or stale */
  CONF_CERTIFICATE_REVOKED,       /* "revoked" in the feed */
  CONF_CERTIFICATE_CHANNEL_NOT_LIVE, /* "channel_not_live": suspended or terminated in the feed */
} ConfCertificateError;

/* The reason's wire name ("expired"...). */
const char *conf_certificate_reason (ConfCertificateError code);

/* The certified channel, as in ESSC-STD table 6.5.  Borrowed strings. */
typedef struct {
  const char *channel_id;       /* CHAN-1 */
  const char *name;             /* CHAN-2 */
  const char *class_name;       /* table 6.1 wire name */
  int tier;                     /* 1 or 2 */
  const char *parent_id;        /* tier 2: the parent's id; tier 1: NULL or "" */
  guint8 public_key[MODEL_KEY_PAIR_PK_LEN];
} ConfCertSubject;

/* A waived test and the reason the issuer accepted for it. */
typedef struct {
  const char *test;
  const char *reason;           /* 1..512 bytes of UTF-8 without control characters */
} ConfCertWaiver;

/* What the issuer decides.  Borrowed. */
typedef struct {
  guint64 serial;               /* 1..2^53-1, unique per issuer */
  ConfCertSubject subject;
  const char *issuer_name;      /* the certifying body, 1..128 bytes */
  gint64 issued_at, not_before, not_after;  /* Unix seconds, not_before < not_after */
  /* One per waived test of the report, in any order; a waived test without
   * an accepted reason, or a reason for a test that is not waived, is refused. */
  const ConfCertWaiver *waivers;
  gsize n_waivers;
} ConfCertIssue;

/*
 * Issues a certificate for the conformance report whose bytes are report
 * (already checked by the caller against the key that signed it).  Refuses
 * with NOT_CONFORMANT a report that is not conformant, with MALFORMED a bad
 * field of issue (naming it), a report that does not parse, or waivers that
 * do not match the report's.  Returns: (transfer full) the certificate's
 * bytes (canonical JSON and "\n"), its length in *len, and the signature
 * file's text in *sig_text; NULL on error.
 */
char *conf_certificate_issue (const ConfCertIssue *issue, const char *report, gsize report_len,
                              const ModelKeyPair *issuer, gsize *len, char **sig_text,
                              GError **error);

/*
 * Checks a certificate's schema and canonical form, without its signature.
 * Returns: (transfer full) the certificate object, or NULL with MALFORMED
 * (or NOT_CERTIFICATE for another schema).
 */
JsonObject *conf_certificate_parse (const char *bytes, gsize len, GError **error);

/* What a check is made against. */
typedef struct {
  gint64 at;                    /* the time of the check, Unix seconds */
  const ConfFeedDoc *feed;      /* NULL: no revocation check */
} ConfCertCheckOptions;

/*
 * The checks of `essc cert verify` (docs/CERTIFICATE.md section 6) on
 * bytes already read: signature (UNKNOWN_KEY, BAD_SIGNATURE), kind
 * (NOT_CERTIFICATE), content (MALFORMED), issuer.key_id (UNKNOWN_KEY),
 * verdict (NOT_CONFORMANT), validity (NOT_YET_VALID, EXPIRED), and with a
 * feed: its issuer (FEED), the serial (REVOKED) and the channel's status
 * (CHANNEL_NOT_LIVE).  Returns: (transfer full) the certificate object, or
 * NULL with the first failure.
 */
JsonObject *conf_certificate_check (const char *bytes, gsize len, const ConfSignature *sig,
                                    const guint8 pk[MODEL_KEY_PAIR_PK_LEN],
                                    const ConfCertCheckOptions *options, GError **error);

/*
 * Reads the files and runs conf_certificate_check: cert_path, its
 * signature (sig_path NULL: cert_path.sig), the public key, and the feed
 * (feed_path NULL: none; its signature feed_path.sig, checked with the same
 * key).  A file that is missing, unreadable or malformed is INPUT.
 */
JsonObject *conf_certificate_verify (const char *cert_path, const char *sig_path,
                                     const char *pub_key_path, const char *feed_path,
                                     gint64 at, GError **error);

G_END_DECLS
