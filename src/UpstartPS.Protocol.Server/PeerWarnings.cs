using System.Globalization;

namespace UpstartPS.Protocol.Server;

/// <summary>
/// The server's warnings about what a client did (a connection refused over a limit, a broken frame, answers not read,
/// no handshake), at most one per <see cref="ControlServerOptions.PeerWarningInterval"/> for each non-root uid. Each
/// costs its client no more than a connect, so unthrottled one local user wrote 20,000 lines a second into the log of
/// the daemon (which runs as root), filling its disk or, under journald's rate limit, drowning the daemon's own
/// messages. The first in an interval is logged; the rest are counted, and their number is added to the next one
/// logged. Root's are all logged. Thread-safe.
/// </summary>
/// <param name="milliseconds">A monotonic clock; <see cref="Environment.TickCount64"/> unless a test sets one.</param>
internal sealed class PeerWarnings(Action<string, Exception?>? log, TimeSpan interval, Func<long>? milliseconds = null)
{
    private readonly Func<long> _milliseconds = milliseconds ?? (static () => Environment.TickCount64);
    private readonly long _interval = (long)interval.TotalMilliseconds;

    /// <summary>The key of warnings given before the peer is known (the daemon's own connection limit).</summary>
    public const uint UnknownPeer = uint.MaxValue;

    /// <summary>Past this many uids with a quiet interval running, those whose interval is over are forgotten.</summary>
    private const int PruneAbove = 1024;

    private readonly Dictionary<uint, Quiet> _quiet = [];

    /// <summary>Logs <paramref name="message"/> about a client of <paramref name="uid"/>, or counts it while that uid is in a quiet interval.</summary>
    public void Warn(uint uid, string message, Exception? exception)
    {
        if (log is null)
        {
            return;
        }

        if (uid == 0 || _interval <= 0)
        {
            log(message, exception);
            return;
        }

        var now = _milliseconds();
        int left;
        lock (_quiet)
        {
            if (_quiet.TryGetValue(uid, out var quiet) && now - quiet.Since < _interval)
            {
                quiet.Left++;
                return;
            }

            left = quiet?.Left ?? 0;
            if (_quiet.Count >= PruneAbove)
            {
                foreach (var over in _quiet.Where(q => now - q.Value.Since >= _interval).Select(q => q.Key).ToList())
                {
                    _quiet.Remove(over);
                }
            }

            _quiet[uid] = new Quiet(now);
        }

        log(left == 0 ? message : string.Create(CultureInfo.InvariantCulture, $"{message} ({left} more such warnings left out since the last one logged)"), exception);
    }

    private sealed class Quiet(long since)
    {
        public long Since { get; } = since;

        public int Left { get; set; }
    }
}
