/* SPDX-License-Identifier: MIT */
/*
 * The service's static files (see static.h): the style sheet and the run
 * page's script, as C strings.  The verdict colours are the conformance
 * report's (reports/conform.c).
 */
#include "serve/static.h"

#include <string.h>

static const char STYLE[] =
  ":root{--ink:#222;--muted:#555;--line:#ccd;--head:#e8eef6;--brand:#1f4e79}\n"
  "*{box-sizing:border-box}\n"
  "body{font-family:'Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Micro Hei',"
  "'Microsoft YaHei','PingFang SC','Hiragino Sans GB',system-ui,sans-serif;"
  "margin:0 auto;max-width:1180px;padding:0 16px 40px;color:var(--ink);line-height:1.45}\n"
  "a{color:#1558a6}\n"
  "header.site{display:flex;flex-wrap:wrap;align-items:center;gap:8px 24px;"
  "border-bottom:2px solid var(--brand);padding:10px 0}\n"
  ".brand{margin:0;font-size:1.15em;font-weight:bold}.brand a{color:var(--brand);"
  "text-decoration:none}\n"
  ".who{margin-left:auto;display:flex;align-items:center;gap:8px;color:var(--muted)}\n"
  "nav{flex-basis:100%;display:flex;flex-wrap:wrap;gap:4px 16px}\n"
  "h1{font-size:1.5em;margin:18px 0 8px;color:var(--brand)}\n"
  "h2{font-size:1.2em;margin-top:28px;color:var(--brand);border-bottom:1px solid var(--line)}\n"
  "footer{margin-top:40px;border-top:1px solid var(--line);padding-top:8px;"
  "color:var(--muted);font-size:.85em}\n"
  ".scroll{overflow-x:auto}\n"
  "table{border-collapse:collapse;margin:10px 0 18px;font-size:.92em}\n"
  "caption{text-align:left;font-weight:bold;padding:4px 0}\n"
  "th,td{border:1px solid var(--line);padding:4px 8px;vertical-align:top;text-align:left}\n"
  "th{background:var(--head)}td.num,th.num{text-align:right;"
  "font-variant-numeric:tabular-nums}\n"
  "tbody tr:nth-child(even){background:#f7f9fc}\n"
  "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px}\n"
  "dl.facts dt{font-weight:bold}dl.facts dd{margin:0;overflow-wrap:anywhere}\n"
  "form{margin:8px 0}form.inline{display:inline;margin:0}\n"
  "form.stacked{max-width:640px;border:1px solid var(--line);padding:12px 16px;"
  "background:#fafbfd}\n"
  ".field{margin:8px 0;display:flex;flex-direction:column;gap:2px}\n"
  "label{font-weight:bold;font-size:.92em}\n"
  "input,select,textarea{font:inherit;padding:4px 6px;border:1px solid #99a;max-width:100%}\n"
  "textarea{font-family:monospace;width:100%}\n"
  "button{font:inherit;padding:4px 14px;border:1px solid var(--brand);background:var(--brand);"
  "color:#fff;cursor:pointer;border-radius:3px}\n"
  "button.link{background:none;color:#1558a6;border:none;padding:0;text-decoration:underline}\n"
  "button.danger{background:#a3001b;border-color:#a3001b}\n"
  "form.action{display:flex;flex-wrap:wrap;gap:4px;align-items:center;margin:2px 0;"
  "max-width:30em}\n"
  "form.action input{width:100%}\n"
  "form.action button{padding:2px 8px;font-size:.85em}\n"
  ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);"
  "white-space:nowrap}\n"
  "td[data-col=certificate],td[data-col=run],td[data-col=id]{white-space:nowrap}\n"
  ".error{background:#fbdede;border:1px solid #d88;color:#a3001b;padding:8px 12px}\n"
  ".notice{background:#e8f4e8;border:1px solid #9c9;padding:8px 12px}\n"
  ".status{font-size:2em;color:var(--muted);margin:0}\n"
  ".token{font-family:monospace;font-size:1.05em;background:#fff8d6;border:1px solid #e0c860;"
  "padding:8px 12px;overflow-wrap:anywhere;user-select:all}\n"
  "details{margin:2px 0}summary{cursor:pointer;color:#1558a6}\n"
  "pre{background:#f4f4f4;padding:8px;overflow-x:auto;font-size:.85em;max-height:30em;"
  "white-space:pre-wrap;overflow-wrap:anywhere}\n"
  "progress{width:16em;vertical-align:middle}\n"
  ".verdict,.state{font-weight:bold;white-space:nowrap}\n"
  ".v-pass,.s-conformant{color:#2e7d32}.v-fail,.s-not-conformant,.s-error{color:#c62828}\n"
  ".v-skip{color:#9e9e9e}.v-not_implemented,.s-interrupted{color:#ef6c00}\n"
  ".v-waived,.s-running{color:#1565c0}.v-not_run{color:#6a1b9a}.s-queued{color:var(--muted)}\n"
  "td.v-pass{background:#e8f5e9}td.v-fail{background:#fdecea}\n"
  "td.v-not_implemented{background:#fff3e0}td.v-waived{background:#e3f2fd}\n"
  "@media (max-width:640px){body{padding:0 8px 24px}.who{margin-left:0}"
  "dl.facts{grid-template-columns:1fr}form.action{flex-wrap:wrap}}\n";

/* The run page's live progress (static.h says what it looks for).  Text
 * goes in with textContent only: nothing the server sends is markup. */
static const char LIVE[] =
  "// SPDX-License-Identifier: MIT\n"
  "// essc serve: a run page's live progress over server-sent events.\n"
  "'use strict';\n"
  "(function () {\n"
  "  var run = document.getElementById('run');\n"
  "  if (!run || run.dataset.finished === '1' || !window.EventSource) return;\n"
  "  var state = document.getElementById('run-state');\n"
  "  var progress = document.getElementById('run-progress');\n"
  "  var bar = document.getElementById('run-bar');\n"
  "  var results = document.getElementById('results');\n"
  "  var body = results ? results.tBodies[0] : null;\n"
  "  var done = false;\n"
  "  var es = new EventSource(run.dataset.events);\n"
  "  function parse(e) {\n"
  "    try { return JSON.parse(e.data); } catch (x) { return null; }\n"
  "  }\n"
  "  function setProgress(d, t) {\n"
  "    if (progress) progress.textContent = d + ' / ' + t;\n"
  "    if (bar) { bar.max = t > 0 ? t : 1; bar.value = d; }\n"
  "  }\n"
  "  function addRow(p) {\n"
  "    if (!body || typeof p.test !== 'string') return;\n"
  "    var rows = body.rows;\n"
  "    for (var i = 0; i < rows.length; i++)\n"
  "      if (rows[i].dataset.test === p.test) return;\n"
  "    var tr = document.createElement('tr');\n"
  "    tr.dataset.key = p.test;\n"
  "    tr.dataset.test = p.test;\n"
  "    tr.dataset.verdict = String(p.verdict);\n"
  "    var cells = [String(p.done), p.test, String(p.verdict)];\n"
  "    var cols = ['idx', 'test', 'verdict'];\n"
  "    for (var j = 0; j < cells.length; j++) {\n"
  "      var td = document.createElement('td');\n"
  "      td.dataset.col = cols[j];\n"
  "      td.textContent = cells[j];\n"
  "      if (j === 0) td.className = 'num';\n"
  "      if (j === 2) td.className = 'verdict v-' + String(p.verdict);\n"
  "      tr.appendChild(td);\n"
  "    }\n"
  "    body.appendChild(tr);\n"
  "  }\n"
  "  es.addEventListener('progress', function (e) {\n"
  "    var p = parse(e);\n"
  "    if (!p) return;\n"
  "    setProgress(p.done, p.total);\n"
  "    addRow(p);\n"
  "  });\n"
  "  es.addEventListener('state', function (e) {\n"
  "    var r = parse(e);\n"
  "    if (!r) return;\n"
  "    if (state && typeof r.state === 'string') {\n"
  "      state.textContent = r.state;\n"
  "      state.className = 'state s-' + r.state.replace(/ /g, '-');\n"
  "    }\n"
  "    if (typeof r.done === 'number' && typeof r.total === 'number')\n"
  "      setProgress(r.done, r.total);\n"
  "    if (r.finished && !done) {\n"
  "      done = true;\n"
  "      es.close();\n"
  "      window.location.reload();\n"
  "    }\n"
  "  });\n"
  "})();\n";

static const ServeStatic files[] = {
  { "/static/style.css", "text/css; charset=utf-8", STYLE, sizeof STYLE - 1 },
  { "/static/live.js", "text/javascript; charset=utf-8", LIVE, sizeof LIVE - 1 },
};

const ServeStatic *
serve_static_find (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    if (strcmp (files[i].path, path) == 0)
      return &files[i];
  return NULL;
}
