/* SPDX-License-Identifier: MIT */
/*
 * Tests of base/error: errors in a caller's domain, formatted and wrapped.
 */
#include "base/error.h"
#include "tests/lib/testutil.h"

#include <string.h>

#define TEST_ERROR (g_quark_from_static_string ("test-error-quark"))
#define INNER_ERROR (g_quark_from_static_string ("test-inner-error-quark"))

static void
test_fail (void)
{
  g_autoptr (GError) error = NULL;
  g_assert_false (base_fail (NULL, TEST_ERROR, 1, "ignored %d", 1));
  g_assert_false (base_fail (&error, TEST_ERROR, 2,
                              "%s: no card %s (%d%%)", "card_no", "A00000001", 5));
  g_assert_error (error, TEST_ERROR, 2);
  g_assert_cmpstr (error->message, ==, "card_no: no card A00000001 (5%)");
  g_clear_error (&error);
  /* An argument that looks like a format stays as it is. */
  g_assert_false (base_fail (&error, TEST_ERROR, 1, "%s", "100%s %d"));
  g_assert_cmpstr (error->message, ==, "100%s %d");
}

static void
test_fail_wrap (void)
{
  g_autoptr (GError) error = NULL;
  GError *inner = g_error_new (INNER_ERROR, 3, "check character is '%c'", 'X');
  g_assert_false (base_fail_wrap (&error, TEST_ERROR, "ssn: ", inner));
  g_assert_error (error, TEST_ERROR, 3);
  g_assert_cmpstr (error->message, ==, "ssn: check character is 'X'");
  g_clear_error (&error);

  inner = g_error_new_literal (INNER_ERROR, 1, "50% off");
  g_assert_false (base_fail_wrap (&error, TEST_ERROR, NULL, inner));
  g_assert_error (error, TEST_ERROR, 1);
  g_assert_cmpstr (error->message, ==, "50% off");

  /* A NULL error only frees inner (ASan would report a leak otherwise). */
  inner = g_error_new_literal (INNER_ERROR, 1, "dropped");
  g_assert_false (base_fail_wrap (NULL, TEST_ERROR, "x: ", inner));
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/base/error/format", test_fail);
  g_test_add_func ("/base/error/wrap", test_fail_wrap);
  return g_test_run ();
}
