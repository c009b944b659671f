# SPDX-License-Identifier: MIT
# Helpers shared by the small test adapters of tests/conformance/test_client.c and
# tests/conformance/test_child.c (sourced, not run).  They pick members out of the
# runner's request lines with sed, which is enough for the lines the runner
# writes ({"essc":1,"id":N,"op":"NAME","params":{...}}, no blanks): the id
# and op are the ones before the first nested object.  POSIX sh only.

req_id () {
  printf '%s\n' "$1" | sed -n 's/^{[^{]*"id":\([0-9][0-9]*\).*/\1/p'
}

req_op () {
  printf '%s\n' "$1" | sed -n 's/^{[^{]*"op":"\([^"]*\)".*/\1/p'
}

req_role () {
  printf '%s\n' "$1" | sed -n 's/.*"role":"\([^"]*\)".*/\1/p'
}

# answer_hello LINE [ROLE [PROTOCOL]]: the hello response, by default
# claiming the role asked for and protocol essc-adapter/1.
answer_hello () {
  role=${2:-$(req_role "$1")}
  printf '{"id":%s,"ok":true,"result":{"protocol":"%s","name":"test adapter %s","version":"0.0.1","role":"%s","ops":["reset","echo","refuse","bye"]}}\n' \
    "$(req_id "$1")" "${3:-essc-adapter/1}" "$(basename "$0" .sh)" "$role"
}

# read_hello: reads the first request and answers it correctly; exits 0 at
# end of input.
read_hello () {
  IFS= read -r line || exit 0
  answer_hello "$line"
}

# answer_ok LINE: {"id":N,"ok":true,"result":{"op":"OP"}}
answer_ok () {
  printf '{"id":%s,"ok":true,"result":{"op":"%s"}}\n' "$(req_id "$1")" "$(req_op "$1")"
}
