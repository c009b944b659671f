#!/bin/sh
# SPDX-License-Identifier: MIT
# Fails the way a Python program does: `echo` is refused with the code
# internal and a message of several lines (a traceback with a blank line,
# trailing blanks, lines starting with '#' and '---', Chinese); `refuse`
# writes a traceback to standard error and dies (exit 1); every other op is
# answered as good.sh does.
. "$(dirname "$0")/lib.sh"
while IFS= read -r line; do
  id=$(req_id "$line")
  case $(req_op "$line") in
    hello) answer_hello "$line" ;;
    echo) printf '{"id":%s,"ok":false,"error":{"code":"internal","message":"Traceback (most recent call last):\\n  File \\"iut.py\\", line 3, in <module>   \\n\\n# not a comment\\n--- not a document\\nValueError: 身份证号码无效"}}\n' "$id" ;;
    refuse)
      printf 'Traceback (most recent call last):\n  File "iut.py", line 9, in refuse\n\n    raise KeyError(token)\nKeyError: 令牌\n' >&2
      exit 1 ;;
    *) answer_ok "$line" ;;
  esac
done
exit 0
