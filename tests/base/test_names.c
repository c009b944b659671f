/* SPDX-License-Identifier: MIT */
/*
 * Tests of base/names: wire-name tables looked up both ways, and the macro
 * that defines a type's two functions.
 */
#include "base/names.h"
#include "tests/lib/testutil.h"

#include <string.h>

/* A table like ledger's: the enum starts at 1, index 0 is NULL. */
static const char *const names[] = { NULL, "local", "unified" };

static void
test_name_of (void)
{
  g_assert_cmpstr (base_name_of (names, 3, 1, "invalid"), ==, "local");
  g_assert_cmpstr (base_name_of (names, 3, 2, "invalid"), ==, "unified");
  g_assert_cmpstr (base_name_of (names, 3, 0, "invalid"), ==, "invalid");
  g_assert_cmpstr (base_name_of (names, 3, 3, "invalid"), ==, "invalid");
  g_assert_cmpstr (base_name_of (names, 3, -1, "unknown"), ==, "unknown");
  g_assert_cmpstr (base_name_of (names, 3, G_MAXINT, "unknown"), ==, "unknown");
}

static void
test_name_index (void)
{
  g_assert_cmpint (base_name_index (names, 3, "local"), ==, 1);
  g_assert_cmpint (base_name_index (names, 3, "unified"), ==, 2);
  g_assert_cmpint (base_name_index (names, 3, "loc"), ==, -1);
  g_assert_cmpint (base_name_index (names, 3, "local "), ==, -1);
  g_assert_cmpint (base_name_index (names, 3, "LOCAL"), ==, -1);
  g_assert_cmpint (base_name_index (names, 3, ""), ==, -1);
  g_assert_cmpint (base_name_index (names, 3, NULL), ==, -1);
  /* n bounds the search. */
  g_assert_cmpint (base_name_index (names, 2, "unified"), ==, -1);
  /* Every name maps back to its index. */
  for (int i = 1; i < 3; i++)
    g_assert_cmpint (base_name_index (names, 3, base_name_of (names, 3, i, NULL)), ==, i);
}

/* BASE_DEFINE_NAMES over a test enum that starts at 1, as ledger's do. */
typedef enum { FRUIT_APPLE = 1, FRUIT_PEAR = 2 } Fruit;
static const char *const fruit_names[] = { [FRUIT_APPLE] = "apple", [FRUIT_PEAR] = "pear" };
const char *fruit_name (Fruit value);
gboolean fruit_from_name (const char *name, Fruit *out);
BASE_DEFINE_NAMES (fruit, Fruit, fruit_names, "invalid")

static void
test_define_names (void)
{
  Fruit f = FRUIT_PEAR;
  g_assert_cmpstr (fruit_name (FRUIT_APPLE), ==, "apple");
  g_assert_cmpstr (fruit_name (FRUIT_PEAR), ==, "pear");
  g_assert_cmpstr (fruit_name ((Fruit) 0), ==, "invalid");
  g_assert_cmpstr (fruit_name ((Fruit) 3), ==, "invalid");
  g_assert_true (fruit_from_name ("apple", &f));
  g_assert_cmpint (f, ==, FRUIT_APPLE);
  g_assert_true (fruit_from_name ("pear", &f));
  g_assert_cmpint (f, ==, FRUIT_PEAR);
  g_assert_false (fruit_from_name ("invalid", &f));
  g_assert_false (fruit_from_name (NULL, &f));
  g_assert_cmpint (f, ==, FRUIT_PEAR);   /* untouched on failure */
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/base/names/of", test_name_of);
  g_test_add_func ("/base/names/index", test_name_index);
  g_test_add_func ("/base/names/define", test_define_names);
  return g_test_run ();
}
