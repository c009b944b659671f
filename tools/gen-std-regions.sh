#!/bin/sh
# SPDX-License-Identifier: MIT
# Writes the division code list of ESSC-STD section 1.1 (docs/data/regions-2023.csv)
# from the county list base/data/counties-2023.csv (code,name,prefecture_code,
# prefecture_name,province_code,province_name): every province, every
# prefecture part and every county, one row each (code,level,name), sorted by
# code; a code that is both a prefecture and a county (441900 Dongguan) is a
# prefecture.  tests/std/test_id.c checks that the file equals this output.
#   sh tools/gen-std-regions.sh base/data/counties-2023.csv > docs/data/regions-2023.csv
set -eu
csv=$1
echo "code,level,name"
LC_ALL=C awk -F, '
  NR > 1 && $1 ~ /^[0-9]+$/ {
    level[$5] = "province"; name[$5] = $6
    level[$3] = "prefecture"; name[$3] = $4
    if (!($1 in level) || level[$1] == "county") { level[$1] = "county"; name[$1] = $2 }
  }
  END { for (c in level) printf "%s,%s,%s\n", c, level[c], name[c] }' "$csv" | LC_ALL=C sort -n
