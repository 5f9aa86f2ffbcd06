#!/usr/bin/env bash
# bench/poll-gc.sh -- what a monitor polling `list` costs the daemon, and what of it is the quiet collection
# (docs/performance.md, "A monitor polling list, and the quiet collection").
#
#   bench/poll-gc.sh [BIN_DIR] [JOBS] [POLLS]   # defaults: out/native 1000 30
#
# Starts a session daemon with JOBS running jobs (bench/session-daemon.sh) and polls it with `upstartctl list`
# POLLS times, twice: every 0.3 s (inside the collector's 1 s quiet period, so it never runs between polls)
# and every 1.5 s (each poll followed by a quiet period). For each, prints the daemon's CPU time per poll
# (utime + stime from /proc/PID/stat), how many quiet collections ran and what they took (the daemon's own
# log at priority info), and VmRSS after the polls. The difference per poll between the two is what the
# collections cost.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$ROOT/out/native}
JOBS=${2:-1000}
POLLS=${3:-30}
for f in "$BIN/upstart-host" "$BIN/upstartctl"; do [[ -x $f ]] || { echo "missing $f (dotnet pwsh ./build.ps1 -Task PublishNative)" >&2; exit 2; }; done

WORK=$(mktemp -d "${TMPDIR:-/tmp}"/upstartps-pollgc.XXXXXX)
# source: bench/session-daemon.sh
. "$ROOT/bench/session-daemon.sh"
trap 'stop_daemon; rm -rf "$WORK"' EXIT
start_session_daemon "$BIN/upstart-host" "$WORK/daemon" "$JOBS"
wait_all_running "$BIN/upstartctl" "$JOBS" 120
ctl() { "$BIN/upstartctl" --socket "$SOCK" "$@"; }
ctl log-priority info

TICK=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$DAEMON_PID/stat"; }
rss() { awk '/VmRSS/ { print $2 }' "/proc/$DAEMON_PID/status"; }
collections() { grep -a -c 'Quiet again' "$DAEMON_LOG" || true; }

poll_round() {
    local interval=$1 i before_cpu before_gc after_cpu after_gc
    sleep 2 # let the collection of what came before run and be logged first
    before_cpu=$(cpu_ticks)
    before_gc=$(collections)
    for ((i = 0; i < POLLS; i++)); do
        ctl list >/dev/null
        sleep "$interval"
    done
    sleep 2 # the last poll's quiet period
    after_cpu=$(cpu_ticks)
    after_gc=$(collections)
    awk -v t="$((after_cpu - before_cpu))" -v hz="$TICK" -v n="$POLLS" -v gc="$((after_gc - before_gc))" -v i="$interval" -v rss="$(rss)" \
        'BEGIN { printf "every %s s: daemon CPU %.2f ms per poll, %d quiet collections, VmRSS after %.1f MiB\n", i, t * 1000 / hz / n, gc, rss / 1024 }'
    # Only with a collection to show: grep without a match, or `tail -n 0` closing the pipe on it, would end the
    # script (set -e, pipefail) before the next round.
    (( after_gc > before_gc )) || return 0
    grep -a -o 'Quiet again: .*' "$DAEMON_LOG" | tail -n "$((after_gc - before_gc))" | sed -n 's/.* in \([0-9.]*\) ms.*/\1/p' | sort -n |
        awk '{ ms[NR] = $1 } END { if (NR) printf "  collection time: min %s, median %s, max %s ms\n", ms[1], ms[int((NR + 1) / 2)], ms[NR] }'
}

poll_round 0.3
poll_round 1.5
