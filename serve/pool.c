/* SPDX-License-Identifier: MIT */
/*
 * The pool of worker processes (see pool.h).  Each running run is a Job:
 * its GSubprocess (spawned through a launcher whose child setup puts the
 * child in its own process group and sets its limits), two asynchronous
 * readers (stdout, parsed line by line into a buffer of at most LINE_MAX
 * bytes; stderr, copied to STATE/runs/ID/stderr up to STDERR_FILE_MAX bytes
 * with its last STDERR_TAIL bytes kept for the message) and the wait for its
 * exit.  When all three have ended, the job is concluded: the outcome is
 * decided from the exit and what was read, the run finished in the store in
 * one transaction, the subscribers told, and the next queued runs started.
 *
 * Every asynchronous operation holds a reference on its Job, so a callback
 * that comes after the pool let the job go finds it still allocated; the
 * pool counts live jobs so that serve_pool_free can wait for the last one.
 * Everything runs on the main context that was the thread default when the
 * pool was made.
 */
#include "serve/pool.h"

#include "base/error.h"
#include "serve/run_json.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#define LINE_MAX_BYTES 4096               /* a stdout line, without its newline */
#define STDERR_TAIL 2000                  /* bytes of stderr's end in a message */
#define STDERR_FILE_MAX (1024 * 1024)     /* bytes of stderr kept in the run's folder */
#define RESULTS_MAX ((gsize) 64 << 20)    /* results.json and transcript.jsonl read */
#define PROGRESS_WRITE_US (250 * 1000)    /* at most one progress write per run per 250 ms */
#define TOTAL_MAX 100000                  /* tests a run may announce */

typedef struct _Job Job;

typedef struct {
  guint id;
  ServeRunEventFunc f;
  gpointer data;
} Sub;

struct _ServePool {
  ServeStore *store;
  char *essc_bin, *registry_path, *key_path, *state_dir, *runs_dir;
  guint max_total, max_per_vendor, deadline_s, cpu_s;
  guint64 mem_bytes;
  int timeout_ms;
  GMainContext *context;
  GHashTable *jobs;             /* run id (gint64*) -> Job*, the running ones */
  GArray *subs;                 /* Sub */
  guint next_sub;
  gint *live;                   /* jobs not yet freed; outlives the pool when needed */
  gboolean closing, kicking;
};

struct _Job {
  gint ref;
  ServePool *pool;              /* NULL once the pool let it go */
  gint *live;
  gint64 id;
  char *vendor, *channel, *dir;
  GSubprocess *proc;
  GPid pid;
  GCancellable *cancel;
  guint8 out_buf[1024], err_buf[1024];
  GString *line;                /* the stdout line being read */
  int err_fd;                   /* STATE/runs/ID/stderr, or -1 */
  gsize err_written;
  GString *err_tail;
  guint pending;                /* of stdout EOF, stderr EOF, exit */
  gboolean exited, out_done;
  int wait_status;
  char *kill_reason;            /* set when the pool killed it */
  guint deadline_source, flush_source;
  guint done, total, passed, failed, skipped;
  gboolean dirty;
  gint64 last_write_us;
  gint64 report_id;
  char *report_state;
};

static void job_conclude (Job *j);
static void emit_state (ServePool *p, gint64 id);

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* ---- jobs --------------------------------------------------------------------- */

static Job *
job_ref (Job *j)
{
  g_atomic_int_inc (&j->ref);
  return j;
}

static void
job_unref (Job *j)
{
  if (!g_atomic_int_dec_and_test (&j->ref))
    return;
  if (j->err_fd >= 0)
    close (j->err_fd);
  g_clear_object (&j->proc);
  g_clear_object (&j->cancel);
  g_string_free (j->line, TRUE);
  g_string_free (j->err_tail, TRUE);
  g_free (j->vendor);
  g_free (j->channel);
  g_free (j->dir);
  g_free (j->kill_reason);
  g_free (j->report_state);
  (*j->live)--;
  g_free (j);
}

/* Kills the job's whole process group (the worker and whatever it
 * started), once with a reason for the message. */
static void
job_kill (Job *j, const char *reason)
{
  if (j->kill_reason == NULL && reason != NULL)
    j->kill_reason = g_strdup (reason);
  if (j->pid > 0 && !j->exited)
    kill (-j->pid, SIGKILL);
}

/* ---- events ------------------------------------------------------------------- */

static void
emit (ServePool *p, gint64 id, const char *event, const char *json)
{
  /* a callback may unsubscribe (itself or another): walk a copy */
  g_autoptr (GArray) subs = g_array_copy (p->subs);
  for (guint i = 0; i < subs->len; i++)
    {
      Sub *s = &g_array_index (subs, Sub, i);
      gboolean still = FALSE;
      for (guint k = 0; k < p->subs->len && !still; k++)
        still = g_array_index (p->subs, Sub, k).id == s->id;
      if (still)
        s->f (id, event, json, s->data);
    }
}

static void
emit_state (ServePool *p, gint64 id)
{
  if (p->subs->len == 0)
    return;
  g_autoptr (GError) error = NULL;
  g_autoptr (ServeRun) r = serve_store_run (p->store, id, &error);
  if (r == NULL)
    {
      g_message ("essc serve: run %" G_GINT64_FORMAT ": %s", id, error->message);
      return;
    }
  g_autofree char *json = serve_run_to_json (r);
  emit (p, id, "state", json);
}

static void
emit_progress (ServePool *p, Job *j, const char *verdict, const char *test)
{
  if (p->subs->len == 0)
    return;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "done");
  json_builder_add_int_value (b, j->done);
  json_builder_set_member_name (b, "total");
  json_builder_add_int_value (b, j->total);
  json_builder_set_member_name (b, "verdict");
  json_builder_add_string_value (b, verdict);
  json_builder_set_member_name (b, "test");
  json_builder_add_string_value (b, test);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autofree char *json = json_to_string (root, FALSE);
  emit (p, j->id, "progress", json);
}

guint
serve_pool_subscribe (ServePool *p, ServeRunEventFunc f, gpointer data)
{
  g_return_val_if_fail (p != NULL && f != NULL, 0);
  Sub s = { ++p->next_sub, f, data };
  g_array_append_val (p->subs, s);
  return s.id;
}

void
serve_pool_unsubscribe (ServePool *p, guint id)
{
  g_return_if_fail (p != NULL);
  for (guint i = 0; i < p->subs->len; i++)
    if (g_array_index (p->subs, Sub, i).id == id)
      {
        g_array_remove_index (p->subs, i);
        return;
      }
}

/* ---- progress ----------------------------------------------------------------- */

static void
flush_progress (Job *j)
{
  if (!j->dirty || j->pool == NULL)
    return;
  g_autoptr (GError) error = NULL;
  if (!serve_store_run_progress (j->pool->store, j->id, j->done, j->total, j->passed, j->failed,
                                 j->skipped, &error))
    g_message ("essc serve: run %" G_GINT64_FORMAT ": %s", j->id, error->message);
  j->dirty = FALSE;
  j->last_write_us = g_get_monotonic_time ();
}

static gboolean
flush_later (gpointer data)
{
  Job *j = data;
  j->flush_source = 0;
  flush_progress (j);
  return G_SOURCE_REMOVE;
}

static void
note_progress (Job *j)
{
  j->dirty = TRUE;
  gint64 since = g_get_monotonic_time () - j->last_write_us;
  if (since >= PROGRESS_WRITE_US)
    flush_progress (j);
  else if (j->flush_source == 0)
    {
      GSource *s = g_timeout_source_new ((guint) ((PROGRESS_WRITE_US - since) / 1000) + 1);
      g_source_set_callback (s, flush_later, job_ref (j), (GDestroyNotify) job_unref);
      j->flush_source = g_source_attach (s, j->pool->context);
      g_source_unref (s);
    }
}

/* ---- stdout ------------------------------------------------------------------- */

static gboolean
parse_uint (const char *text, guint64 max, guint64 *out)
{
  if (text[0] < '0' || text[0] > '9' || (text[0] == '0' && text[1] != '\0'))
    return FALSE;
  return g_ascii_string_to_unsigned (text, 10, 1, max, out, NULL);
}

static gboolean
is_verdict (const char *v)
{
  static const char *const words[] = { "pass", "fail", "skip", "not_implemented", "waived",
                                       "not_run" };
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (strcmp (v, words[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_text (const char *t)
{
  if (*t == '\0' || !g_utf8_validate (t, -1, NULL))
    return FALSE;
  for (const char *c = t; *c != '\0'; c++)
    if ((guchar) *c < 0x20 || *c == 0x7f)
      return FALSE;
  return TRUE;
}

/* One stdout line (no newline); FALSE with *why when it is not one the
 * worker may write now. */
static gboolean
take_line (Job *j, const char *line, char **why)
{
  g_auto (GStrv) f = g_strsplit (line, "\t", 5);
  guint n = g_strv_length (f);
  guint64 index, total, report;
  if (j->report_state != NULL)
    {
      *why = g_strdup ("the worker wrote after its report line");
      return FALSE;
    }
  if (n == 5 && strcmp (f[0], "progress") == 0)
    {
      if (!parse_uint (f[1], TOTAL_MAX, &index) || !parse_uint (f[2], TOTAL_MAX, &total)
          || !is_verdict (f[3]) || !is_text (f[4]))
        {
          *why = g_strdup ("the worker wrote a malformed progress line");
          return FALSE;
        }
      if (index != j->done + 1 || index > total || (j->total != 0 && total != j->total))
        {
          *why = g_strdup_printf ("the worker's progress went from %u of %u to %u of %u", j->done,
                                  j->total, (guint) index, (guint) total);
          return FALSE;
        }
      j->done = (guint) index;
      j->total = (guint) total;
      serve_store_count_verdict (f[3], &j->passed, &j->failed, &j->skipped);
      note_progress (j);
      emit_progress (j->pool, j, f[3], f[4]);
      return TRUE;
    }
  if (n == 3 && strcmp (f[0], "report") == 0 && parse_uint (f[1], G_MAXINT64, &report)
      && (strcmp (f[2], SERVE_RUN_CONFORMANT) == 0 || strcmp (f[2], SERVE_RUN_NOT_CONFORMANT) == 0))
    {
      j->report_id = (gint64) report;
      j->report_state = g_strdup (f[2]);
      return TRUE;
    }
  *why = g_strdup ("the worker wrote a line that is neither progress nor report");
  return FALSE;
}

static void read_out (Job *j);

static void
out_done (Job *j)
{
  if (j->out_done)
    return;
  j->out_done = TRUE;
  if (--j->pending == 0)
    job_conclude (j);
}

static void
out_ready (GObject *src, GAsyncResult *res, gpointer data)
{
  Job *j = data;
  g_autoptr (GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (src), res, &error);
  if (n > 0 && j->pool != NULL && !j->out_done)
    {
      const char *b = (const char *) j->out_buf;
      gboolean bad = FALSE;
      for (gssize i = 0; i < n && !bad; i++)
        {
          if (b[i] != '\n')
            {
              if (b[i] == '\0' || j->line->len >= LINE_MAX_BYTES)
                {
                  job_kill (j, b[i] == '\0' ? "the worker wrote a NUL byte on its output"
                                            : "the worker wrote a line over 4096 bytes");
                  bad = TRUE;
                }
              else
                g_string_append_c (j->line, b[i]);
              continue;
            }
          g_autofree char *why = NULL;
          if (!take_line (j, j->line->str, &why))
            {
              job_kill (j, why);
              bad = TRUE;
            }
          g_string_truncate (j->line, 0);
        }
      if (!bad)
        {
          read_out (j);
          job_unref (j);
          return;
        }
    }
  /* EOF, an error, a bad line or the pool let the job go: no more reading */
  out_done (j);
  job_unref (j);
}

static void
read_out (Job *j)
{
  GInputStream *in = g_subprocess_get_stdout_pipe (j->proc);
  g_input_stream_read_async (in, j->out_buf, sizeof j->out_buf, G_PRIORITY_DEFAULT, j->cancel,
                             out_ready, job_ref (j));
}

/* ---- stderr ------------------------------------------------------------------- */

static void read_err (Job *j);

static void
err_ready (GObject *src, GAsyncResult *res, gpointer data)
{
  Job *j = data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (src), res, NULL);
  if (n > 0)
    {
      if (j->err_fd >= 0 && j->err_written < STDERR_FILE_MAX)
        {
          gsize want = MIN ((gsize) n, STDERR_FILE_MAX - j->err_written);
          ssize_t w = write (j->err_fd, j->err_buf, want);
          j->err_written += w > 0 ? (gsize) w : want;
        }
      g_string_append_len (j->err_tail, (const char *) j->err_buf, n);
      if (j->err_tail->len > 2 * STDERR_TAIL)
        g_string_erase (j->err_tail, 0, (gssize) (j->err_tail->len - STDERR_TAIL));
      read_err (j);
    }
  else if (--j->pending == 0)
    job_conclude (j);
  job_unref (j);
}

static void
read_err (Job *j)
{
  GInputStream *in = g_subprocess_get_stderr_pipe (j->proc);
  g_input_stream_read_async (in, j->err_buf, sizeof j->err_buf, G_PRIORITY_DEFAULT, j->cancel,
                             err_ready, job_ref (j));
}

/* The end of stderr as one clean paragraph: at most STDERR_TAIL bytes from
 * a line start, valid UTF-8, without control characters but line feeds;
 * NULL when empty. */
static char *
err_tail (Job *j)
{
  const char *t = j->err_tail->str;
  gsize len = j->err_tail->len;
  if (len > STDERR_TAIL)
    {
      const char *from = t + len - STDERR_TAIL;
      const char *nl = memchr (from, '\n', STDERR_TAIL);
      len -= (gsize) ((nl != NULL ? nl + 1 : from) - t);
      t += j->err_tail->len - len;
    }
  g_autofree char *valid = g_utf8_make_valid (t, (gssize) len);
  for (char *c = valid; *c != '\0'; c++)
    if (((guchar) *c < 0x20 && *c != '\n') || *c == 0x7f)
      *c = ' ';
  g_strstrip (valid);
  return valid[0] != '\0' ? g_steal_pointer (&valid) : NULL;
}

/* ---- exit and the outcome ----------------------------------------------------- */

static void
exited (GObject *src, GAsyncResult *res, gpointer data)
{
  Job *j = data;
  g_subprocess_wait_finish (G_SUBPROCESS (src), res, NULL);
  j->wait_status = g_subprocess_get_status (j->proc);
  j->exited = TRUE;
  /* What the worker left running in its group (a pipe's writer) ends with it. */
  if (j->pid > 0)
    kill (-j->pid, SIGKILL);
  if (--j->pending == 0)
    job_conclude (j);
  job_unref (j);
}

static gboolean
deadline_passed (gpointer data)
{
  Job *j = data;
  j->deadline_source = 0;
  if (j->pool == NULL)
    return G_SOURCE_REMOVE;
  g_autofree char *why = g_strdup_printf ("deadline of %u s passed", j->pool->deadline_s);
  job_kill (j, why);
  /* a pipe held open by a process outside the group must not keep the run */
  g_cancellable_cancel (j->cancel);
  return G_SOURCE_REMOVE;
}

static char *
read_file (const char *dir, const char *name, GError **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GStatBuf st;
  if (g_lstat (path, &st) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s: %s", name,
                   g_strerror (errno));
      return NULL;
    }
  if (!S_ISREG (st.st_mode) || (gsize) st.st_size > RESULTS_MAX)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s: not a regular file of at most "
                   "%" G_GSIZE_FORMAT " bytes", name, RESULTS_MAX);
      return NULL;
    }
  char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, error))
    return NULL;
  return text;
}

/* Decides the outcome: *state, *message (transfer full, may be NULL). */
static void
outcome (Job *j, const char **state, char **message)
{
  ServePool *p = j->pool;
  g_autofree char *tail = err_tail (j);
  g_autofree char *colon_tail = tail ? g_strdup_printf (": %s", tail) : g_strdup ("");
  *state = SERVE_RUN_ERROR;
  *message = NULL;
  gboolean signaled = j->exited && WIFSIGNALED (j->wait_status);
  int code = j->exited && !signaled ? WEXITSTATUS (j->wait_status) : -1;
  const char *want = code == 0 ? SERVE_RUN_CONFORMANT : SERVE_RUN_NOT_CONFORMANT;
  if (j->kill_reason != NULL)
    *message = g_strdup (j->kill_reason);
  else if ((code == 0 || code == 1) && g_strcmp0 (j->report_state, want) == 0)
    *state = want;          /* a stored report counts, even while the server stops */
  else if (p->closing)
    {
      *state = SERVE_RUN_INTERRUPTED;
      *message = g_strdup ("the server stopped while the run ran");
    }
  else if (!j->exited)
    *message = g_strdup ("the worker's end was not seen");
  else if (signaled)
    {
      int sig = WTERMSIG (j->wait_status);
      g_autofree char *extra = sig == SIGXCPU ? g_strdup_printf (" (the CPU limit is %u s)",
                                                                 p->cpu_s) : NULL;
      *message = g_strdup_printf ("the worker was killed by signal %d (%s)%s%s", sig,
                                  g_strsignal (sig), extra ? extra : "", colon_tail);
    }
  else if (code == 0 || code == 1)
    *message = j->report_state != NULL
               ? g_strdup_printf ("the worker exited with status %d after reporting '%s'", code,
                                  j->report_state)
               : g_strdup_printf ("the worker exited with status %d without a report%s", code,
                                  colon_tail);
  else if (code == 2)
    *message = g_strdup_printf ("the implementation could not be tested (exit 2)%s",
                                colon_tail);
  else if (code == 3)
    *message = g_strdup_printf ("the worker could not write its results (exit 3)%s",
                                colon_tail);
  else
    *message = g_strdup_printf ("the worker exited with status %d%s", code, colon_tail);
}

static void
finish (ServePool *p, Job *j)
{
  const char *state;
  g_autofree char *message = NULL;
  outcome (j, &state, &message);
  gboolean verdict = g_strcmp0 (state, SERVE_RUN_CONFORMANT) == 0
                     || g_strcmp0 (state, SERVE_RUN_NOT_CONFORMANT) == 0;
  g_autofree char *results = NULL, *transcript = NULL;
  g_autoptr (GError) error = NULL;
  if (verdict)
    {
      results = read_file (j->dir, "results.json", &error);
      if (results != NULL)
        {
          /* a transcript that cannot be read leaves the tests without one */
          g_autoptr (GError) terr = NULL;
          transcript = read_file (j->dir, "transcript.jsonl", &terr);
          if (transcript == NULL)
            message = g_strdup_printf ("the transcript could not be read: %s", terr->message);
        }
      if (results != NULL
          && serve_store_run_finish (p->store, j->id, state, message, j->report_id, results,
                                     transcript, now_s (), &error))
        return;
      if (error->domain != SERVE_STORE_ERROR || error->code == SERVE_STORE_ERROR_INPUT)
        {
          g_free (message);
          message = g_strdup_printf ("report %" G_GINT64_FORMAT " was stored, but its results "
                                     "could not be read: %s", j->report_id, error->message);
          state = SERVE_RUN_ERROR;
          g_clear_error (&error);
        }
    }
  if (error == NULL
      && serve_store_run_finish (p->store, j->id, state, message, j->report_id, NULL, NULL,
                                 now_s (), &error))
    return;
  /* the store could not write: the run stays running and a restart marks
   * it interrupted */
  g_message ("essc serve: run %" G_GINT64_FORMAT ": %s", j->id, error->message);
}

static void
job_conclude (Job *j)
{
  ServePool *p = j->pool;
  if (p == NULL)
    return;
  if (j->deadline_source != 0)
    g_source_remove (j->deadline_source);
  if (j->flush_source != 0)
    g_source_remove (j->flush_source);
  j->deadline_source = j->flush_source = 0;
  flush_progress (j);
  finish (p, j);
  j->pool = NULL;
  gint64 id = j->id;
  g_hash_table_remove (p->jobs, &id);     /* drops the table's reference */
  emit_state (p, id);
  serve_pool_kick (p);
}

/* ---- starting ----------------------------------------------------------------- */

typedef struct {
  rlim_t mem, cpu;
} Limits;

/* In the child, between fork and exec: only async-signal-safe calls. */
static void
child_setup (gpointer data)
{
  const Limits *l = data;
  setpgid (0, 0);
#ifdef __linux__
  /* a server killed with SIGKILL takes its workers along */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
#endif
  struct rlimit core = { 0, 0 };
  setrlimit (RLIMIT_CORE, &core);
  if (l->mem > 0)
    {
      struct rlimit as = { l->mem, l->mem };
      setrlimit (RLIMIT_AS, &as);
    }
  if (l->cpu > 0)
    {
      /* SIGXCPU at the soft limit, SIGKILL a second later */
      struct rlimit cpu = { l->cpu, l->cpu + 1 };
      setrlimit (RLIMIT_CPU, &cpu);
    }
}

static gboolean
spawn (ServePool *p, Job *j, GError **error)
{
  if (g_mkdir_with_parents (j->dir, 0700) != 0)
    return base_fail (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s: %s", j->dir,
                      g_strerror (errno));
  g_autofree char *err_path = g_build_filename (j->dir, "stderr", NULL);
  j->err_fd = g_open (err_path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  g_autofree char *results = g_build_filename (j->dir, "results.json", NULL);
  g_autofree char *transcript = g_build_filename (j->dir, "transcript.jsonl", NULL);
  g_autofree char *actor = g_strdup_printf ("vendor:%s", j->vendor);
  g_autofree char *timeout = g_strdup_printf ("%d", p->timeout_ms);
  const char *argv[] = { p->essc_bin, "registry", "test", "--db", p->registry_path, "--id",
                         j->channel, "--key", p->key_path, "--actor", actor, "--results", results,
                         "--transcript", transcript, "--progress",
                         p->timeout_ms > 0 ? "--timeout-ms" : NULL, timeout, NULL };
  g_autoptr (GSubprocessLauncher) l
    = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* the limits travel in the launcher's copy, freed with it; the child
   * reads its own copy of the address space */
  Limits *lim = g_new (Limits, 1);
  lim->mem = (rlim_t) p->mem_bytes;
  lim->cpu = (rlim_t) p->cpu_s;
  g_subprocess_launcher_set_child_setup (l, child_setup, lim, g_free);
  j->proc = g_subprocess_launcher_spawnv (l, argv, error);
  if (j->proc == NULL)
    return FALSE;
  const char *ident = g_subprocess_get_identifier (j->proc);
  j->pid = ident != NULL ? (GPid) g_ascii_strtoll (ident, NULL, 10) : 0;
  if (j->pid > 0)
    setpgid (j->pid, j->pid);   /* also from here, so a kill never misses the group */
  j->pending = 3;
  read_out (j);
  read_err (j);
  g_subprocess_wait_async (j->proc, NULL, exited, job_ref (j));
  GSource *s = g_timeout_source_new_seconds (p->deadline_s);
  g_source_set_callback (s, deadline_passed, job_ref (j), (GDestroyNotify) job_unref);
  j->deadline_source = g_source_attach (s, p->context);
  g_source_unref (s);
  return TRUE;
}

/* Starts run id; FALSE when the store failed (the caller stops kicking). */
static gboolean
start (ServePool *p, gint64 id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ServeRun) r = serve_store_run (p->store, id, &error);
  if (r == NULL || !serve_store_run_start (p->store, id, now_s (), &error))
    {
      g_message ("essc serve: run %" G_GINT64_FORMAT ": %s", id, error->message);
      return FALSE;
    }
  Job *j = g_new0 (Job, 1);
  j->ref = 1;
  j->pool = p;
  j->live = p->live;
  (*p->live)++;
  j->id = id;
  j->vendor = g_strdup (r->vendor);
  j->channel = g_strdup (r->channel_id);
  j->dir = g_strdup_printf ("%s/%" G_GINT64_FORMAT, p->runs_dir, id);
  j->cancel = g_cancellable_new ();
  j->line = g_string_new (NULL);
  j->err_tail = g_string_new (NULL);
  j->err_fd = -1;
  j->last_write_us = G_MININT64 / 2;
  gint64 *key = g_new (gint64, 1);
  *key = id;
  g_hash_table_insert (p->jobs, key, j);
  if (!spawn (p, j, &error))
    {
      g_autofree char *message = g_strdup_printf ("could not start the worker: %s",
                                                  error->message);
      g_clear_error (&error);
      j->pool = NULL;
      g_hash_table_remove (p->jobs, &id);
      if (!serve_store_run_finish (p->store, id, SERVE_RUN_ERROR, message, 0, NULL, NULL,
                                   now_s (), &error))
        {
          g_message ("essc serve: run %" G_GINT64_FORMAT ": %s", id, error->message);
          return FALSE;
        }
      emit_state (p, id);
      return TRUE;
    }
  emit_state (p, id);
  return TRUE;
}

void
serve_pool_kick (ServePool *p)
{
  g_return_if_fail (p != NULL);
  /* a run that ends while we start others calls kick again: one loop */
  if (p->closing || p->kicking)
    return;
  p->kicking = TRUE;
  while (g_hash_table_size (p->jobs) < p->max_total)
    {
      g_autoptr (GError) error = NULL;
      gint64 id = 0;
      if (!serve_store_next_queued (p->store, p->max_per_vendor, &id, &error))
        {
          g_message ("essc serve: %s", error->message);
          break;
        }
      if (id == 0 || !start (p, id))
        break;
    }
  p->kicking = FALSE;
}

guint
serve_pool_running (ServePool *p)
{
  g_return_val_if_fail (p != NULL, 0);
  return g_hash_table_size (p->jobs);
}

/* ---- new, free ------------------------------------------------------------------ */

ServePool *
serve_pool_new (ServeStore *store, const ServePoolOptions *o, GError **error)
{
  g_return_val_if_fail (store != NULL && o != NULL, NULL);
  g_return_val_if_fail (o->essc_bin != NULL && o->registry_path != NULL && o->key_path != NULL
                        && o->state_dir != NULL, NULL);
  g_autofree char *runs = g_build_filename (o->state_dir, "runs", NULL);
  if (g_mkdir_with_parents (runs, 0700) != 0)
    {
      base_fail (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s: %s", runs,
                 g_strerror (errno));
      return NULL;
    }
  ServePool *p = g_new0 (ServePool, 1);
  p->store = store;
  p->essc_bin = g_strdup (o->essc_bin);
  p->registry_path = g_strdup (o->registry_path);
  p->key_path = g_strdup (o->key_path);
  p->state_dir = g_strdup (o->state_dir);
  p->runs_dir = g_steal_pointer (&runs);
  p->max_total = o->max_total > 0 ? o->max_total : 4;
  p->max_per_vendor = o->max_per_vendor > 0 ? o->max_per_vendor : 2;
  p->deadline_s = o->deadline_s > 0 ? o->deadline_s : 600;
  p->cpu_s = o->cpu_s > 0 ? o->cpu_s : 300;
#ifdef ESSC_SANITIZERS
  /* AddressSanitizer reserves terabytes of address space: a sanitized
   * worker cannot run under RLIMIT_AS, so only an explicit limit is set */
  p->mem_bytes = o->mem_bytes;
#else
  p->mem_bytes = o->mem_bytes > 0 ? o->mem_bytes : (guint64) 1 << 30;
#endif
  p->timeout_ms = o->timeout_ms;
  p->context = g_main_context_ref_thread_default ();
  p->jobs = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                   (GDestroyNotify) job_unref);
  p->subs = g_array_new (FALSE, FALSE, sizeof (Sub));
  p->live = g_new0 (gint, 1);
  return p;
}

static gboolean
flag_up (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the pool's context until no job runs (jobs TRUE) or none is
 * left allocated, or 10 s passed. */
static void
wait_for (ServePool *p, gboolean jobs)
{
  gboolean late = FALSE;
  GSource *t = g_timeout_source_new_seconds (10);
  g_source_set_callback (t, flag_up, &late, NULL);
  g_source_attach (t, p->context);
  while (!late && (jobs ? g_hash_table_size (p->jobs) > 0 : *p->live > 0))
    g_main_context_iteration (p->context, TRUE);
  g_source_destroy (t);
  g_source_unref (t);
}

void
serve_pool_free (ServePool *p)
{
  if (p == NULL)
    return;
  p->closing = TRUE;
  g_array_set_size (p->subs, 0);
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, p->jobs);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      Job *j = value;
      job_kill (j, NULL);
      g_cancellable_cancel (j->cancel);
    }
  /* each job concludes (as interrupted) once its exit and pipes are seen */
  wait_for (p, TRUE);
  g_hash_table_iter_init (&it, p->jobs);
  while (g_hash_table_iter_next (&it, NULL, &value))
    ((Job *) value)->pool = NULL;
  g_hash_table_destroy (p->jobs);
  /* the callbacks still queued hold the last references */
  wait_for (p, FALSE);
  if (*p->live == 0)
    g_free (p->live);     /* else the stragglers keep it */
  g_main_context_unref (p->context);
  g_array_free (p->subs, TRUE);
  g_free (p->essc_bin);
  g_free (p->registry_path);
  g_free (p->key_path);
  g_free (p->state_dir);
  g_free (p->runs_dir);
  g_free (p);
}
