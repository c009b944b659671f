/* SPDX-License-Identifier: MIT */
/*
 * A toy "implementation" for the self-test of tools/mutate.py (make check):
 * small functions whose mutants the toy suite (toy_test.c) kills, lets
 * survive, hangs on or crashes on, and one mutant that does not compile.
 * tests/mutate/toy/expected.txt lists every mutant and its outcome.
 */
#include <stddef.h>
#include <stdint.h>

int toy_is_adult (int age);
int toy_clamp (int x, int lo, int hi);
long toy_sum_even (uint64_t n);
const char *toy_name (int code);
long toy_span (const char *a, const char *b);
void toy_count (int *counter);

/* TOY-1: 18 and over is an adult (the suite never tries 17, 18 or 19). */
int
toy_is_adult (int age)
{
  return age >= 18;
}

/* TOY-2: x held inside lo..hi. */
int
toy_clamp (int x, int lo, int hi)
{
  if (x < lo)
    return lo;
  if (x > hi)
    return hi;
  return x;
}

/* TOY-3: 0 + 2 + 4 + ... below n (n even). */
long
toy_sum_even (uint64_t n)
{
  volatile long s = 0;
  for (uint64_t i = 0; i != n; i += 2)
    s = s + (long) i;
  return s;
}

/* TOY-4: the name of a code. */
const char *
toy_name (int code)
{
  return code == 1 ? "one" : "other";
}

/* TOY-5: the distance between two pointers into one buffer. */
long
toy_span (const char *a, const char *b)
{
  return b - a;
}

static void
bump (int *counter)
{
  (*counter)++;
}

/* TOY-6: counts calls. */
void
toy_count (int *counter)
{
  bump (counter);
}
