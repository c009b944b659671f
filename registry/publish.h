/* SPDX-License-Identifier: MIT */
/*
 * Publishing the registry (`essc registry publish`, docs/REGISTRY.md
 * section 5): the ministry's public list of the channels that offer the
 * e-card, DIR/index.html (one self-contained page in Chinese, lang zh-CN,
 * UTF-8, every text escaped, no script and no external resource), and the
 * signed feed DIR/feed.json + feed.json.sig (conformance/feed.h) that
 * verifiers check certificates against, carrying the head of the history.
 * A registry that does not verify is not published; a feed already in DIR
 * must verify with the registry's key and its history head must be a
 * prefix of the registry's history (a registry rolled back is refused).
 * The three files are written under temporary names, synced, then renamed:
 * on any failure nothing in DIR changes.
 */
#pragma once

#include <glib.h>

#include "conformance/feed.h"
#include "registry/lifecycle.h"

G_BEGIN_DECLS

typedef struct {
  const char *out_dir, *key_path;
  int valid_days;               /* next_update = now + valid_days; 0: 7 */
} RegPublishOptions;

/* What was published.  All fields public. */
typedef struct {
  gsize channels, live, withdrawn, revoked;
  ModelAuditHead head;
} RegPublished;

gboolean reg_publish (const RegCtx *ctx, const RegPublishOptions *options, RegPublished *out,
                      GError **error);

/*
 * The history head (count, hash) a feed published: path and path.sig must
 * verify with the registry's key (conf_feed_load).  INPUT naming the file
 * otherwise.
 */
gboolean reg_feed_head (RegDb *db, const char *path, ModelAuditHead *out, GError **error);

/* Returns: (transfer full) the page for feed (what index.html holds). */
char *reg_publish_page (const ConfFeed *feed);

/* Chinese names of a class and a status (the wire name when unknown). */
const char *reg_class_zh (const char *klass);
const char *reg_status_zh (const char *status);

G_END_DECLS
