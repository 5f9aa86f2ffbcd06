#!/usr/bin/env bash
# bench/status-whole-process.sh -- `upstartctl status JOB` as a whole process (issue 11's CLI row) beside its
# two floors, interleaved: `/bin/true` (what any exec costs here) and bench/floor/status-client-floor.c (the
# same bytes on the wire from C: what a client without the .NET runtime would cost).
#
#   bench/status-whole-process.sh [BIN_DIR] [ROUNDS] [CALLS]   # BIN_DIR default out/native
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$ROOT/out/native}
ROUNDS=${2:-4}
CALLS=${3:-200}
[[ -x $BIN/upstart-host && -x $BIN/upstartctl ]] || { echo "missing $BIN/upstart-host or upstartctl (dotnet pwsh ./build.ps1 -Task PublishNative)" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}"/upstartps-status-process.XXXXXX)
# source: bench/session-daemon.sh
. "$ROOT/bench/session-daemon.sh"
trap 'stop_daemon; rm -rf "$WORK"' EXIT
cc -O2 -o "$WORK/status-client-floor" "$ROOT/bench/floor/status-client-floor.c"

start_session_daemon "$BIN/upstart-host" "$WORK/daemon" 1
wait_all_running "$BIN/upstartctl" 1 60

python3 - "$ROUNDS" "$CALLS" /bin/true "$WORK/status-client-floor" "$BIN/upstartctl" "$SOCK" <<'PY'
import subprocess, sys, time
rounds, calls, true, floor, ctl, sock = int(sys.argv[1]), int(sys.argv[2]), *sys.argv[3:]
commands = {
    "/bin/true": [true],
    "C client (floor)": [floor, sock, "s0001"],
    "upstartctl status": [ctl, "--socket", sock, "status", "s0001"],
}
p50 = {name: [] for name in commands}
for _ in range(rounds):
    for name, command in commands.items():
        samples = []
        for _ in range(calls):
            start = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
            samples.append((time.perf_counter() - start) * 1000)
        samples.sort()
        p50[name].append(samples[len(samples) // 2])
for name, values in p50.items():
    print(f"{name:18s} p50 per round: " + " / ".join(f"{v:.2f}" for v in values) + " ms")
PY
echo "load average: $(cat /proc/loadavg)"
