#!/usr/bin/env bash
# bench/control.sh -- whole-process control-path and footprint figures of the native build, without peers.
#
#   bench/control.sh [BIN_DIR] [TRIALS]     # BIN_DIR: upstart-host, upstart-exec, upstartctl (default out/native)
#
# Covers the rows of ../shared/bench that a BenchmarkDotNet suite cannot host (a fresh process per call):
# `upstartctl status JOB` as a whole process, stop and start until done, stop + start sent without waiting
# and observed, `list` of 1,000 jobs, idle VmRSS with 1 and 1,000 jobs, 1,000 services started by one event.
# Wall-clock percentiles are printed but depend on the machine's load; the load-independent figures beside
# them are what to compare across commits: CPU time per call (user+sys of the client, from /proc), the
# client's system calls, threads and files opened (strace -f, when installed) and the daemon's VmRSS.
# Every daemon runs in session mode with every path under one temp dir, and is stopped (SIGTERM, then its
# pid is waited for) on any exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$ROOT/out/native}
TRIALS=${2:-200}
HOST=$BIN/upstart-host
CTL=$BIN/upstartctl
for f in "$HOST" "$BIN/upstart-exec" "$CTL"; do
    [[ -x $f ]] || { echo "missing $f (dotnet pwsh ./build.ps1 -Task PublishNative)" >&2; exit 2; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}"/upstartps-control.XXXXXX)
# source: bench/session-daemon.sh
. "$ROOT/bench/session-daemon.sh"
trap 'stop_daemon; rm -rf "$WORK"' EXIT

start_daemon() {
    local n=$1 dir=$WORK/n$1
    T_DAEMON=$EPOCHREALTIME
    start_session_daemon "$HOST" "$dir" "$n"
    wait_all_running "$CTL" "$n" 60
    T_UP=$EPOCHREALTIME
}

ctl() { "$CTL" --socket "$SOCK" "$@"; }
us() { local a=${1/./} b=${2/./}; echo $(( 10#$b - 10#$a )); }
percentiles() { sort -n | awk '{ v[NR] = $1 } END { printf "n=%d p50=%d p90=%d max=%d µs", NR, v[int(NR*0.5)+1], v[int(NR*0.9)+1], v[NR] }'; }
# CPU per call, load-independent: perf's task-clock (every thread of the process, in ms) averaged over
# TRIALS runs when perf is installed; otherwise the user+sys ticks of this shell's reaped children
# (fields 16 and 17 of /proc/PID/stat), read without forking.
cpu_per_call() {
    if command -v perf >/dev/null && perf stat -x, -e task-clock true 2>/dev/null; then
        perf stat -x, -e task-clock -r "$TRIALS" "$@" 2>&1 >/dev/null | awk -F, '/task-clock/ { printf "%d µs task-clock", $1 * 1000 }'
        return
    fi
    local s f before after i cmd=("$@")
    read -r s < "/proc/$BASHPID/stat"; read -ra f <<< "${s##*) }"; before=$(( f[13] + f[14] ))
    for ((i = 0; i < TRIALS; i++)); do "${cmd[@]}" >/dev/null; done
    read -r s < "/proc/$BASHPID/stat"; read -ra f <<< "${s##*) }"; after=$(( f[13] + f[14] ))
    echo "$(( (after - before) * 1000000 / $(getconf CLK_TCK) / TRIALS )) µs user+sys"
}

# One call under strace -f: system calls, threads started (clone/clone3), files opened.
syscalls() {
    command -v strace >/dev/null || { echo "strace not installed"; return; }
    local out=$WORK/strace.txt
    strace -f -qq -o "$out" "$@" >/dev/null
    printf 'syscalls=%d threads=%d opened=%d' "$(grep -vc 'resumed>\|exited with\|+++' "$out")" \
        "$(grep -c 'clone3\?(' "$out")" "$(grep -c 'openat(' "$out")"
}

timed() {  # TRIALS wall-clock samples of "$@" in µs
    local i t0 t1
    for ((i = 0; i < TRIALS; i++)); do
        t0=$EPOCHREALTIME; "$@" >/dev/null; t1=$EPOCHREALTIME
        us "$t0" "$t1"
    done
}

row() { printf '%-44s %s\n' "$1" "$2"; }

echo "upstartps control bench: $BIN, $TRIALS trials, load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cpus"

start_daemon 10
row "daemon up, 10 jobs running" "$(( $(us "$T_DAEMON" "$T_UP") / 1000 )) ms"
row "status JOB, whole CLI: wall" "$(timed ctl status s0001 | percentiles)"
row "status JOB, whole CLI: cpu/call" "$(cpu_per_call "$CTL" --socket "$SOCK" status s0001)"
row "status JOB, whole CLI: one call" "$(syscalls "$CTL" --socket "$SOCK" status s0001)"
row "stop JOB, whole CLI: one call" "$(syscalls "$CTL" --socket "$SOCK" stop s0002)"
row "start JOB, whole CLI: one call" "$(syscalls "$CTL" --socket "$SOCK" start s0002)"
stops=$WORK/stops; starts=$WORK/starts; fire=$WORK/fire
for ((k = 0; k < TRIALS / 4; k++)); do
    job=$(printf 's%04d' $(( k % 8 + 2 )))
    t0=$EPOCHREALTIME; ctl stop "$job" >/dev/null; t1=$EPOCHREALTIME; ctl start "$job" >/dev/null; t2=$EPOCHREALTIME
    us "$t0" "$t1" >> "$stops"; us "$t1" "$t2" >> "$starts"
done
row "stop JOB until done, whole CLI" "$(percentiles < "$stops")"
row "start JOB until running, whole CLI" "$(percentiles < "$starts")"
for ((k = 0; k < TRIALS / 4; k++)); do
    job=$(printf 's%04d' $(( k % 8 + 2 )))
    old=$(ctl status "$job")
    t0=$EPOCHREALTIME
    ctl --no-wait stop "$job" >/dev/null; ctl --no-wait start "$job" >/dev/null
    # Observed: the status shows a new main process running.
    until now=$(ctl status "$job") && [[ $now == *start/running* && $now != "$old" ]]; do :; done
    us "$t0" "$EPOCHREALTIME" >> "$fire"
done
row "stop+start --no-wait, observed" "$(percentiles < "$fire")"
sleep 2
row "idle VmRSS, 10 jobs" "$(awk '/VmRSS/ { print $2, $3 }' "/proc/$DAEMON_PID/status")"
stop_daemon

start_daemon 1
sleep 2
row "idle VmRSS, 1 job" "$(awk '/VmRSS/ { print $2, $3 }' "/proc/$DAEMON_PID/status")"
stop_daemon

start_daemon 1000
row "1,000 jobs: daemon start -> all running" "$(( $(us "$T_DAEMON" "$T_UP") / 1000 )) ms (includes polling with list)"
row "list of 1,000, whole CLI: wall" "$(TRIALS=$(( TRIALS / 4 )) timed ctl list | percentiles)"
row "list of 1,000, whole CLI: cpu/call" "$(TRIALS=$(( TRIALS / 4 )) cpu_per_call "$CTL" --socket "$SOCK" list)"
sleep 2
row "idle VmRSS, 1,000 jobs" "$(awk '/VmRSS/ { print $2, $3 }' "/proc/$DAEMON_PID/status")"
stop_daemon
