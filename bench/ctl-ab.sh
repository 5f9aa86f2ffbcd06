#!/usr/bin/env bash
# bench/ctl-ab.sh -- two upstartctl builds against one daemon, alternating call by call: the way to see a
# change to the command line's own start on a machine whose speed drifts from one minute to the next
# (the shared bench can only run one build at a time, and its rows moved by ±25 % between runs here).
#
#   bench/ctl-ab.sh BEFORE_CTL AFTER_CTL [BIN_DIR] [CALLS] [JOBS]   # BIN_DIR (the daemon) default out/native, JOBS 1
#
# The daemon runs JOBS jobs (s0001...). Per call: `status s0001` and `list` by each build (which goes first
# alternates), and every fifth call `stop s0001` then `start s0001` by each (both wait until done);
# `/bin/true` once per call for scale.
# Prints p10, p50 and p90 per command and build.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BEFORE=${1:?usage: bench/ctl-ab.sh BEFORE_CTL AFTER_CTL [BIN_DIR] [CALLS] [JOBS]}
AFTER=${2:?usage: bench/ctl-ab.sh BEFORE_CTL AFTER_CTL [BIN_DIR] [CALLS] [JOBS]}
BIN=${3:-$ROOT/out/native}
CALLS=${4:-300}
JOBS=${5:-1}
for f in "$BEFORE" "$AFTER" "$BIN/upstart-host"; do [[ -x $f ]] || { echo "missing $f" >&2; exit 2; }; done

WORK=$(mktemp -d "${TMPDIR:-/tmp}"/upstartps-ctl-ab.XXXXXX)
# source: bench/session-daemon.sh
. "$ROOT/bench/session-daemon.sh"
trap 'stop_daemon; rm -rf "$WORK"' EXIT
start_session_daemon "$BIN/upstart-host" "$WORK/daemon" "$JOBS"
wait_all_running "$AFTER" "$JOBS" 60

python3 - "$SOCK" "$BEFORE" "$AFTER" "$CALLS" <<'PY'
import subprocess, sys, time
sock, before, after, calls = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
builds = [("before", before), ("after", after)]
samples = {}

def timed(key, command):
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
    samples.setdefault(key, []).append((time.perf_counter() - start) * 1000)

for i in range(calls):
    timed("/bin/true", ["/bin/true"])
    order = builds if i % 2 == 0 else builds[::-1]
    for name, ctl in order:
        timed(f"status, {name}", [ctl, "--socket", sock, "status", "s0001"])
    for name, ctl in order:
        timed(f"list, {name}", [ctl, "--socket", sock, "list"])
    if i % 5 == 0:
        for name, ctl in order:
            timed(f"stop, {name}", [ctl, "--socket", sock, "stop", "s0001"])
            timed(f"start, {name}", [ctl, "--socket", sock, "start", "s0001"])

def pct(values, p):
    return values[min(len(values) - 1, int(len(values) * p))]

for key, values in samples.items():
    values.sort()
    print(f"{key:16s} n={len(values):4d}  p10 {pct(values, 0.1):6.2f}  p50 {pct(values, 0.5):6.2f}  p90 {pct(values, 0.9):6.2f} ms")
PY
echo "load average: $(cat /proc/loadavg)"
