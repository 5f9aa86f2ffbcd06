using UpstartHost.Control;
using UpstartPS.Protocol.Server;

namespace UpstartHost.Hosting;

/// <summary>
/// What a re-exec does for the clients following a log or watching events (docs/daemon.md, "Restarting the
/// daemon"): each stream ends with where it stood, and the hub keeps every notification from then on, for the
/// case the exec fails and the watchers come back to this same program.
/// </summary>
public sealed class StreamsToHandOver(StreamHandover handover, WatchHub watch)
{
    /// <summary>A stream whose client does not read its last frames holds the exec back at most this long.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(2);

    public StreamHandover Handover => handover;

    /// <summary>
    /// Before the engine stops for the exec: no more requests are taken, and those already read are answered; false
    /// when some were not within <see cref="Bound"/> (the exec cuts them).
    /// </summary>
    public bool StopTakingRequests() => handover.StopTakingRequests(Bound);

    /// <summary>Ends every open stream with its resume point; false when some had not ended within <see cref="Bound"/>.</summary>
    public bool EndEach()
    {
        watch.BeginReplay();
        return handover.HandOver(Bound);
    }
}
