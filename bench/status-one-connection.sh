#!/usr/bin/env bash
# bench/status-one-connection.sh -- status through one open connection (issue 11's in-process row), with the
# shared bench's own client (../shared/bench/lib/upstartps_inproc.py), against three servers in turn:
#   floor   bench/floor/status-floor.c: a C server that answers every request with a canned job at once
#   pool    the daemon with host.json controlInlineCompletions=false (every read handed to a pool thread)
#   inline  the daemon as shipped (a status of one job answered on the socket thread)
#
#   bench/status-one-connection.sh [BIN_DIR] [ROUNDS] [CALLS]   # BIN_DIR default out/native
#
# Prints p50/p90 per run and, for the daemon, its CPU per request (utime+stime from /proc, in µs). The
# rounds interleave the three, so a change in the machine's load shows in all of them.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$ROOT/out/native}
ROUNDS=${2:-3}
CALLS=${3:-10000}
CLIENT=$ROOT/../shared/bench/lib/upstartps_inproc.py
[[ -f $CLIENT ]] || { echo "missing $CLIENT (the shared bench beside the checkout)" >&2; exit 2; }
[[ -x $BIN/upstart-host ]] || { echo "missing $BIN/upstart-host (dotnet pwsh ./build.ps1 -Task PublishNative)" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}"/upstartps-status1.XXXXXX)
# source: bench/session-daemon.sh
. "$ROOT/bench/session-daemon.sh"
trap 'stop_daemon; rm -rf "$WORK"' EXIT
cc -O2 -o "$WORK/status-floor" "$ROOT/bench/floor/status-floor.c"

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
report() {
    local what=$1 file=$2 extra=${3:-}
    sort -n "$file" | awk -v w="$what" -v x="$extra" '{ v[NR] = $1 } END { printf "%-7s n=%d p50=%.1f µs p90=%.1f µs%s\n", w, NR, v[int(NR*0.5)+1], v[int(NR*0.9)+1], x }'
}

floor() {
    local sock=$WORK/floor.sock
    rm -f "$sock"
    "$WORK/status-floor" "$sock" &
    DAEMON_PID=$!
    until [[ -S $sock ]]; do sleep 0.01; done
    python3 "$CLIENT" "$sock" s0001 "$CALLS" 60 "$WORK/lat" >/dev/null
    wait "$DAEMON_PID" || true
    DAEMON_PID=
    report floor "$WORK/lat"
}

daemon() {
    local inline=$1 name=$2 dir=$WORK/$2.$RANDOM
    start_session_daemon "$BIN/upstart-host" "$dir" 10 "{ \"controlInlineCompletions\": $inline }"
    local deadline=$((SECONDS + 60))
    until [[ -S $SOCK ]] && "$BIN/upstartctl" --socket "$SOCK" status s0001 2>/dev/null | grep -q start/running; do
        (( SECONDS < deadline )) || { echo "daemon not up in 60 s" >&2; cat "$dir/daemon.log" >&2; exit 1; }
        sleep 0.01
    done
    local before after n
    before=$(ticks "$DAEMON_PID")
    python3 "$CLIENT" "$SOCK" s0001 "$CALLS" 60 "$WORK/lat" >/dev/null
    after=$(ticks "$DAEMON_PID")
    n=$(wc -l < "$WORK/lat")
    report "$name" "$WORK/lat" "  daemon CPU/request=$(( (after - before) * 1000000 / $(getconf CLK_TCK) / n )) µs"
    stop_daemon
}

for ((r = 1; r <= ROUNDS; r++)); do
    floor
    daemon false pool
    daemon true inline
done
echo "load average: $(cat /proc/loadavg)"
