/* SPDX-License-Identifier: MIT */
/*
 * Tests of the registry's schema essc-registry/2 (registry/token.h and the
 * new history entries): a staff and a vendor token issued and
 * authenticated; a revoked token, an unknown id, a tampered secret and
 * malformed texts (wrong length, uppercase, no prefix, a NUL, huge, empty)
 * refused with their messages; the history holding each entry with its
 * actor; the file holding the secret's hash and never the secret; `essc
 * registry check` passing.  A registry of the old schema essc-registry/1
 * (tests/data/registry/v1.db, made by essc before this schema existed: init
 * and one application) opens, reads and checks, is upgraded by the first
 * token (registry.upgrade and token.issue in one transaction) and checks
 * again.  An application with the public key's text and a vendor; the
 * vendor of each channel; and a /2 file missing a new table refused.
 */
#include "base/hex.h"
#include "registry/change.h"
#include "registry/check.h"
#include "registry/token.h"
#include "tests/lib/registry_fixture.h"
#include "tests/lib/testutil.h"

#include <sodium.h>
#include <string.h>

#define T0 1590969600   /* 2020-06-01T00:00:00Z: the fixture's minute 0 */

static gint64
at (int minutes)
{
  return T0 + 60 * (gint64) minutes;
}

/* reg_check passes, and so does `essc registry check`. */
static void
assert_checks (RegFx *f, const char *path)
{
  g_autoptr (GError) e = NULL;
  g_autoptr (RegDb) db = reg_db_open (path, FALSE, &e);
  g_assert_no_error (e);
  g_assert_true (reg_check (db, NULL, NULL, &e));
  g_assert_no_error (e);
  FixtureRun r;
  rfx_essc (f, &r, "registry", "check", "--db", path, NULL);
  rfx_expect (&r, 0, "intact");
}

/* reg_token_authenticate refuses text with a message holding part. */
static void
assert_refused (const char *path, const char *text, const char *part)
{
  g_autoptr (GError) e = NULL;
  g_autoptr (RegDb) db = reg_db_open (path, FALSE, &e);
  g_assert_no_error (e);
  g_autoptr (RegToken) t = reg_token_authenticate (db, text, &e);
  g_assert_null (t);
  g_assert_error (e, REG_ERROR, REG_ERROR_REFUSED);
  if (strstr (e->message, part) == NULL)
    g_error ("expected '%s' in '%s'", part, e->message);
}

static RegToken *
authenticate (const char *path, const char *text)
{
  g_autoptr (GError) e = NULL;
  g_autoptr (RegDb) db = reg_db_open (path, FALSE, &e);
  g_assert_no_error (e);
  RegToken *t = reg_token_authenticate (db, text, &e);
  g_assert_no_error (e);
  g_assert_nonnull (t);
  return t;
}

static char *
issue (const char *path, int minute, const char *actor, const char *role, const char *subject,
       const char *label, RegToken **out)
{
  RegCtx ctx = { path, at (minute), actor };
  g_autoptr (GError) e = NULL;
  char *secret = NULL;
  g_assert_true (reg_token_issue (&ctx, role, subject, label, &secret, out, &e));
  g_assert_no_error (e);
  g_assert_cmpuint (strlen (secret), ==, REG_TOKEN_TEXT_LEN);
  g_assert_true (g_str_has_prefix (secret, "essc_"));
  return secret;
}

/* The history's entries as "ACTOR ACTION" lines. */
static char *
history_lines (const char *path)
{
  g_autoptr (GError) e = NULL;
  g_autoptr (RegDb) db = reg_db_open (path, FALSE, &e);
  g_assert_no_error (e);
  const ModelAuditLog *log = reg_db_history (db, &e);
  g_assert_no_error (e);
  GString *s = g_string_new (NULL);
  for (guint64 i = 0; i < model_audit_log_length (log); i++)
    {
      const ModelAuditEntry *x = model_audit_log_entry (log, i);
      g_string_append_printf (s, "%s %s\n", x->actor, x->action);
    }
  return g_string_free (s, FALSE);
}

static gboolean
file_has (const char *path, const char *needle)
{
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
  gsize n = strlen (needle);
  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (bytes + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static void
test_tokens (void)
{
  RegFx f;
  rfx_new (&f, "tokens");
  rfx_init_registry (&f, "CH000001", "测试渠道", NULL);

  g_autoptr (RegToken) staff_row = NULL, vendor_row = NULL;
  g_autofree char *staff = issue (f.db, 2, "registry", REG_TOKEN_STAFF, "alice", "ops desk",
                                  &staff_row);
  g_autofree char *vendor = issue (f.db, 3, "staff:alice", REG_TOKEN_VENDOR, "acme",
                                   "CI of 银行 app", &vendor_row);
  g_assert_cmpstr (staff_row->role, ==, "staff");
  g_assert_cmpstr (vendor_row->subject, ==, "acme");
  g_assert_cmpstr (vendor_row->issued_by, ==, "staff:alice");
  g_assert_cmpint (vendor_row->issued_at, ==, at (3));
  g_assert_cmpstr (vendor_row->label, ==, "CI of 银行 app");
  g_assert_true (strstr (vendor, vendor_row->id) == vendor + 5);

  /* Each authenticates as itself. */
  g_autoptr (RegToken) s = authenticate (f.db, staff);
  g_autoptr (RegToken) v = authenticate (f.db, vendor);
  g_autofree char *sa = reg_token_actor (s), *va = reg_token_actor (v);
  g_assert_cmpstr (sa, ==, "staff:alice");
  g_assert_cmpstr (va, ==, "vendor:acme");
  g_assert_cmpstr (s->id, ==, staff_row->id);

  /* The file holds the secret's hash, never the secret. */
  const char *secret_hex = vendor + 5 + REG_TOKEN_ID_HEX + 1;
  guint8 secret[REG_TOKEN_SECRET_LEN], h[REG_HASH_LEN];
  char hex[2 * REG_HASH_LEN + 1];
  g_assert_cmpint (base_hex_decode (secret_hex, strlen (secret_hex), secret, NULL), ==,
                   BASE_HEX_OK);
  crypto_generichash (h, sizeof h, secret, sizeof secret, NULL, 0);
  base_hex_encode (h, sizeof h, hex);
  g_assert_true (file_has (f.db, hex));
  g_assert_false (file_has (f.db, secret_hex));
  g_assert_false (file_has (f.db, staff + 5 + REG_TOKEN_ID_HEX + 1));

  /* A tampered secret, an unknown id, malformed texts. */
  g_autofree char *tampered = g_strdup (vendor);
  char *last = tampered + REG_TOKEN_TEXT_LEN - 1;
  *last = *last == '0' ? '1' : '0';
  assert_refused (f.db, tampered, "unknown token");
  g_autofree char *unknown = g_strdup (vendor);
  memcpy (unknown + 5, staff_row->id[0] == 'f' ? "eeeeeeeeeeee" : "ffffffffffff", 12);
  assert_refused (f.db, unknown, "unknown token");
  g_autofree char *shorter = g_strndup (vendor, REG_TOKEN_TEXT_LEN - 1);
  assert_refused (f.db, shorter, "malformed token");
  g_autofree char *longer = g_strconcat (vendor, "0", NULL);
  assert_refused (f.db, longer, "malformed token");
  g_autofree char *upper = g_ascii_strup (vendor, -1);
  memcpy (upper, "essc_", 5);
  assert_refused (f.db, upper, "malformed token");
  g_autofree char *prefix = g_strdup (vendor);
  prefix[0] = 'x';
  assert_refused (f.db, prefix, "malformed token");
  g_autofree char *sep = g_strdup (vendor);
  sep[5 + REG_TOKEN_ID_HEX] = '-';
  assert_refused (f.db, sep, "malformed token");
  g_autofree char *nul = g_strdup (vendor);
  nul[40] = '\0';   /* what a C string holding a NUL is cut to */
  assert_refused (f.db, nul, "malformed token");
  g_autofree char *huge = g_strnfill (1 << 20, 'a');
  assert_refused (f.db, huge, "malformed token");
  assert_refused (f.db, "", "malformed token");
  assert_refused (f.db, NULL, "malformed token");
  g_autofree char *spaced = g_strconcat (" ", vendor + 1, NULL);
  assert_refused (f.db, spaced, "malformed token");

  /* Revoked: refused; revoking again, or an unknown id, is refused. */
  RegCtx ctx = { f.db, at (4), "staff:alice" };
  g_autoptr (GError) e = NULL;
  g_assert_true (reg_token_revoke (&ctx, vendor_row->id, "vendor left", &e));
  g_assert_no_error (e);
  g_autofree char *revoked = g_strdup_printf ("token %s was revoked", vendor_row->id);
  assert_refused (f.db, vendor, revoked);
  assert_refused (f.db, tampered, "unknown token");   /* no hint that the id exists */
  g_assert_false (reg_token_revoke (&ctx, vendor_row->id, "again", &e));
  g_assert_error (e, REG_ERROR, REG_ERROR_REFUSED);
  g_assert_nonnull (strstr (e->message, "already revoked"));
  g_clear_error (&e);
  g_assert_false (reg_token_revoke (&ctx, "0123456789ab", "none", &e));
  g_assert_error (e, REG_ERROR, REG_ERROR_REFUSED);
  g_clear_error (&e);
  g_assert_false (reg_token_revoke (&ctx, "0123", "short", &e));
  g_assert_error (e, REG_ERROR, REG_ERROR_INPUT);
  g_clear_error (&e);
  g_autoptr (RegToken) still = authenticate (f.db, staff);

  /* Bad values: nothing written. */
  char *secret_out = NULL;
  const char *bad_subjects[] = { "", "Alice", "-x", "a b", "a/../b",
                                 "abcdefghijklmnopqrstuvwxyz0123456", "名字" };
  for (guint i = 0; i < G_N_ELEMENTS (bad_subjects); i++)
    {
      g_assert_false (reg_token_issue (&ctx, REG_TOKEN_VENDOR, bad_subjects[i], "", &secret_out,
                                       NULL, &e));
      g_assert_error (e, REG_ERROR, REG_ERROR_INPUT);
      g_assert_nonnull (strstr (e->message, "vendor id"));
      g_clear_error (&e);
    }
  g_assert_false (reg_token_issue (&ctx, "admin", "bob", "", &secret_out, NULL, &e));
  g_assert_error (e, REG_ERROR, REG_ERROR_INPUT);
  g_clear_error (&e);
  g_assert_false (reg_token_issue (&ctx, REG_TOKEN_STAFF, "bob", "tab\there", &secret_out, NULL,
                                   &e));
  g_assert_error (e, REG_ERROR, REG_ERROR_INPUT);
  g_clear_error (&e);
  g_assert_null (secret_out);

  /* The list, and the history with each actor. */
  {
    g_autoptr (RegDb) db = reg_db_open (f.db, FALSE, &e);
    g_assert_no_error (e);
    g_autoptr (GPtrArray) all = reg_db_tokens (db, NULL, &e);
    g_autoptr (GPtrArray) acme = reg_db_tokens (db, "acme", &e);
    g_assert_no_error (e);
    g_assert_cmpuint (all->len, ==, 2);
    g_assert_cmpuint (acme->len, ==, 1);
    RegToken *t = acme->pdata[0];
    g_assert_cmpint (t->revoked_at, ==, at (4));
    g_assert_cmpstr (t->revoke_reason, ==, "vendor left");
  }
  g_autofree char *hist = history_lines (f.db);
  g_assert_cmpstr (hist, ==, "registry registry.init\n"
                             "registry channel.apply\n"
                             "registry token.issue\n"
                             "staff:alice token.issue\n"
                             "staff:alice token.revoke\n");
  assert_checks (&f, f.db);

  /* A token row edited behind the history's back is found by the check. */
  g_autofree char *copy = g_build_filename (f.dir, "edited.db", NULL);
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (f.db, &bytes, &len, NULL));
  g_assert_true (g_file_set_contents (copy, bytes, (gssize) len, NULL));
  rfx_sql (copy, "UPDATE token SET revoked_at = NULL, revoke_reason = NULL");
  {
    g_autoptr (RegDb) db = reg_db_open (copy, FALSE, &e);
    g_assert_no_error (e);
    g_assert_false (reg_check (db, NULL, NULL, &e));
    g_assert_error (e, REG_ERROR, REG_ERROR_DAMAGED);
    g_assert_nonnull (strstr (e->message, "table token"));
  }
  rfx_free (&f);
}

/* Copies the /1 fixture into f's directory. */
static char *
copy_v1 (RegFx *f, const char *name)
{
  g_autofree char *src = g_build_filename (fx.src, "tests", "data", "registry",
                                           "v1.db", NULL);
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (src, &bytes, &len, NULL));
  char *path = g_build_filename (f->dir, name, NULL);
  g_assert_true (g_file_set_contents (path, bytes, (gssize) len, NULL));
  return path;
}

static void
test_upgrade (void)
{
  RegFx f;
  rfx_new (&f, "upgrade");
  g_autofree char *v1 = copy_v1 (&f, "v1.db");
  g_autoptr (GError) e = NULL;
  {
    g_autoptr (RegDb) db = reg_db_open (v1, FALSE, &e);
    g_assert_no_error (e);
    g_assert_cmpint (reg_db_schema_version (db), ==, 1);
    g_autoptr (GPtrArray) tokens = reg_db_tokens (db, NULL, &e);
    g_assert_no_error (e);
    g_assert_cmpuint (tokens->len, ==, 0);
    g_autofree char *vendor = reg_db_channel_vendor (db, "CH000001", &e);
    g_assert_no_error (e);
    g_assert_cmpstr (vendor, ==, "");
    g_autoptr (RegToken) t = reg_token_authenticate (db, "essc_0123456789ab_"
                                                     "00000000000000000000000000000000"
                                                     "00000000000000000000000000000000", &e);
    g_assert_null (t);
    g_assert_error (e, REG_ERROR, REG_ERROR_REFUSED);
    g_clear_error (&e);
  }
  assert_checks (&f, v1);
  FixtureRun r;
  rfx_essc (&f, &r, "registry", "list", "--db", v1, NULL);
  rfx_expect (&r, 0, "CH000001");
  g_autofree char *before = rfx_sql_text (v1, "SELECT value FROM meta WHERE key = 'schema'");
  g_assert_cmpstr (before, ==, "essc-registry/1");

  /* A refused revoke writes nothing (no upgrade either). */
  RegCtx ctx = { v1, at (10), "registry" };
  g_assert_false (reg_token_revoke (&ctx, "0123456789ab", "none", &e));
  g_assert_error (e, REG_ERROR, REG_ERROR_REFUSED);
  g_clear_error (&e);
  g_autofree char *still = rfx_sql_text (v1, "SELECT value FROM meta WHERE key = 'schema'");
  g_assert_cmpstr (still, ==, "essc-registry/1");

  /* The first token upgrades it, in the same transaction. */
  g_autofree char *staff = issue (v1, 10, "registry", REG_TOKEN_STAFF, "alice", "", NULL);
  g_autofree char *after = rfx_sql_text (v1, "SELECT value FROM meta WHERE key = 'schema'");
  g_assert_cmpstr (after, ==, "essc-registry/2");
  g_autofree char *hist = history_lines (v1);
  g_assert_cmpstr (hist, ==, "registry registry.init\n"
                             "registry channel.apply\n"
                             "registry registry.upgrade\n"
                             "registry token.issue\n");
  g_autoptr (RegToken) t = authenticate (v1, staff);
  assert_checks (&f, v1);
  /* A second token does not upgrade again. */
  g_autofree char *second = issue (v1, 11, "staff:alice", REG_TOKEN_VENDOR, "acme", "", NULL);
  g_autofree char *hist2 = history_lines (v1);
  g_assert_true (g_str_has_suffix (hist2, "registry token.issue\nstaff:alice token.issue\n"));
  assert_checks (&f, v1);

  /* An upgraded file with its new table removed is refused. */
  g_autofree char *broken = copy_v1 (&f, "broken.db");
  g_free (issue (broken, 10, "registry", REG_TOKEN_STAFF, "alice", "", NULL));
  rfx_sql (broken, "DROP TABLE channel_vendor");
  g_autoptr (RegDb) db = reg_db_open (broken, FALSE, &e);
  g_assert_null (db);
  g_assert_error (e, REG_ERROR, REG_ERROR_INPUT);
  g_assert_nonnull (strstr (e->message, "channel_vendor is missing"));
  g_clear_error (&e);
  /* A /1 file whose history says it was upgraded but whose meta says not. */
  g_autofree char *meta = copy_v1 (&f, "meta.db");
  g_free (issue (meta, 10, "registry", REG_TOKEN_STAFF, "alice", "", NULL));
  rfx_sql (meta, "UPDATE meta SET value = 'essc-registry/1' WHERE key = 'schema'");
  g_autoptr (RegDb) mdb = reg_db_open (meta, FALSE, &e);
  g_assert_no_error (e);
  g_assert_false (reg_check (mdb, NULL, NULL, &e));
  g_assert_error (e, REG_ERROR, REG_ERROR_DAMAGED);
  g_clear_error (&e);
  rfx_free (&f);
}

static char *
read_text (const char *path)
{
  char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static void
test_apply_vendor (void)
{
  RegFx f;
  rfx_new (&f, "vendor");
  rfx_init_registry (&f, "CH000001", "测试渠道", NULL);
  g_autofree char *key_text = read_text (f.ch2_pub);
  g_autofree char *impl = rfx_impl (NULL);
  RegCtx ctx = { f.db, at (5), "vendor:acme" };
  RegApplication app = { .id = "CH000002", .name = "工商银行", .klass = "bank", .tier = 1,
                         .public_key_text = key_text, .role = "channel", .impl = impl,
                         .vendor = "acme" };
  g_autoptr (GError) e = NULL;

  /* Bad values first: nothing written. */
  RegApplication bad = app;
  bad.vendor = "ACME";
  g_assert_false (reg_apply (&ctx, &bad, &e));
  g_assert_error (e, REG_ERROR, REG_ERROR_INPUT);
  g_assert_nonnull (strstr (e->message, "vendor"));
  g_clear_error (&e);
  bad = app;
  g_autofree char *cut = g_strndup (key_text, strlen (key_text) - 5);
  bad.public_key_text = cut;
  g_assert_false (reg_apply (&ctx, &bad, &e));
  g_assert_error (e, REG_ERROR, REG_ERROR_INPUT);
  g_assert_true (g_str_has_prefix (e->message, "public key: public key:"));
  g_assert_null (strstr (e->message, f.dir));
  g_clear_error (&e);
  bad.public_key_text = "not a key";
  g_assert_false (reg_apply (&ctx, &bad, &e));
  g_assert_error (e, REG_ERROR, REG_ERROR_INPUT);
  g_clear_error (&e);
  bad.public_key_text = NULL;
  g_assert_false (reg_apply (&ctx, &bad, &e));
  g_assert_error (e, REG_ERROR, REG_ERROR_INPUT);
  g_clear_error (&e);
  g_autofree char *h0 = history_lines (f.db);
  g_assert_cmpstr (h0, ==, "registry registry.init\nregistry channel.apply\n");

  g_assert_true (reg_apply (&ctx, &app, &e));
  g_assert_no_error (e);
  {
    g_autoptr (RegDb) db = reg_db_open (f.db, FALSE, &e);
    g_assert_no_error (e);
    g_autofree char *v2 = reg_db_channel_vendor (db, "CH000002", &e);
    g_autofree char *v1 = reg_db_channel_vendor (db, "CH000001", &e);
    g_assert_no_error (e);
    g_assert_cmpstr (v2, ==, "acme");
    g_assert_cmpstr (v1, ==, "");
    g_autofree char *none = reg_db_channel_vendor (db, "CH999999", &e);
    g_assert_null (none);
    g_assert_error (e, REG_ERROR, REG_ERROR_INPUT);
    g_clear_error (&e);
    g_autoptr (RegChannel) c = reg_db_channel (db, "CH000002", &e);
    g_assert_no_error (e);
    g_assert_cmpstr (c->name, ==, "工商银行");
  }
  g_autofree char *h1 = history_lines (f.db);
  g_assert_true (g_str_has_suffix (h1, "vendor:acme channel.apply\nvendor:acme channel.vendor\n"));
  assert_checks (&f, f.db);

  /* On a /1 registry the vendor's application upgrades it first. */
  g_autofree char *v1 = copy_v1 (&f, "v1.db");
  RegCtx ctx1 = { v1, at (5), "vendor:acme" };
  app.id = "CH000001";   /* taken: refused, and the file keeps its schema */
  g_assert_false (reg_apply (&ctx1, &app, &e));
  g_assert_error (e, REG_ERROR, REG_ERROR_REFUSED);
  g_clear_error (&e);
  g_autofree char *schema = rfx_sql_text (v1, "SELECT value FROM meta WHERE key = 'schema'");
  g_assert_cmpstr (schema, ==, "essc-registry/1");
  app.id = "CH000003";
  g_assert_true (reg_apply (&ctx1, &app, &e));
  g_assert_no_error (e);
  g_autofree char *h2 = history_lines (v1);
  g_assert_true (g_str_has_suffix (h2, "vendor:acme registry.upgrade\nvendor:acme channel.apply\n"
                                       "vendor:acme channel.vendor\n"));
  assert_checks (&f, v1);
  rfx_free (&f);
}

/* Runs `essc registry token SUB --db f->db --now AT ARGS...`. */
static void G_GNUC_NULL_TERMINATED
tok (RegFx *f, FixtureRun *r, const char *sub, int minutes, ...)
{
  g_autofree char *now = rfx_at (minutes);
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  const char *fixed[] = { fx.bin, "registry", "token", sub, "--db", f->db, "--now", now };
  for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
    g_ptr_array_add (args, (gpointer) fixed[i]);
  va_list ap;
  va_start (ap, minutes);
  const char *a;
  while ((a = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  fixture_run ((const char *const *) args->pdata, NULL, 120, r);
  g_assert_false (r->timed_out);
}

/* essc registry token issue|revoke|list, and show's vendor line. */
static void
test_cli (void)
{
  RegFx f;
  FixtureRun r;
  rfx_new (&f, "cli");
  rfx_init_registry (&f, "CH000001", "测试渠道", NULL);
  tok (&f, &r, "issue", 2, "--vendor", "acme", "--label", "CI 流水线", "--actor",
           "staff:alice", NULL);
  g_assert_cmpint (r.code, ==, 0);
  g_assert_cmpuint (strlen (r.out), ==, REG_TOKEN_TEXT_LEN + 1);   /* the token alone, one line */
  g_assert_true (g_str_has_suffix (r.out, "\n"));
  g_autofree char *text = g_strndup (r.out, REG_TOKEN_TEXT_LEN);
  fixture_run_clear (&r);
  g_autoptr (RegToken) t = authenticate (f.db, text);
  g_assert_cmpstr (t->subject, ==, "acme");
  g_assert_cmpstr (t->issued_by, ==, "staff:alice");

  g_autofree char *hash = rfx_sql_text (f.db, "SELECT hash FROM token");
  tok (&f, &r, "list", 3, NULL);
  g_assert_cmpint (r.code, ==, 0);
  g_assert_nonnull (strstr (r.out, t->id));
  g_assert_nonnull (strstr (r.out, "CI 流水线"));
  g_assert_null (strstr (r.out, hash));
  g_assert_null (strstr (r.out, text + 5 + REG_TOKEN_ID_HEX + 1));
  fixture_run_clear (&r);

  tok (&f, &r, "revoke", 3, "--token-id", t->id, "--reason", "rotated", NULL);
  rfx_expect (&r, 0, "revoked");
  tok (&f, &r, "revoke", 3, "--token-id", t->id, "--reason", "rotated", NULL);
  rfx_expect (&r, 1, "already revoked");
  g_autofree char *revoked = g_strdup_printf ("token %s was revoked", t->id);
  assert_refused (f.db, text, revoked);

  /* Usage: exit 2, nothing written. */
  g_autoptr (GBytes) before = rfx_snapshot (f.db);
  tok (&f, &r, "issue", 4, NULL);
  rfx_expect (&r, 2, "exactly one of --staff");
  tok (&f, &r, "issue", 4, "--staff", "a", "--vendor", "b", NULL);
  rfx_expect (&r, 2, "exactly one of --staff");
  tok (&f, &r, "issue", 4, "--vendor", "../etc", NULL);
  rfx_expect (&r, 2, "vendor id");
  tok (&f, &r, "revoke", 4, "--token-id", t->id, NULL);
  rfx_expect (&r, 2, "--reason");
  tok (&f, &r, "frobnicate", 4, NULL);
  rfx_expect (&r, 2, "unknown subcommand");
  g_autoptr (GBytes) after = rfx_snapshot (f.db);
  g_assert_true (g_bytes_equal (before, after));
  rfx_essc (&f, &r, "registry", "token", "--help", NULL);
  rfx_expect (&r, 0, "essc registry token");
  rfx_essc (&f, &r, "registry", "token", "issue", "--help", NULL);
  rfx_expect (&r, 0, "--label");

  /* show names a channel's vendor. */
  g_autofree char *key_text = read_text (f.ch2_pub);
  g_autofree char *impl = rfx_impl (NULL);
  RegCtx ctx = { f.db, at (5), "vendor:acme" };
  RegApplication app = { .id = "CH000002", .name = "工商银行", .klass = "bank", .tier = 1,
                         .public_key_text = key_text, .role = "channel", .impl = impl,
                         .vendor = "acme" };
  g_autoptr (GError) e = NULL;
  g_assert_true (reg_apply (&ctx, &app, &e));
  g_assert_no_error (e);
  rfx_reg (&f, &r, "show", 6, "--id", "CH000002", NULL);
  rfx_expect (&r, 0, "vendor:    acme");
  rfx_reg (&f, &r, "show", 6, "--id", "CH000001", NULL);
  g_assert_cmpint (r.code, ==, 0);
  g_assert_null (strstr (r.out, "vendor:"));
  fixture_run_clear (&r);
  rfx_free (&f);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  fixture_init ();
  if (sodium_init () < 0)
    g_error ("sodium_init failed");
  g_test_add_func ("/registry/token/issue-authenticate-revoke", test_tokens);
  g_test_add_func ("/registry/token/upgrade-v1", test_upgrade);
  g_test_add_func ("/registry/token/apply-vendor", test_apply_vendor);
  g_test_add_func ("/registry/token/cli", test_cli);
  return fixture_finish (g_test_run ());
}
