/* SPDX-License-Identifier: MIT */
/*
 * Tests of conformance/client against the small adapters of tests/adapters:
 * a good one (hello, ok and error responses, `unimplemented`, bye), and one
 * per misbehaviour the runner must survive: a crash, exit 89, a hang, an
 * answer after the deadline, garbage, half a line, a 100 MB line, wrong ids,
 * broken responses, a standard error flood, an IUT that never reads, and
 * wrong answers to hello.  For each: the failure class, a message that says
 * what happened, a return within the deadline (plus a margin), later calls
 * failing at once with the same class, and no process of the IUT's group
 * left afterwards.  Adapters are found under $ESSC_SRCDIR/tests/adapters.
 */
#include "conformance/client.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* "'SRCDIR/tests/adapters/NAME' ARGS" for /bin/sh. */
static char *
adapter (const char *name, const char *args)
{
  g_autofree char *path = essc_test_src_path ("tests", "adapters", name, NULL);
  g_autofree char *quoted = g_shell_quote (path);
  return g_strdup_printf ("%s%s%s", quoted, args ? " " : "", args ? args : "");
}

static gint64
ms_since (gint64 t0)
{
  return (g_get_monotonic_time () - t0) / 1000;
}

static void
assert_group_gone (GPid pgid)
{
  g_assert_cmpint (kill (pgid, 0), ==, -1);
  g_assert_cmpint (errno, ==, ESRCH);
  g_assert_cmpint (kill (-pgid, 0), ==, -1);
  g_assert_cmpint (errno, ==, ESRCH);
}

static void
assert_contains (const char *text, const char *needle)
{
  if (strstr (text, needle) == NULL)
    g_error ("'%s' not in '%s'", needle, text);
}

/* Starts an adapter and shakes hands with a deadline that a loaded machine
 * meets (starting a shell script can take a while), then sets timeout_ms
 * for the calls under test. */
static ConfClient *
start (const char *name, const char *args, int timeout_ms)
{
  g_autofree char *cmd = adapter (name, args);
  g_autoptr (GError) error = NULL;
  ConfClient *c = conf_client_start (cmd, "channel", MAX (timeout_ms, 10000), &error);
  g_assert_no_error (error);
  g_assert_nonnull (c);
  conf_client_set_timeout (c, timeout_ms);
  return c;
}

/*
 * Calls op on an adapter that misbehaves: the call must fail with failure
 * within max_ms, its message must contain needle, a second call must fail
 * at once with the same class, and after free nothing of the IUT is left.
 */
static void
expect_failure (ConfClient *c, const char *op, JsonObject *params, ConfCallFailure failure,
                const char *needle, int max_ms)
{
  GPid pid = conf_client_pid (c);
  g_autoptr (GError) error = NULL;
  g_auto (ConfCallResult) r = { 0 };
  gint64 t0 = g_get_monotonic_time ();
  g_assert_false (conf_client_call (c, op, params, &r, &error));
  gint64 took = ms_since (t0);
  g_test_message ("%s (%" G_GINT64_FORMAT " ms): %s", conf_call_failure_name (failure), took,
                  error ? error->message : "(none)");
  g_assert_error (error, CONF_CLIENT_ERROR, (int) failure);
  g_assert_true (g_str_has_prefix (error->message, conf_call_failure_name (failure)));
  assert_contains (error->message, needle);
  g_assert_cmpint (took, <, max_ms);
  g_assert_null (r.result);
  g_assert_false (conf_client_alive (c));
  g_assert_nonnull (conf_client_exit (c));

  g_clear_error (&error);
  t0 = g_get_monotonic_time ();
  g_assert_false (conf_client_call (c, "echo", NULL, &r, &error));
  g_assert_cmpint (ms_since (t0), <, 50);
  g_assert_error (error, CONF_CLIENT_ERROR, (int) failure);
  assert_contains (error->message, "no longer running");
  conf_client_free (c);
  assert_group_gone (pid);
}

static void
test_good (void)
{
  g_autoptr (ConfClient) c = start ("good.sh", NULL, 5000);
  g_assert_cmpstr (conf_client_name (c), ==, "test adapter good");
  g_assert_cmpstr (conf_client_version (c), ==, "0.0.1");
  g_assert_cmpstr (conf_client_role (c), ==, "channel");
  g_assert_cmpuint (g_strv_length ((char **) conf_client_ops (c)), ==, 4);
  g_assert_true (conf_client_has_op (c, "refuse"));
  g_assert_false (conf_client_has_op (c, "qr.verify"));
  GPid pid = conf_client_pid (c);
  g_autoptr (GError) error = NULL;

  g_auto (ConfCallResult) r = { 0 };
  g_autoptr (JsonObject) params = json_object_new ();
  json_object_set_string_member (params, "note", "line\nbreak \"quoted\" 电子社保卡");
  g_assert_true (conf_client_call (c, "echo", params, &r, &error));
  g_assert_no_error (error);
  g_assert_true (r.ok);
  g_assert_cmpint (r.id, ==, 2);
  g_assert_cmpint (r.rtt_us, >, 0);
  g_assert_cmpstr (json_object_get_string_member (r.result, "op"), ==, "echo");
  conf_call_result_clear (&r);

  g_assert_true (conf_client_call (c, "refuse", NULL, &r, &error));
  g_assert_false (r.ok);
  g_assert_cmpint (r.id, ==, 3);
  g_assert_cmpint (r.code, ==, MODEL_STD_REPLAYED);
  g_assert_cmpstr (r.message, ==, "token already used");
  g_assert_null (r.result);
  conf_call_result_clear (&r);

  /* `unimplemented` is a normal response, not a failure. */
  g_assert_true (conf_client_call (c, "qr.verify", NULL, &r, &error));
  g_assert_false (r.ok);
  g_assert_cmpint (r.code, ==, MODEL_STD_UNIMPLEMENTED);
  g_assert_true (conf_client_alive (c));
  conf_call_result_clear (&r);

  conf_client_stop (c);
  g_assert_false (conf_client_alive (c));
  const ConfChildExit *x = conf_client_exit (c);
  g_assert_nonnull (x);
  g_assert_true (x->exited);
  g_assert_cmpint (x->status, ==, 0);
  g_assert_false (x->terminated);
  assert_group_gone (pid);
  g_assert_false (conf_client_call (c, "echo", NULL, &r, &error));
  conf_client_stop (c); /* again: nothing to do */
}

/* The role asked for is the role hello carries. */
static void
test_roles (void)
{
  static const char *const roles[] = { "platform", "channel", "verifier" };
  for (gsize i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      g_autofree char *cmd = adapter ("good.sh", NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (ConfClient) c = conf_client_start (cmd, roles[i], 5000, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (conf_client_role (c), ==, roles[i]);
    }
}

static void
test_bad_hello (void)
{
  static const struct {
    const char *mode;
    ConfCallFailure failure;
    const char *needle;
  } cases[] = {
    { "role", CONF_CALL_HANDSHAKE, "plays role \"platform\", not \"channel\"" },
    { "protocol", CONF_CALL_HANDSHAKE, "speaks protocol \"essc-adapter/0\"" },
    { "refuse", CONF_CALL_HANDSHAKE, "hello refused with unimplemented: no hello" },
    { "no-ops", CONF_CALL_HANDSHAKE, "member 'ops': missing" },
    { "not-json", CONF_CALL_PROTOCOL, "\"Welcome to my adapter!\"" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *cmd = adapter ("bad-hello.sh", cases[i].mode);
      g_autoptr (GError) error = NULL;
      gint64 t0 = g_get_monotonic_time ();
      ConfClient *c = conf_client_start (cmd, "channel", 5000, &error);
      g_assert_null (c);
      g_assert_error (error, CONF_CLIENT_ERROR, (int) cases[i].failure);
      assert_contains (error->message, cases[i].needle);
      assert_contains (error->message, "hello");
      g_assert_cmpint (ms_since (t0), <, 3000);
    }
}

static void
test_start_failures (void)
{
  g_autoptr (GError) error = NULL;
  /* Exit 89 before hello: not implemented. */
  g_assert_null (conf_client_start ("exit 89", "channel", 5000, &error));
  g_assert_error (error, CONF_CLIENT_ERROR, CONF_CALL_NOT_IMPLEMENTED);
  assert_contains (error->message, "status 89 (not implemented)");
  /* No such command: a crash, with the shell's complaint. */
  g_clear_error (&error);
  g_assert_null (conf_client_start ("/nonexistent/essc-adapter", "channel", 5000, &error));
  g_assert_error (error, CONF_CLIENT_ERROR, CONF_CALL_CRASH);
  assert_contains (error->message, "status 127");
  assert_contains (error->message, "not found");
}

static void
test_crash (void)
{
  ConfClient *c = start ("crash-after-hello.sh", NULL, 5000);
  /* The shell may run the script itself (signal 11) or as a child (139). */
  GPid pid = conf_client_pid (c);
  g_autoptr (GError) error = NULL;
  g_auto (ConfCallResult) r = { 0 };
  g_assert_false (conf_client_call (c, "echo", NULL, &r, &error));
  g_assert_error (error, CONF_CLIENT_ERROR, CONF_CALL_CRASH);
  g_assert_true (strstr (error->message, "killed by signal 11") != NULL
                 || strstr (error->message, "exited with status 139") != NULL);
  assert_contains (error->message, "while the response to 'echo' (id 2) was awaited");
  assert_contains (error->message, "about to crash");
  conf_client_free (c);
  assert_group_gone (pid);
  /* And through the common checks. */
  expect_failure (start ("crash-after-hello.sh", NULL, 5000), "echo", NULL, CONF_CALL_CRASH,
                  "crash: it ended", 3000);
}

static void
test_exit89 (void)
{
  expect_failure (start ("exit89.sh", NULL, 5000), "qr.verify", NULL,
                  CONF_CALL_NOT_IMPLEMENTED, "status 89 (not implemented)", 3000);
}

/* Never answers: a timeout that says so; its sleep goes with it. */
static void
test_hang (void)
{
  ConfClient *c = start ("hang.sh", NULL, 500);
  GPid pid = conf_client_pid (c);
  g_autoptr (GError) error = NULL;
  g_auto (ConfCallResult) r = { 0 };
  gint64 t0 = g_get_monotonic_time ();
  g_assert_false (conf_client_call (c, "echo", NULL, &r, &error));
  gint64 took = ms_since (t0);
  g_assert_error (error, CONF_CLIENT_ERROR, CONF_CALL_TIMEOUT);
  assert_contains (error->message, "timeout: no response to 'echo' (id 2) within 500 ms");
  g_assert_cmpint (took, >=, 500);
  g_assert_cmpint (took, <, 500 + CONF_CHILD_KILL_AFTER_MS + 1500);
  g_autofree char *tail = conf_client_stderr_tail (c);
  const char *p = strstr (tail, "sleep pid ");
  g_assert_nonnull (p);
  GPid sleeper = (GPid) g_ascii_strtoll (p + strlen ("sleep pid "), NULL, 10);
  g_assert_cmpint (sleeper, >, 1);
  g_assert_cmpint (kill (sleeper, 0), ==, -1);
  g_assert_cmpint (errno, ==, ESRCH);
  conf_client_free (c);
  assert_group_gone (pid);

  expect_failure (start ("hang.sh", NULL, 300), "echo", NULL, CONF_CALL_TIMEOUT, "within 300 ms",
                  300 + CONF_CHILD_KILL_AFTER_MS + 1500);
}

static void
test_slow (void)
{
  /* Answers after 2 s, deadline 500 ms: a timeout. */
  expect_failure (start ("slow.sh", NULL, 500), "echo", NULL, CONF_CALL_TIMEOUT,
                  "no response to 'echo' (id 2) within 500 ms",
                  500 + CONF_CHILD_KILL_AFTER_MS + 1500);

  /* Answers after 1 s, deadline 4 s: fine, and the round trip shows it. */
  g_setenv ("ESSC_ADAPTER_DELAY", "1", TRUE);
  g_autoptr (ConfClient) c = start ("slow.sh", NULL, 4000);
  g_unsetenv ("ESSC_ADAPTER_DELAY");
  g_autoptr (GError) error = NULL;
  g_auto (ConfCallResult) r = { 0 };
  g_assert_true (conf_client_call (c, "echo", NULL, &r, &error));
  g_assert_no_error (error);
  g_assert_true (r.ok);
  g_assert_cmpint (r.rtt_us, >=, 1000000);
  g_assert_cmpint (r.rtt_us, <, 4000000);
}

static void
test_garbage (void)
{
  expect_failure (start ("garbage.sh", NULL, 5000), "echo", NULL, CONF_CALL_PROTOCOL,
                  "the response to 'echo' (id 2) is not a JSON object", 3000);
  ConfClient *c = start ("garbage.sh", NULL, 5000);
  g_autoptr (GError) error = NULL;
  g_auto (ConfCallResult) r = { 0 };
  g_assert_false (conf_client_call (c, "echo", NULL, &r, &error));
  assert_contains (error->message, "\"garbage 2: \\001\xef\xbf\xbd this is not JSON\"");
  assert_contains (error->message, "invalid UTF-8");
  conf_client_free (c);
}

static void
test_half_line (void)
{
  expect_failure (start ("half-line.sh", NULL, 5000), "echo", NULL, CONF_CALL_PROTOCOL,
                  "is half a line (15 bytes, then the output ended)", 3000);
}

/* 100 MB in one line: refused within seconds, without holding it. */
static void
test_huge_line (void)
{
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  glong rss0 = ru.ru_maxrss;
  expect_failure (start ("huge-line.sh", NULL, 5000), "echo", NULL, CONF_CALL_PROTOCOL,
                  "longer than 1048576 bytes", 4000);
  getrusage (RUSAGE_SELF, &ru);
  g_test_message ("max RSS %ld -> %ld KiB", rss0, (glong) ru.ru_maxrss);
  g_assert_cmpint (ru.ru_maxrss - rss0, <, 32 * 1024);
}

static void
test_wrong_id (void)
{
  expect_failure (start ("wrong-id.sh", NULL, 5000), "echo", NULL, CONF_CALL_PROTOCOL,
                  "the response to 'echo' carries id 1002, expected 2", 3000);
}

/* Steps sent as text (docs/VECTORS.md `line`), against the reference
 * verifier: "$id" takes the next id; a text without it takes none and its
 * answer carries id 0; a malformed line may be answered with id 0. */
static void
test_line (void)
{
  g_autofree char *bin = g_shell_quote (g_getenv ("ESSC_BIN"));
  g_autofree char *cmd = g_strdup_printf ("%s impl --role verifier", bin);
  g_autoptr (GError) error = NULL;
  g_autoptr (ConfClient) c = conf_client_start (cmd, "verifier", 10000, &error);
  g_assert_no_error (error);
  g_auto (ConfCallResult) r = { 0 };

  g_assert_true (conf_client_call_line (c, "hello", "{\"essc\":1,\r\"id\":\"$id\",\"op\":"
                                        "\"hello\",\"params\":{\"protocol\":\"essc-adapter/1\"}}",
                                        &r, &error));
  g_assert_no_error (error);
  g_assert_true (r.ok);
  g_assert_cmpint (r.id, ==, 2);
  g_assert_cmpstr (json_object_get_string_member (r.result, "role"), ==, "verifier");
  conf_call_result_clear (&r);

  g_assert_true (conf_client_call_line (c, "hello", "{\"essc\":1,\"id\":0,\"op\":\"hello\"}",
                                        &r, &error));
  g_assert_false (r.ok);
  g_assert_cmpint (r.id, ==, 0);
  g_assert_cmpint (r.code, ==, MODEL_STD_MALFORMED);
  conf_call_result_clear (&r);

  g_assert_true (conf_client_call_line (c, "hello", "{\"essc\":1,\"id\":\"$id\",", &r,
                                        &error));
  g_assert_false (r.ok);
  g_assert_cmpint (r.id, ==, 3);
  g_assert_cmpint (r.code, ==, MODEL_STD_MALFORMED);
  conf_call_result_clear (&r);

  /* the sequence goes on after the text without "$id" */
  g_assert_true (conf_client_call (c, "bye", NULL, &r, &error));
  g_assert_true (r.ok);
  g_assert_cmpint (r.id, ==, 4);
}

static void
test_bad_response (void)
{
  static const struct {
    const char *mode, *needle;
  } cases[] = {
    { "code", "has code \"no_such_code\", which is not an ESSC-STD error code" },
    { "ok-code", "has code \"ok\"" },
    { "ok-string", "member 'ok': expected true or false" },
    { "no-result", "member 'result': missing" },
    { "float-id", "member 'id': expected an integer" },
    { "no-id", "member 'id': missing" },
    { "array", "expected an object" },
    { "deep", "nested deeper than 64" },
    { "nul", "NUL" },
    { "escaped-nul", "holds U+0000 in a string" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    expect_failure (start ("bad-response.sh", cases[i].mode, 5000), "echo", NULL,
                    CONF_CALL_PROTOCOL, cases[i].needle, 3000);
}

/* Megabytes on standard error before hello: drained, the run goes on. */
static void
test_stderr_flood (void)
{
  g_autoptr (ConfClient) c = start ("stderr-flood.sh", NULL, 5000);
  g_autoptr (GError) error = NULL;
  g_auto (ConfCallResult) r = { 0 };
  g_assert_true (conf_client_call (c, "echo", NULL, &r, &error));
  g_assert_true (r.ok);
  g_autofree char *tail = conf_client_stderr_tail (c);
  g_assert_cmpuint (strlen (tail), <=, CONF_CHILD_STDERR_KEEP);
  g_assert_true (g_str_has_suffix (tail, "stderr-flood.sh: end of the flood\n"));
  conf_client_stop (c);
  g_assert_true (conf_client_exit (c)->exited);
  g_assert_cmpint (conf_client_exit (c)->status, ==, 0);
}

/* Never reads: a large request times out while it is written. */
static void
test_no_read (void)
{
  ConfClient *c = start ("no-read.sh", NULL, 300);
  g_autoptr (JsonObject) params = json_object_new ();
  g_autofree char *big = g_strnfill (4 << 20, 'x');
  json_object_set_string_member (params, "body", big);
  expect_failure (c, "request.sign", params, CONF_CALL_TIMEOUT,
                  "request 'request.sign' (id 2) not taken: the implementation does not read "
                  "its input (timeout writing to the implementation: ", 300 + 2000);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/conf-client/good", test_good);
  g_test_add_func ("/conf-client/roles", test_roles);
  g_test_add_func ("/conf-client/bad-hello", test_bad_hello);
  g_test_add_func ("/conf-client/start-failures", test_start_failures);
  g_test_add_func ("/conf-client/crash", test_crash);
  g_test_add_func ("/conf-client/exit89", test_exit89);
  g_test_add_func ("/conf-client/hang", test_hang);
  g_test_add_func ("/conf-client/slow", test_slow);
  g_test_add_func ("/conf-client/garbage", test_garbage);
  g_test_add_func ("/conf-client/half-line", test_half_line);
  g_test_add_func ("/conf-client/huge-line", test_huge_line);
  g_test_add_func ("/conf-client/wrong-id", test_wrong_id);
  g_test_add_func ("/conf-client/line", test_line);
  g_test_add_func ("/conf-client/bad-response", test_bad_response);
  g_test_add_func ("/conf-client/stderr-flood", test_stderr_flood);
  g_test_add_func ("/conf-client/no-read", test_no_read);
  return g_test_run ();
}
