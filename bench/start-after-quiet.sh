#!/usr/bin/env bash
# bench/start-after-quiet.sh -- `upstartctl start JOB` after a quiet moment, and how many times the kernel moved a
# process between cgroups on the way (docs/performance.md, "A start's move into its cgroup").
#
#   bench/start-after-quiet.sh [BIN_DIR]... [-- ROUNDS] [SETGID]   # BIN_DIR default out/native
#
# For each BIN_DIR in turn (ROUNDS times, default 2, so two builds alternate): a session daemon with one job,
# then `perf stat -e cgroup:cgroup_attach_task -a` over 20 stop/start cycles (one move per start when the child
# moves itself; needs root and perf), then 30 starts each 100 ms after its stop, p10/p50/p90 in µs. With a
# fourth argument the job has `setgid root`, so it runs through the helper program.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BINS=() ROUNDS=2
while (($#)) && [[ $1 != -- ]]; do BINS+=("$1"); shift; done
(($#)) && { shift; ROUNDS=${1:-2}; shift || true; }
SETGID=${1:-}
((${#BINS[@]})) || BINS=("$ROOT/out/native")

WORK=$(mktemp -d "${TMPDIR:-/tmp}"/upstartps-startquiet.XXXXXX)
# source: bench/session-daemon.sh
. "$ROOT/bench/session-daemon.sh"
trap 'stop_daemon; rm -rf "$WORK"' EXIT

one_build() {
    local bin=$1 dir=$WORK/run ctl i t0 t1
    rm -rf "$dir"
    start_session_daemon "$bin/upstart-host" "$dir" 1
    [[ -n $SETGID ]] && sed -i 's/^exec /setgid root\nexec /' "$dir/init/s0001.conf"
    ctl=("$bin/upstartctl" --socket "$SOCK")
    wait_all_running "$bin/upstartctl" 1 30
    [[ -n $SETGID ]] && { "${ctl[@]}" stop s0001 >/dev/null; "${ctl[@]}" start s0001 >/dev/null; }
    local moves
    moves=$(perf stat -x, -e cgroup:cgroup_attach_task -a -- bash -c \
        'for i in $(seq 20); do "$@" stop s0001 >/dev/null; "$@" start s0001 >/dev/null; done' _ "${ctl[@]}" 2>&1 >/dev/null | cut -d, -f1)
    for ((i = 0; i < 30; i++)); do
        "${ctl[@]}" stop s0001 >/dev/null
        sleep 0.1
        t0=$EPOCHREALTIME
        "${ctl[@]}" start s0001 >/dev/null
        t1=$EPOCHREALTIME
        echo $(( ${t1/./} - ${t0/./} ))
    done | sort -n | awk -v b="$bin" -v m="$moves" '{ v[NR] = $1 } END { printf "%-40s cgroup moves in 20 starts: %s; start after 100 ms p10 %d p50 %d p90 %d µs\n", b, m, v[4], v[16], v[27] }'
    stop_daemon
}

for ((r = 0; r < ROUNDS; r++)); do
    for bin in "${BINS[@]}"; do one_build "$bin"; done
done
