#!/usr/bin/env bash
# bench/footprint.sh -- where an idle daemon's resident memory is, mapping by mapping.
#
#   bench/footprint.sh [BIN_DIR] [JOBS] [SETTLE_S]   # defaults: out/native 1000 5
#
# Starts upstart-host in session mode (every path under one temp dir) with JOBS jobs like the shared
# harness's (`start on startup`, respawn, `console none`, /bin/sleep), waits until all are running, waits
# SETTLE_S more (the daemon collects its heap 1 s after it goes quiet, docs/performance.md), then prints
# VmRSS and threads, the daemon's own "heap now" figure (its debug log), resident KiB grouped by mapping,
# the largest anonymous mappings and the threads by name. The daemon is stopped (SIGTERM, waited for) on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$ROOT/out/native}
JOBS=${2:-1000}
SETTLE=${3:-5}
for f in "$BIN/upstart-host" "$BIN/upstart-exec" "$BIN/upstartctl"; do
    [[ -x $f ]] || { echo "missing $f (dotnet pwsh ./build.ps1 -Task PublishNative)" >&2; exit 2; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}"/upstartps-footprint.XXXXXX)
# source: bench/session-daemon.sh
. "$ROOT/bench/session-daemon.sh"
trap 'stop_daemon; rm -rf "$WORK"' EXIT
start_session_daemon "$BIN/upstart-host" "$WORK" "$JOBS"
PID=$DAEMON_PID
deadline=$((SECONDS + 120))
until [[ -S $SOCK ]]; do (( SECONDS < deadline )) || { cat "$WORK/daemon.log" >&2; exit 1; }; sleep 0.01; done
"$BIN/upstartctl" --socket "$SOCK" log-priority debug
wait_all_running "$BIN/upstartctl" "$JOBS" 120
sleep "$SETTLE"

echo "jobs=$JOBS $(grep -E '^(VmRSS|RssAnon|RssFile|Threads):' "/proc/$PID/status" | tr -s ' \t' ' ' | tr '\n' ' ')"
grep -a -o 'Quiet again: .*' "$WORK/daemon.log" | tail -1 || echo "(no quiet collection logged)"
# Groups: the daemon binary by permission (r-xp code, r--p read-only data), each library, and anonymous
# mappings by size (GC regions and the binary's rehydrated data are the big ones; thread stacks are small).
perl -ne '
    if (/^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/) {
        my ($size, $perm, $path) = (hex($2) - hex($1), $3, $4);
        $cat = $path eq "" ? ($size >= 1 << 20 ? "anon, mappings >= 1 MiB" : "anon, mappings < 1 MiB")
             : $path =~ /upstart-host/ ? "upstart-host $perm" : $path;
        $anon = $path eq "" ? "$1 (" . ($size >> 10) . " KiB mapped)" : undef;
    } elsif (/^Rss:\s+(\d+)/) {
        $kib{$cat} += $1;
        push @big, [$1, $anon] if defined $anon && $1 > 256;
    }
    END {
        printf "%8d KiB  %s\n", $kib{$_}, $_ for sort { $kib{$b} <=> $kib{$a} } grep { $kib{$_} } keys %kib;
        print "anonymous mappings with more than 256 KiB resident:\n";
        printf "%8d KiB  at %s\n", @$_ for sort { $b->[0] <=> $a->[0] } @big;
    }' "/proc/$PID/smaps"
echo "threads:"
cat /proc/"$PID"/task/*/comm | sort | uniq -c | sort -rn
