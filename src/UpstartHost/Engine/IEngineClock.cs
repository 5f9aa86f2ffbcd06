using System.Diagnostics;

namespace UpstartHost.Engine;

/// <summary>
/// Time as the engine sees it: a monotonic clock for the respawn window, wall time for notifications, and
/// one-shot timers for kill timeouts. Timer callbacks may run on any thread; the engine only posts a
/// message from them. Tests use a fake that advances by hand, so no engine test sleeps.
/// </summary>
public interface IEngineClock
{
    /// <summary>Monotonic time since an arbitrary origin.</summary>
    TimeSpan Monotonic { get; }

    DateTimeOffset UtcNow { get; }

    /// <summary>Runs <paramref name="callback"/> once after <paramref name="due"/>; disposing cancels it.</summary>
    IDisposable StartTimer(TimeSpan due, Action callback);
}

/// <summary>The real clock: Stopwatch ticks and System.Threading.Timer.</summary>
public sealed class SystemEngineClock : IEngineClock
{
    private readonly long _origin = Stopwatch.GetTimestamp();

    public TimeSpan Monotonic => Stopwatch.GetElapsedTime(_origin);

    public DateTimeOffset UtcNow => DateTimeOffset.UtcNow;

    public IDisposable StartTimer(TimeSpan due, Action callback) =>
        new Timer(_ => callback(), null, due, Timeout.InfiniteTimeSpan);
}
