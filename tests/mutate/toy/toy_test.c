/* SPDX-License-Identifier: MIT */
/*
 * The toy suite of tools/mutate.py's self-test: checks toy.c and prints
 * "FAIL name REQUIREMENT" for each check that fails; exit 0 when all pass.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int toy_is_adult (int age);
int toy_clamp (int x, int lo, int hi);
long toy_sum_even (uint64_t n);
const char *toy_name (int code);
long toy_span (const char *a, const char *b);
void toy_count (int *counter);

static int failed;

static void
check (int ok, const char *name, const char *req)
{
  if (!ok)
    {
      printf ("FAIL %s %s\n", name, req);
      failed = 1;
    }
}

int
main (void)
{
  check (toy_is_adult (30) && !toy_is_adult (5), "adult", "TOY-1");
  check (toy_clamp (-5, 0, 10) == 0 && toy_clamp (50, 0, 10) == 10
         && toy_clamp (7, 0, 10) == 7, "clamp", "TOY-2");
  check (toy_sum_even (8) == 12, "sum-even", "TOY-3");
  check (strcmp (toy_name (1), "one") == 0 && strcmp (toy_name (2), "other") == 0, "name",
         "TOY-4");
  const char buf[8] = "abcdefg";
  check (toy_span (buf + 2, buf + 6) == 4, "span", "TOY-5");
  int n = 0;
  toy_count (&n);
  check (n == 1, "count", "TOY-6");
  return failed;
}
