#!/bin/sh
# SPDX-License-Identifier: MIT
# Writes the answer to hello (id 1) without reading its input, and never
# reads it: a runner that writes a large request must time out, not block.
printf '{"id":1,"ok":true,"result":{"protocol":"essc-adapter/1","name":"no-read","version":"0","role":"channel","ops":[]}}\n'
sleep 1000
