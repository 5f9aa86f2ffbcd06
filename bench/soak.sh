#!/usr/bin/env bash
# bench/soak.sh -- does a long-running daemon leak anything under steady churn? (docs/performance.md,
# "A long run under churn (soak)")
#
#   bench/soak.sh [DURATION_S] [BIN_DIR] [WARMUP_S]   # defaults: 1200 out/native 120
#   SOAK_OUT=FILE bench/soak.sh ...                    # also keep the samples (TSV) in FILE, the daemon's log in FILE.daemon.log
#   SOAK_REEXEC_S=N                                    # a re-exec every N s (default 300)
#
# Runs upstart-host in session mode, every path under one temp dir, for DURATION_S under churn, each
# part as real jobs with real child processes:
#   crasher  `respawn`, `respawn limit 10 5`, dies 0.3 s after each start, so it keeps hitting the limit;
#            the script starts it again (upstartctl start -n) every 3 s
#   chatty   `console log`, about 40 KB/s of lines; its log is rotated every 15 s as logrotate does it
#            (rename to chatty.log.1, nocreate: the daemon opens the log for each write, docs/daemon.md)
#   inst     `instance $N` services, a new N every start (thousands over a run), each stopped 5 starts later
#   short    `instance $N` tasks with `console log` that print a line and end by themselves (their logs are
#            removed by the script, as an administrator would, so the log directory measures only chatty)
#   evjob    `instance $K`, `start on soak-go`, `stop on soak-stop K=$K`; plus an event of a new name
#            (soak-nN, nothing listens) each round, half of them --no-wait
#   dyn-K    job files added, edited and removed every 20 s, each followed by reload-configuration; the
#            newest is started, so a removed file's class goes once its instance is stopped
#   clients  upstartctl status/list/show-config/log in a loop, and raw clients (python) that connect and
#            close, send a hello and close, send half a frame and close, or send a request and close
#            without reading
#   re-exec  `upstartctl re-exec` every SOAK_REEXEC_S
# Every 10 s it samples the daemon: VmRSS, RssAnon, threads, open fds, child processes and zombies among
# them, instances.json's size, entries in the definition store, the log directory's size, the lines
# `list` prints, and the cgroups under the daemon's job cgroup directory (0 without job cgroups). Once a
# minute it pauses the churn (crasher and chatty stopped, loops held) until the daemon's quiet collection
# logs "heap now" (debug), and samples again: those rows (q) give the managed heap and a VmRSS that the
# GC's timing does not blur. At the end: the table, and each metric's growth from the first minute after
# WARMUP_S to the last minute, extrapolated per hour. A re-exec starts a new program (a fresh heap), so
# run with SOAK_REEXEC_S larger than DURATION_S to watch one program's memory for the whole run.
# Exits 1 if the daemon died. The daemon and every loop are stopped, and the temp dir removed, on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${1:-1200}
BIN=${2:-$ROOT/out/native}
WARMUP=${3:-120}
REEXEC_EVERY=${SOAK_REEXEC_S:-300}
for f in "$BIN/upstart-host" "$BIN/upstart-exec" "$BIN/upstartctl"; do
    [[ -x $f ]] || { echo "missing $f (dotnet pwsh ./build.ps1 -Task PublishNative)" >&2; exit 2; }
done
CTL_BIN=$BIN/upstartctl

WORK=$(mktemp -d "${TMPDIR:-/tmp}"/ups-soak-XXXX)
LOOPS=()
DAEMON_PID=
stop_all() {
    local p
    touch "$WORK/stop"
    for p in "${LOOPS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${LOOPS[@]}"; do wait "$p" 2>/dev/null || true; done
    if [[ -n $DAEMON_PID ]]; then
        kill -TERM "$DAEMON_PID" 2>/dev/null || true
        wait "$DAEMON_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap stop_all EXIT

mkdir -p "$WORK/init" "$WORK/sock" "$WORK/log" "$WORK/state"
echo '{}' > "$WORK/host.json"
SOCK=$WORK/sock/control.sock
LOGDIR=$WORK/log
STATE=$WORK/state
DLOG=$WORK/daemon.log
ctl() { "$CTL_BIN" --socket "$SOCK" "$@"; }

cat > "$WORK/init/crasher.conf" <<'EOF'
respawn
respawn limit 10 5
console none
exec /bin/sh -c 'sleep 0.3; exit 1'
EOF
cat > "$WORK/init/chatty.conf" <<'EOF'
start on startup
respawn
console log
exec /bin/sh -c 'i=0; while :; do i=$((i+1)); echo "line $i of chatty, padded to about one hundred bytes with some text ........"; [ $((i % 100)) -ne 0 ] || sleep 0.2; done'
EOF
cat > "$WORK/init/inst.conf" <<'EOF'
instance $N
console none
exec /bin/sleep 100000
EOF
cat > "$WORK/init/short.conf" <<'EOF'
instance $N
task
console log
exec /bin/echo "short instance $N"
EOF
cat > "$WORK/init/evjob.conf" <<'EOF'
instance $K
start on soak-go
stop on soak-stop K=$K
console none
exec /bin/sleep 100000
EOF

"$BIN/upstart-host" --session --confdir "$WORK/init" --socket "$SOCK" --logdir "$LOGDIR" --state-dir "$STATE" \
    --config "$WORK/host.json" </dev/null >"$DLOG" 2>&1 &
DAEMON_PID=$!
deadline=$((SECONDS + 60))
until ctl version >/dev/null 2>&1; do
    (( SECONDS < deadline )) || { echo "daemon did not answer in 60 s" >&2; cat "$DLOG" >&2; exit 1; }
    sleep 0.05
done
ctl log-priority debug

# Each loop holds while $WORK/pause exists and ends when $WORK/stop does.
hold() {
    while [[ -e $WORK/pause ]]; do [[ -e $WORK/stop ]] && exit 0; sleep 0.1; done
    [[ ! -e $WORK/stop ]] || exit 0
}
spawn_loop() { "$@" & LOOPS+=($!); }

loop_crasher() {
    while :; do hold; ctl start -n crasher >/dev/null 2>&1 || true; sleep 3; done
}
loop_rotate() {
    while :; do
        hold
        if [[ -e $LOGDIR/chatty.log ]]; then mv -f "$LOGDIR/chatty.log" "$LOGDIR/chatty.log.1"; fi
        sleep 15
    done
}
loop_instances() {
    local n=0
    while :; do
        hold
        n=$((n + 1))
        ctl start inst N=$n >/dev/null 2>&1 || true
        ((n <= 5)) || ctl stop inst N=$((n - 5)) >/dev/null 2>&1 || true
        ctl start short N=$n >/dev/null 2>&1 || true
        # An earlier one's: the writer may still be writing this one's line after its start returned.
        ((n <= 5)) || rm -f "$LOGDIR/short-$((n - 5)).log" "$LOGDIR/short-$((n - 5)).log.times"
        echo "$n" > "$WORK/instances.tmp" && mv "$WORK/instances.tmp" "$WORK/instances.count"
    done
}
loop_events() {
    local k=0
    while :; do
        hold
        k=$((k + 1))
        ctl emit soak-go K=$k ROUND=$RANDOM >/dev/null 2>&1 || true
        ((k <= 3)) || ctl emit -n soak-stop K=$((k - 3)) >/dev/null 2>&1 || true
        if ((k % 2)); then ctl emit -n soak-n$k X=$RANDOM >/dev/null 2>&1 || true
        else ctl emit soak-n$k X=$RANDOM >/dev/null 2>&1 || true; fi
        echo "$k" > "$WORK/events.tmp" && mv "$WORK/events.tmp" "$WORK/events.count"
        sleep 0.2
    done
}
loop_clients() {
    while :; do
        hold
        ctl status chatty >/dev/null 2>&1 || true
        ctl list >/dev/null 2>&1 || true
        ctl show-config >/dev/null 2>&1 || true
        ctl log chatty --lines 5 >/dev/null 2>&1 || true
        sleep 0.2
    done
}
loop_raw_clients() {
    while :; do
        hold
        python3 - "$SOCK" <<'PY' || true
import json, socket, struct, sys
path = sys.argv[1]
def frame(obj):
    body = json.dumps(obj).encode()
    return struct.pack('>I', len(body)) + body
hello = frame({"type": "hello", "protocol": 1, "client": "soak"})
status = frame({"id": 1, "op": "status", "job": "*"})
for i in range(20):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
        kind = i % 5
        if kind == 1: s.sendall(hello)                            # hello, then close
        elif kind == 2: s.sendall(hello[:3])                      # half a header
        elif kind == 3: s.sendall(hello + status[:len(status) // 2])  # half a request
        elif kind == 4: s.sendall(hello + status)                 # a request never read
    except OSError:
        pass
    s.close()
PY
        sleep 0.5
    done
}
loop_reload() {
    local k=0
    while :; do
        hold
        k=$((k + 1))
        printf 'description "dyn %d"\nconsole none\nexec /bin/sleep 100000\n' "$k" > "$WORK/init/dyn-$k.conf"
        ((k < 2)) || printf 'description "dyn %d edited"\nconsole none\nexec /bin/sleep 100000\n' "$((k - 1))" > "$WORK/init/dyn-$((k - 1)).conf"
        ((k < 3)) || rm -f "$WORK/init/dyn-$((k - 2)).conf"
        ctl reload-configuration >/dev/null 2>&1 || true
        ctl start -n dyn-$k >/dev/null 2>&1 || true
        ((k < 3)) || ctl stop -n dyn-$((k - 2)) >/dev/null 2>&1 || true
        sleep 20
    done
}

spawn_loop loop_crasher
spawn_loop loop_rotate
spawn_loop loop_instances
spawn_loop loop_events
spawn_loop loop_clients
spawn_loop loop_raw_clients
spawn_loop loop_reload

# Job and instance cgroups of this daemon (its directory is in its log: docs/processes.md, "Whole-job cleanup").
cgroups() {
    local dir
    dir=$(grep -a -o 'in its own cgroup under [^ ]*' "$DLOG" | tail -1 | awk '{ print $NF }')
    if [[ -n $dir && -d $dir ]]; then find "$dir" -mindepth 1 -type d 2>/dev/null | wc -l; else echo 0; fi
}
kib() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$DAEMON_PID/status"; }
sample() {
    local kind=$1 heap=${2:--} kids zombies
    [[ -d /proc/$DAEMON_PID ]] || { echo "daemon $DAEMON_PID died" >&2; tail -50 "$DLOG" >&2; exit 1; }
    kids=$(ps --ppid "$DAEMON_PID" -o stat= 2>/dev/null | wc -l)
    zombies=$(ps --ppid "$DAEMON_PID" -o stat= 2>/dev/null | grep -c '^Z' || true)
    printf '%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" $((SECONDS - T0)) \
        "$(kib VmRSS)" "$(kib RssAnon)" "$heap" "$(kib Threads)" "$(ls "/proc/$DAEMON_PID/fd" | wc -l)" \
        "$kids" "$zombies" "$(stat -c %s "$STATE/instances.json" 2>/dev/null || echo 0)" \
        "$(ls "$STATE/definitions" 2>/dev/null | wc -l)" "$(du -sk "$LOGDIR" 2>/dev/null | cut -f1)" \
        "$(ctl list 2>/dev/null | wc -l)" "$(cat "$WORK/instances.count" 2>/dev/null || echo 0)" \
        "$(cat "$WORK/events.count" 2>/dev/null || echo 0)" "$(cgroups)" | tee -a "$WORK/samples.tsv"
}
# Churn held, crasher and chatty stopped, until the quiet collection has run (or 15 s).
quiet_sample() {
    local before heap deadline
    touch "$WORK/pause"
    sleep 1
    ctl stop -n crasher >/dev/null 2>&1 || true
    ctl stop chatty >/dev/null 2>&1 || true
    before=$(grep -c 'Quiet again' "$DLOG" || true)
    deadline=$((SECONDS + 15))
    while (( $(grep -c 'Quiet again' "$DLOG" || true) <= before && SECONDS < deadline )); do sleep 0.2; done
    heap=$(grep -a -o 'heap now [0-9]* KiB' "$DLOG" | tail -1 | awk '{ print $3 }')
    (( $(grep -c 'Quiet again' "$DLOG" || true) > before )) || heap=-
    sample q "$heap"
    ctl start -n chatty >/dev/null 2>&1 || true
    rm -f "$WORK/pause"
}

printf 'kind\tt_s\trss_kib\tanon_kib\theap_kib\tthreads\tfds\tchildren\tzombies\tstate_b\tdefs\tlogdir_kib\tlist\tinst_n\tevents\tcgroups\n' | tee "$WORK/samples.tsv"
T0=$SECONDS
next_quiet=60
next_reexec=$REEXEC_EVERY
reexecs=0
while (( SECONDS - T0 < DURATION )); do
    sleep 10
    if (( SECONDS - T0 >= next_reexec )); then
        ctl re-exec >/dev/null 2>&1 || echo "re-exec failed at $((SECONDS - T0)) s" >&2
        ctl log-priority debug || true
        reexecs=$((reexecs + 1))
        next_reexec=$((next_reexec + REEXEC_EVERY))
    fi
    if (( SECONDS - T0 >= next_quiet )); then
        quiet_sample
        next_quiet=$((next_quiet + 60))
    else
        sample c
    fi
done
quiet_sample

[[ -z ${SOAK_OUT:-} ]] || { cp "$WORK/samples.tsv" "$SOAK_OUT"; cp "$DLOG" "$SOAK_OUT.daemon.log"; }
echo
echo "re-execs: $reexecs; daemon log: $(grep -c '' "$DLOG") lines, $(grep -c -i -E 'fail|error|exception' "$DLOG" || true) with fail/error/exception"
# Growth: the mean over the minute after WARMUP_S against the mean over the last minute (churn rows, c),
# and the first quiet row after WARMUP_S against the last (q: heap, RSS at rest), per hour.
awk -F'\t' -v warm="$WARMUP" -v end="$((SECONDS - T0))" '
    NR == 1 { for (i = 3; i <= NF; i++) name[i] = $i; n = NF; next }
    $1 == "c" && $2 >= warm && $2 < warm + 60 { for (i = 3; i <= n; i++) if ($i != "-") { a[i] += $i; an[i]++ }; at += $2; atn++ }
    $1 == "c" && $2 >= end - 70 { for (i = 3; i <= n; i++) if ($i != "-") { b[i] += $i; bn[i]++ }; bt += $2; btn++ }
    $1 == "q" && $2 >= warm && !qa { qa = 1; for (i = 3; i <= n; i++) qf[i] = $i; qft = $2 }
    $1 == "q" { for (i = 3; i <= n; i++) ql[i] = $i; qlt = $2 }
    END {
        if (!atn || !btn || bt / btn <= at / atn) { print "run too short for the growth figures"; exit }
        hours = (bt / btn - at / atn) / 3600
        printf "%-10s %14s %14s %14s   (churn rows, t %.0f s vs %.0f s)\n", "metric", "after warm-up", "end", "per hour", at / atn, bt / btn
        for (i = 3; i <= n; i++) if (an[i] && bn[i])
            printf "%-10s %14.1f %14.1f %+14.1f\n", name[i], a[i] / an[i], b[i] / bn[i], (b[i] / bn[i] - a[i] / an[i]) / hours
        if (qa && qlt > qft) {
            printf "quiet rows, t %d s vs %d s:\n", qft, qlt
            for (i = 3; i <= 7; i++) if (qf[i] != "-" && ql[i] != "-")
                printf "%-10s %14s %14s %+14.1f\n", name[i], qf[i], ql[i], (ql[i] - qf[i]) / ((qlt - qft) / 3600)
        }
    }' "$WORK/samples.tsv"
