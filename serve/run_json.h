/* SPDX-License-Identifier: MIT */
/*
 * A run and its tests as the service's JSON API shows them (docs/SERVE.md,
 * docs/openapi.json): one object per run, an array of tests.
 */
#pragma once

#include <glib.h>

#include "serve/store.h"

G_BEGIN_DECLS

/*
 * Returns: (transfer full) {"id":N,"vendor":"..","channel":"..","state":"..",
 * "created_at":N,"started_at":N|null,"finished_at":N|null,"done":N,"total":N,
 * "passed":N,"failed":N,"skipped":N,"report_id":N|null,"message":".."|null,
 * "finished":bool}, compact, no newline.
 */
char *serve_run_to_json (const ServeRun *r);

/*
 * Returns: (transfer full) [{"idx":N,"test":"..","verdict":"..","requirement":"..",
 * "diagnostic":{...},"transcript":[...]}, ...] of ServeRunTest* tests.
 */
char *serve_run_tests_to_json (GPtrArray *tests);

G_END_DECLS
