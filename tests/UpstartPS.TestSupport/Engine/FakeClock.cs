using UpstartHost.Engine;

namespace UpstartPS.TestSupport.Engine;

/// <summary>A clock moved by hand: timers fire, synchronously, inside <see cref="Advance"/>.</summary>
internal sealed class FakeClock : IEngineClock
{
    private readonly List<FakeTimer> _timers = [];

    public TimeSpan Monotonic { get; private set; } = TimeSpan.FromSeconds(1000);

    public DateTimeOffset UtcNow => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) + Monotonic;

    public int PendingTimers => _timers.Count(t => !t.Disposed && !t.Fired);

    public IDisposable StartTimer(TimeSpan due, Action callback)
    {
        var timer = new FakeTimer(Monotonic + due, callback);
        _timers.Add(timer);
        return timer;
    }

    public void Advance(TimeSpan by)
    {
        Monotonic += by;
        foreach (var t in _timers.Where(t => !t.Disposed && !t.Fired && t.Due <= Monotonic).OrderBy(t => t.Due).ToList())
        {
            t.Fired = true;
            t.Callback();
        }
    }

    private sealed class FakeTimer(TimeSpan due, Action callback) : IDisposable
    {
        public TimeSpan Due { get; } = due;

        public Action Callback { get; } = callback;

        public bool Fired { get; set; }

        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }
}
