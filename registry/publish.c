/* SPDX-License-Identifier: MIT */
/*
 * Publishing (see publish.h): the feed built from the state tables of a
 * registry that verifies, rendered and signed by conf_feed_render, and the
 * page built from the same ConfFeed, so the page never says anything the
 * signed feed does not.  Tables are reports/html.h's (id, data-key,
 * data-col), so tests read them back as they read a report's.
 */
#include "registry/publish.h"

#include "base/error.h"
#include "base/hex.h"
#include "base/sqlite.h"
#include "base/time.h"
#include "conformance/cert.h"
#include "conformance/json.h"
#include "registry/check.h"
#include "reports/html.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define fail(error, code, ...) base_fail ((error), REG_ERROR, (code), __VA_ARGS__)

/* ---- names ------------------------------------------------------------------ */

static const char *const class_zh[][2] = {
  { "hrss", "人力资源社会保障部门" }, { "government", "其他政府部门" },
  { "partner", "全国性合作机构" }, { "bank", "银行" },
  { "medical", "医药机构" }, { "social", "社会化平台" },
};
static const char *const status_zh[][2] = {
  { "applied", "已申请" }, { "certified", "已认证" }, { "live", "正常服务" },
  { "rectification", "整改中" }, { "suspended", "暂停服务" }, { "terminated", "已终止" },
};

const char *
reg_class_zh (const char *klass)
{
  for (gsize i = 0; i < G_N_ELEMENTS (class_zh); i++)
    if (strcmp (class_zh[i][0], klass) == 0)
      return class_zh[i][1];
  return klass;
}

const char *
reg_status_zh (const char *status)
{
  for (gsize i = 0; i < G_N_ELEMENTS (status_zh); i++)
    if (strcmp (status_zh[i][0], status) == 0)
      return status_zh[i][1];
  return status;
}

/* ---- the page ---------------------------------------------------------------- */

static const char STYLE[] =
  "body{font-family:'WenQuanYi Micro Hei','Noto Sans CJK SC','Microsoft YaHei','PingFang SC',"
  "sans-serif;margin:0 auto;max-width:1180px;padding:0 16px 40px;color:#222;line-height:1.5}"
  "h1{font-size:1.6em;margin:16px 0 4px;color:#a61b1b}h2{font-size:1.2em;margin-top:28px;"
  "color:#a61b1b;border-bottom:1px solid #ddd}.stamp{color:#555;font-size:.9em}"
  "table{border-collapse:collapse;width:100%}caption{text-align:left;color:#555;padding:4px 0}"
  "th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#f6f0f0}"
  ".num{text-align:right}.none{color:#777}code{font-size:.85em;word-break:break-all}";

static char *
utc (gint64 t)
{
  char buf[BASE_TIME_UTC_SIZE];
  base_time_format_utc (t, buf);
  return g_strdup (buf);
}

static void
cell_time (GString *h, const char *col, gint64 t)
{
  g_autofree char *s = utc (t);
  report_html_cell (h, col, s);
}

static const char *
name_of (const ConfFeed *feed, const char *id)
{
  for (gsize i = 0; i < feed->n_channels; i++)
    if (strcmp (feed->channels[i].channel_id, id) == 0)
      return feed->channels[i].name;
  return "";
}

static void
none_row (GString *h, gsize count)
{
  if (count == 0)
    g_string_append (h, "<p class=\"none\">（无）</p>\n");
}

char *
reg_publish_page (const ConfFeed *feed)
{
  GString *h = g_string_new (NULL);
  char hash[2 * MODEL_AUDIT_HASH_LEN + 1];
  base_hex_encode (feed->history_hash, sizeof feed->history_hash, hash);
  g_autofree char *published = utc (feed->published_at), *next = utc (feed->next_update);

  g_string_append (h, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<title>电子社会保障卡服务渠道目录 - ");
  report_html_escape (h, feed->issuer_name);
  g_string_append_printf (h, "</title>\n<style>%s</style>\n</head>\n<body>\n<header>\n"
                          "<h1>电子社会保障卡服务渠道目录</h1>\n", STYLE);
  g_string_append (h, "<p class=\"stamp\" id=\"stamp\">发布机构：");
  report_html_escape (h, feed->issuer_name);
  g_string_append_printf (h, "；发布时间：%s；下次更新：%s；历史记录：%" G_GUINT64_FORMAT
                          " 条，最新哈希 <code>%s</code></p>\n", published, next,
                          feed->history_count, hash);
  g_string_append (h, "<p>本目录列出经认证、可提供电子社会保障卡服务的渠道（ESSC-STD 第 6 节）。"
                   "机器可读的签名目录见 <a href=\"feed.json\">feed.json</a>"
                   "（签名 <a href=\"feed.json.sig\">feed.json.sig</a>）。</p>\n</header>\n");

  /* The live channels. */
  gsize n = 0;
  g_string_append (h, "<h2>提供电子社保卡服务的渠道</h2>\n");
  report_html_table_begin (h, "live", "正常服务的渠道及其证书", "id", "渠道编号", "name",
                           "渠道名称", "class", "类别", "#tier", "层级", "parent", "上级渠道",
                           "#serial", "证书编号", "not_before", "有效期自", "not_after",
                           "有效期至", NULL);
  for (gsize i = 0; i < feed->n_channels; i++)
    {
      const ConfFeedChannel *c = &feed->channels[i];
      if (strcmp (c->status, "live") != 0)
        continue;
      n++;
      report_html_row_begin (h, c->channel_id);
      report_html_cell (h, "id", c->channel_id);
      report_html_cell (h, "name", c->name);
      report_html_cell (h, "class", reg_class_zh (c->class_name));
      report_html_num (h, "tier", "%.0f", c->tier);
      report_html_cell (h, "parent", c->parent_id ? c->parent_id : "");
      if (c->serial != 0)
        {
          report_html_num (h, "serial", "%.0f", (double) c->serial);
          cell_time (h, "not_before", c->not_before);
          cell_time (h, "not_after", c->not_after);
        }
      else
        {
          report_html_cell (h, "serial", "");
          report_html_cell (h, "not_before", "");
          report_html_cell (h, "not_after", "");
        }
      report_html_row_end (h);
    }
  report_html_table_end (h);
  none_row (h, n);

  /* Suspended, in rectification or terminated. */
  n = 0;
  g_string_append (h, "<h2>暂停服务、整改中或已终止的渠道</h2>\n");
  report_html_table_begin (h, "withdrawn", "这些渠道目前不得提供电子社保卡服务", "id", "渠道编号",
                           "name", "渠道名称", "class", "类别", "#tier", "层级", "status", "状态",
                           "since", "状态变更时间", NULL);
  for (gsize i = 0; i < feed->n_channels; i++)
    {
      const ConfFeedChannel *c = &feed->channels[i];
      if (strcmp (c->status, "suspended") != 0 && strcmp (c->status, "terminated") != 0
          && strcmp (c->status, "rectification") != 0)
        continue;
      n++;
      report_html_row_begin (h, c->channel_id);
      report_html_cell (h, "id", c->channel_id);
      report_html_cell (h, "name", c->name);
      report_html_cell (h, "class", reg_class_zh (c->class_name));
      report_html_num (h, "tier", "%.0f", c->tier);
      report_html_cell (h, "status", reg_status_zh (c->status));
      cell_time (h, "since", c->status_changed_at);
      report_html_row_end (h);
    }
  report_html_table_end (h);
  none_row (h, n);

  /* Revoked certificates. */
  g_string_append (h, "<h2>已撤销的证书</h2>\n");
  report_html_table_begin (h, "revoked", "持有这些证书的渠道不得凭其提供服务", "#serial",
                           "证书编号", "channel", "渠道编号", "name", "渠道名称", "revoked_at",
                           "撤销时间", "reason", "撤销原因", NULL);
  for (gsize i = 0; i < feed->n_revoked; i++)
    {
      const ConfFeedRevoked *r = &feed->revoked[i];
      g_autofree char *key = g_strdup_printf ("%" G_GUINT64_FORMAT, r->serial);
      report_html_row_begin (h, key);
      report_html_num (h, "serial", "%.0f", (double) r->serial);
      report_html_cell (h, "channel", r->channel_id);
      report_html_cell (h, "name", name_of (feed, r->channel_id));
      cell_time (h, "revoked_at", r->revoked_at);
      report_html_cell (h, "reason", r->reason);
      report_html_row_end (h);
    }
  report_html_table_end (h);
  none_row (h, feed->n_revoked);
  g_string_append (h, "</body>\n</html>\n");
  return g_string_free (h, FALSE);
}

/* ---- the previous feed ---------------------------------------------------------- */

gboolean
reg_feed_head (RegDb *db, const char *path, ModelAuditHead *out, GError **error)
{
  /* Read once, then verify and parse the same bytes. */
  GError *e = NULL;
  GStatBuf st;
  if (g_stat (path, &st) != 0)
    return fail (error, REG_ERROR_INPUT, "%s: %s", path, g_strerror (errno));
  if (!S_ISREG (st.st_mode) || (guint64) st.st_size > CONF_FEED_MAX_BYTES)
    return fail (error, REG_ERROR_INPUT, "%s: not a regular file of at most %u bytes", path,
                 CONF_FEED_MAX_BYTES);
  g_autofree char *text = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &text, &len, &e))
    {
      fail (error, REG_ERROR_INPUT, "%s", e->message);
      g_error_free (e);
      return FALSE;
    }
  g_autofree char *sig_path = conf_cert_sig_path (path);
  ConfSignature sig;
  g_autoptr (ConfFeedDoc) doc = NULL;
  if (!conf_signature_read (sig_path, &sig, &e)
      || (doc = conf_feed_check (text, len, &sig, reg_db_meta (db)->issuer_pk, &e)) == NULL)
    {
      fail (error, REG_ERROR_INPUT, "%s: %s", path, e->message);
      g_error_free (e);
      return FALSE;
    }
  conf_feed_doc_history (doc, &out->count, out->hash);
  return TRUE;
}

/*
 * A feed already in dir: it must verify with the registry's key, and the
 * registry's history must extend the head it published.
 */
static gboolean
check_previous (RegDb *db, const char *dir, GError **error)
{
  g_autofree char *path = g_build_filename (dir, "feed.json", NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    return TRUE;
  GError *e = NULL;
  ModelAuditHead head;
  if (!reg_feed_head (db, path, &head, &e))
    {
      fail (error, REG_ERROR_INPUT, "the feed already published: %s (nothing written)",
            e->message);
      g_error_free (e);
      return FALSE;
    }
  if (!reg_check (db, &head, NULL, &e))
    {
      fail (error, REG_ERROR_DAMAGED, "%s published a history head of %" G_GUINT64_FORMAT
            " entries that this registry does not extend (rolled back or replaced?): %s",
            path, head.count, e->message);
      g_error_free (e);
      return FALSE;
    }
  return TRUE;
}

/* ---- writing -------------------------------------------------------------------- */

typedef struct {
  char *tmp, *path;
} Pending;

/* Writes data to a new temporary file in dir (synced); its name into p->tmp. */
static gboolean
write_tmp (const char *dir, const char *name, const char *data, gsize len, Pending *p,
           GError **error)
{
  p->path = g_build_filename (dir, name, NULL);
  p->tmp = g_strdup_printf ("%s/.%s.tmp-XXXXXX", dir, name);
  int fd = g_mkstemp_full (p->tmp, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      int err = errno;
      g_clear_pointer (&p->tmp, g_free);
      return fail (error, REG_ERROR_INPUT, "%s: cannot create a file there: %s", dir,
                   g_strerror (err));
    }
  gsize done = 0;
  while (done < len)
    {
      ssize_t w = write (fd, data + done, len - done);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        {
          int err = errno;
          close (fd);
          return fail (error, REG_ERROR_INTERNAL, "%s: write failed: %s", p->path,
                       g_strerror (err));
        }
      done += (gsize) w;
    }
  if (fchmod (fd, 0644) != 0 || fsync (fd) != 0)
    {
      int err = errno;
      close (fd);
      return fail (error, REG_ERROR_INTERNAL, "%s: %s", p->path, g_strerror (err));
    }
  if (close (fd) != 0)
    return fail (error, REG_ERROR_INTERNAL, "%s: close failed", p->path);
  return TRUE;
}

/* ---- publish ----------------------------------------------------------------------- */

gboolean
reg_publish (const RegCtx *ctx, const RegPublishOptions *o, RegPublished *out, GError **error)
{
  GError *e = NULL;
  memset (out, 0, sizeof *out);
  g_autoptr (RegDb) db = reg_db_open (ctx->db_path, FALSE, error);
  if (db == NULL)
    return FALSE;
  /* One read transaction: the feed is one state of the registry. */
  BaseSqlite s = { reg_db_handle (db), ctx->db_path, REG_ERROR, REG_ERROR_INTERNAL };
  if (!base_sqlite_exec (&s, "BEGIN", "begin", error))
    return FALSE;
  RegCheckSummary sum;
  if (!reg_check (db, NULL, &sum, error))
    {
      g_prefix_error (error, "the registry does not verify, nothing published: ");
      return FALSE;
    }
  GStatBuf st;
  if (g_stat (o->out_dir, &st) == 0 && !S_ISDIR (st.st_mode))
    return fail (error, REG_ERROR_INPUT, "--out %s: not a directory", o->out_dir);
  if (!check_previous (db, o->out_dir, error))
    return FALSE;
  g_autoptr (ModelKeyPair) key = conf_cert_read_secret_key (o->key_path, &e);
  if (key == NULL)
    {
      fail (error, REG_ERROR_INPUT, "--key: %s", e->message);
      g_error_free (e);
      return FALSE;
    }
  if (memcmp (model_key_pair_public (key), reg_db_meta (db)->issuer_pk, MODEL_KEY_PAIR_PK_LEN) != 0)
    return fail (error, REG_ERROR_INPUT, "--key %s is not the registry's issuer key",
                 o->key_path);

  g_autoptr (GPtrArray) channels = reg_db_channels (db, error);
  g_autoptr (GPtrArray) certs = channels ? reg_db_certificates (db, NULL, error) : NULL;
  if (certs == NULL)
    return FALSE;
  g_autofree ConfFeedChannel *fc = g_new0 (ConfFeedChannel, channels->len + 1);
  g_autofree ConfFeedRevoked *fr = g_new0 (ConfFeedRevoked, certs->len + 1);
  gsize n_revoked = 0;
  for (guint i = 0; i < channels->len; i++)
    {
      const RegChannel *c = channels->pdata[i];
      fc[i] = (ConfFeedChannel) { c->id, c->name, c->klass, c->tier, c->parent_id, c->status,
                                  c->status_changed_at, 0, 0, 0 };
      for (guint k = 0; k < certs->len; k++)
        {
          const RegCertificate *cert = certs->pdata[k];
          if (strcmp (cert->channel_id, c->id) == 0 && !cert->revoked
              && cert->superseded_by == 0)
            {
              fc[i].serial = cert->serial;
              fc[i].not_before = cert->not_before;
              fc[i].not_after = cert->not_after;
            }
        }
      out->live += strcmp (c->status, "live") == 0;
      out->withdrawn += strcmp (c->status, "suspended") == 0
                        || strcmp (c->status, "terminated") == 0
                        || strcmp (c->status, "rectification") == 0;
    }
  for (guint k = 0; k < certs->len; k++)
    {
      const RegCertificate *cert = certs->pdata[k];
      if (cert->revoked)
        fr[n_revoked++] = (ConfFeedRevoked) { cert->serial, cert->channel_id, cert->revoked_at,
                                              cert->revoke_reason };
    }
  int days = o->valid_days > 0 ? o->valid_days : 7;
  ConfFeed feed = {
    .issuer_name = reg_db_meta (db)->issuer_name,
    .published_at = ctx->now, .next_update = ctx->now + (gint64) days * 86400,
    .history_count = sum.head.count,
    .channels = fc, .n_channels = channels->len, .revoked = fr, .n_revoked = n_revoked,
  };
  memcpy (feed.history_hash, sum.head.hash, sizeof feed.history_hash);
  gsize len = 0;
  g_autofree char *sig_text = NULL;
  g_autofree char *bytes = conf_feed_render (&feed, key, &len, &sig_text, &e);
  if (bytes == NULL)
    {
      fail (error, REG_ERROR_INTERNAL, "the feed: %s", e->message);
      g_error_free (e);
      return FALSE;
    }
  g_autofree char *page = reg_publish_page (&feed);
  base_sqlite_exec (&s, "COMMIT", "end", NULL);

  /* Write: three temporaries, then three renames. */
  if (g_mkdir_with_parents (o->out_dir, 0755) != 0)
    return fail (error, REG_ERROR_INPUT, "--out %s: %s", o->out_dir, g_strerror (errno));
  Pending p[3] = { { .tmp = NULL } };
  gboolean ok = write_tmp (o->out_dir, "feed.json", bytes, len, &p[0], error)
                && write_tmp (o->out_dir, "feed.json.sig", sig_text, strlen (sig_text), &p[1],
                              error)
                && write_tmp (o->out_dir, "index.html", page, strlen (page), &p[2], error);
  for (int i = 0; ok && i < 3; i++)
    if (g_rename (p[i].tmp, p[i].path) != 0)
      ok = fail (error, REG_ERROR_INTERNAL, "%s: cannot rename into place: %s", p[i].path,
                 g_strerror (errno));
    else
      g_clear_pointer (&p[i].tmp, g_free);
  for (int i = 0; i < 3; i++)
    {
      if (p[i].tmp != NULL)
        g_remove (p[i].tmp);
      g_free (p[i].tmp);
      g_free (p[i].path);
    }
  if (ok)
    {
      int dfd = open (o->out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dfd >= 0)
        {
          fsync (dfd);
          close (dfd);
        }
    }
  out->channels = channels->len;
  out->revoked = n_revoked;
  out->head = sum.head;
  return ok;
}
