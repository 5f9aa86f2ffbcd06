#!/usr/bin/env bash
# bench/respawn-cpu.sh -- what one job's respawn costs the daemon in CPU, by thread, with JOBS jobs running:
# the check that a transition's cost follows the jobs it concerns, not all jobs (docs/performance.md,
# "The runtime state: what a transition costs").
#
#   bench/respawn-cpu.sh [BIN_DIR] [JOBS] [RESPAWNS]   # defaults: out/native 1000 30
#
# Starts a session daemon with JOBS jobs (bench/session-daemon.sh), waits until all run and 3 s more (the
# quiet collection), then kills s0001's main process RESPAWNS times, each time waiting for the new pid
# (asked with upstartctl status), and prints the daemon's CPU per thread from /proc/PID/task/*/stat
# (threads that ended during the run count in "(process)" only) and the size of instances.json.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$ROOT/out/native}
JOBS=${2:-1000}
RESPAWNS=${3:-30}
for f in "$BIN/upstart-host" "$BIN/upstartctl"; do [[ -x $f ]] || { echo "missing $f (dotnet pwsh ./build.ps1 -Task PublishNative)" >&2; exit 2; }; done

WORK=$(mktemp -d "${TMPDIR:-/tmp}"/upstartps-respawn-cpu.XXXXXX)
# source: bench/session-daemon.sh
. "$ROOT/bench/session-daemon.sh"
trap 'stop_daemon; rm -rf "$WORK"' EXIT
start_session_daemon "$BIN/upstart-host" "$WORK/daemon" "$JOBS"
wait_all_running "$BIN/upstartctl" "$JOBS" 120
sleep 3

# CPU ticks per thread name (and the whole process), comm parsed up to the last ')' since names have spaces.
ticks() {
    python3 - "$DAEMON_PID" <<'PY'
import os, sys
pid = sys.argv[1]
def times(path):
    stat = open(path).read()
    fields = stat[stat.rindex(')') + 2:].split()
    return stat[stat.index('(') + 1:stat.rindex(')')].strip(), int(fields[11]) + int(fields[12])
totals = {}
for tid in os.listdir(f'/proc/{pid}/task'):
    try:
        name, t = times(f'/proc/{pid}/task/{tid}/stat')
    except OSError:
        continue
    totals[name] = totals.get(name, 0) + t
totals['(process)'] = times(f'/proc/{pid}/stat')[1]
for name, t in totals.items():
    print(f'{name}\t{t}')
PY
}
main_pid() { "$BIN/upstartctl" --socket "$SOCK" status s0001 | sed -n 's/.*process \([0-9]*\).*/\1/p'; }

ticks > "$WORK/before"
pid=$(main_pid)
for ((i = 0; i < RESPAWNS; i++)); do
    kill -KILL "$pid"
    deadline=$((SECONDS + 10))
    while :; do
        next=$(main_pid)
        [[ -n $next && $next != "$pid" ]] && break
        (( SECONDS < deadline )) || { echo "s0001 not respawned in 10 s" >&2; exit 1; }
    done
    pid=$next
done
ticks > "$WORK/after"

echo "$JOBS jobs, $RESPAWNS respawns of s0001; instances.json $(stat -c %s "$WORK/daemon/state/instances.json") bytes"
python3 - "$WORK/before" "$WORK/after" "$RESPAWNS" <<'PY'
import sys
before = dict(l.rstrip('\n').split('\t') for l in open(sys.argv[1]))
after = dict(l.rstrip('\n').split('\t') for l in open(sys.argv[2]))
n, hz = int(sys.argv[3]), 100   # USER_HZ
for name in sorted(after, key=lambda k: -(int(after[k]) - int(before.get(k, 0)))):
    used = int(after[name]) - int(before.get(name, 0))
    if used:
        print(f"  {name:18s} {used * 1000 / hz:7.0f} ms   {used * 1000 / hz / n:6.2f} ms per respawn")
PY
echo "load average: $(cat /proc/loadavg)"
