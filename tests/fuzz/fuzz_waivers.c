/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: waivers files (conf_waivers_load, conformance/
 * waivers.h; `essc conform --waivers`, `essc registry test --waivers`),
 * read from a file as the programs read it.  A refusal must say why.  An
 * accepted file waives each test once: each waiver is the one
 * conf_waivers_find gives for its test's name, as the runner looks them up.
 */
#include "conformance/waivers.h"
#include "tests/fuzz/harness.h"

#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *path = fuzz_file ("waivers.txt", data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (ConfWaivers) waivers = conf_waivers_load (path, &error);
  if (waivers == NULL)
    {
      if (error == NULL || error->domain != CONF_WAIVERS_ERROR || error->message[0] == '\0')
        abort ();
      return 0;
    }
  for (guint i = 0; i < waivers->waivers->len; i++)
    {
      ConfWaiver *w = waivers->waivers->pdata[i];
      if (w->test == NULL || w->test[0] == '\0' || w->reason == NULL || w->line < 1
          || conf_waivers_find (waivers, w->test) != w)
        abort ();
    }
  if (conf_waivers_find (waivers, "no such test at all") != NULL
      && strstr ((const char *) data, "no such test at all") == NULL)
    abort ();
  return 0;
}
