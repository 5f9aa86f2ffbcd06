#!/usr/bin/env bash
# bench/reexec-waiting.sh -- how long `upstartctl re-exec` takes while an `upstartctl start` waits for a job slow to
# start (a gated pre-start), and that the start still returns its job running (docs/daemon.md, "Re-exec step by step").
#
#   bench/reexec-waiting.sh [BIN_DIR] [RE_EXECS]   # defaults: out/native 5
#
# Starts a session daemon with one job whose pre-start waits for a file, starts it with a waiting upstartctl, then
# times RE_EXECS re-execs one after the other (request until upstartctl returns, the new program answering), opens
# the gate and prints the waiting start's exit status and line, and how many times the daemon said it gave up
# waiting for requests before an exec.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$ROOT/out/native}
RE_EXECS=${2:-5}
for f in "$BIN/upstart-host" "$BIN/upstartctl"; do [[ -x $f ]] || { echo "missing $f (dotnet pwsh ./build.ps1 -Task PublishNative)" >&2; exit 2; }; done

WORK=$(mktemp -d "${TMPDIR:-/tmp}"/upstartps-reexec-waiting.XXXXXX)
START_PID=
# source: bench/session-daemon.sh
. "$ROOT/bench/session-daemon.sh"
trap '[[ -n $START_PID ]] && kill "$START_PID" 2>/dev/null; stop_daemon; rm -rf "$WORK"' EXIT
start_session_daemon "$BIN/upstart-host" "$WORK/daemon" 0
printf 'console none\npre-start exec /bin/sh -c "while [ ! -e %s ]; do sleep 0.05; done"\nexec /bin/sleep 1000000\n' \
    "$WORK/gate" > "$WORK/daemon/init/slow.conf"
ctl() { "$BIN/upstartctl" --socket "$SOCK" "$@"; }
deadline=$((SECONDS + 60))
until [[ -S $SOCK ]] && ctl status slow >/dev/null 2>&1; do
    (( SECONDS < deadline )) || { echo "daemon not answering in 60 s" >&2; cat "$DAEMON_LOG" >&2; exit 1; }
    sleep 0.01
done

ctl start slow > "$WORK/start.out" 2>&1 &
START_PID=$!
until ctl status slow | grep -q pre-start; do sleep 0.01; done

for ((i = 1; i <= RE_EXECS; i++)); do
    t0=$(date +%s%N)
    ctl re-exec
    echo "re-exec $i: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
done

touch "$WORK/gate"
status=0
wait "$START_PID" || status=$?
START_PID=
echo "waiting start: exit $status, $(cat "$WORK/start.out")"
echo "gave up waiting for requests before an exec: $(grep -c 'had not all been answered' "$DAEMON_LOG" || true) times"
ctl stop slow > /dev/null
