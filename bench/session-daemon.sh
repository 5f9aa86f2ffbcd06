# Sourced by bench/control.sh and bench/footprint.sh: one session-mode daemon with every path under DIR.
#
#   start_session_daemon HOST_BIN DIR N [HOST_JSON]   # sets SOCK and DAEMON_PID; output in DIR/daemon.log
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
    "$host" --session --confdir "$dir/init" --socket "$SOCK" --logdir "$dir/log" --state-dir "$dir/state" \
        --config "$dir/host.json" </dev/null >"$dir/daemon.log" 2>&1 &
    DAEMON_PID=$!
}

DAEMON_PID=
stop_daemon() {
    if [[ -n $DAEMON_PID ]]; then
        kill -TERM "$DAEMON_PID" 2>/dev/null || true
        wait "$DAEMON_PID" 2>/dev/null || true
        DAEMON_PID=
    fi
}
