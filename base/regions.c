/* SPDX-License-Identifier: MIT */
/*
 * Look-up in the generated region table (see regions.h): a binary search
 * over about 3,350 sorted codes.
 */
#include "base/regions.h"

const char *
base_region_name (guint32 code)
{
  gsize lo = 0, hi = base_regions_len;
  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;
      if (base_regions[mid].code == code)
        return base_regions[mid].name;
      if (base_regions[mid].code < code)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NULL;
}
