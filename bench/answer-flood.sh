#!/usr/bin/env bash
# bench/answer-flood.sh -- the daemon's memory under clients that send requests and read no answer
# (docs/performance.md, "A flood of unread answers").
#
#   bench/answer-flood.sh [BIN_DIR] [CONNECTIONS] [REQUESTS] [ROUNDS]   # defaults: out/native 30 20000 4
#
# Starts a session daemon with 9 jobs (bench/session-daemon.sh); each round, CONNECTIONS clients (root, so
# bounded per connection only) each send REQUESTS `status *` without reading and hang up; prints the daemon's
# VmRSS after each round and 5 s after the last (the quiet collection runs once connections have closed).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$ROOT/out/native}
CONNECTIONS=${2:-30}
REQUESTS=${3:-20000}
ROUNDS=${4:-4}
for f in "$BIN/upstart-host" "$BIN/upstartctl"; do [[ -x $f ]] || { echo "missing $f (dotnet pwsh ./build.ps1 -Task PublishNative)" >&2; exit 2; }; done

WORK=$(mktemp -d "${TMPDIR:-/tmp}"/upstartps-flood.XXXXXX)
# source: bench/session-daemon.sh
. "$ROOT/bench/session-daemon.sh"
trap 'stop_daemon; rm -rf "$WORK"' EXIT
start_session_daemon "$BIN/upstart-host" "$WORK/daemon" 9
wait_all_running "$BIN/upstartctl" 9 60
rss() { awk '/VmRSS/ { print $2 " KiB" }' "/proc/$DAEMON_PID/status"; }
echo "before: $(rss)"

for ((round = 1; round <= ROUNDS; round++)); do
    python3 - "$SOCK" "$CONNECTIONS" "$REQUESTS" <<'PY'
import json, socket, struct, sys, threading
path, connections, requests = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def frame(obj):
    body = json.dumps(obj).encode()
    return struct.pack('>I', len(body)) + body
def client():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(path)
    try:
        s.sendall(frame({"type": "hello", "protocol": 1}))
        for i in range(requests):
            s.sendall(frame({"id": i + 1, "op": "status", "job": "*"}))
    except OSError:
        pass  # dropped for not reading: what the daemon should do
    s.close()
threads = [threading.Thread(target=client) for _ in range(connections)]
[t.start() for t in threads]
[t.join() for t in threads]
PY
    echo "after round $round: $(rss)"
done
sleep 5
echo "5 s later: $(rss)"
