#!/bin/sh
# An adapter that leaves a descendant in a session of its own (setsid), which
# escapes its process group, writes that descendant's pid to $ESCAPE_PID_FILE,
# then answers nothing (it hangs): ending the runner must end the escapee too.
setsid sh -c 'echo $$ > "$ESCAPE_PID_FILE.tmp"; mv "$ESCAPE_PID_FILE.tmp" "$ESCAPE_PID_FILE"; exec sleep 1000' < /dev/null > /dev/null 2>&1 &
exec sleep 1000
