# Sourced by bench/control.sh and bench/footprint.sh: one session-mode daemon with every path under DIR.
#
#   start_session_daemon HOST_BIN DIR N [HOST_JSON]   # sets SOCK and DAEMON_PID; output in DIR/daemon.log
#   wait_all_running CTL_BIN N SECONDS               # until `list` shows N jobs start/running, else exit 1
#   stop_daemon                                      # SIGTERM to DAEMON_PID, waited for (none: nothing)
#
# N jobs s0001..sNNNN: `start on startup`, respawn, no console (like ../shared/bench/adapters/upstartps.sh).
start_session_daemon() {
    local host=$1 dir=$2 n=$3 json=${4:-'{}'} i
    mkdir -p "$dir/init" "$dir/sock" "$dir/log" "$dir/state"
    echo "$json" > "$dir/host.json"
    for ((i = 1; i <= n; i++)); do
        printf 'start on startup\nrespawn\nrespawn limit unlimited\nconsole none\nexec /bin/sleep 1000000\n' > "$dir/init/$(printf 's%04d' "$i").conf"
    done
    SOCK=$dir/sock/control.sock
    DAEMON_LOG=$dir/daemon.log
    "$host" --session --confdir "$dir/init" --socket "$SOCK" --logdir "$dir/log" --state-dir "$dir/state" \
        --config "$dir/host.json" </dev/null >"$dir/daemon.log" 2>&1 &
    DAEMON_PID=$!
}

# The daemon's log goes to stderr when they are not all running in time.
wait_all_running() {
    local ctl=$1 n=$2 limit=$3
    local deadline=$((SECONDS + limit))
    until [[ -S $SOCK ]] && (( $("$ctl" --socket "$SOCK" list 2>/dev/null | grep -c start/running) == n )); do
        (( SECONDS < deadline )) || { echo "$n jobs not all running in $limit s" >&2; cat "$DAEMON_LOG" >&2; exit 1; }
        sleep 0.01
    done
}

DAEMON_PID=
stop_daemon() {
    if [[ -n $DAEMON_PID ]]; then
        kill -TERM "$DAEMON_PID" 2>/dev/null || true
        wait "$DAEMON_PID" 2>/dev/null || true
        DAEMON_PID=
    fi
}
