using UpstartHost.Engine;

namespace UpstartPS.TestSupport.Engine;

/// <summary>
/// Every notification the engine raised, in order. Tests await the one they expect (never a sleep); a
/// position from <see cref="Count"/> lets a test look only at what happened after some point.
/// </summary>
internal sealed class NotificationLog
{
    private readonly AwaitableLog<EngineNotification> log = new();

    public int Count => log.Count;

    /// <summary>The engine's Notification handler: runs on the engine thread, so it only records.</summary>
    public void Add(EngineNotification notification) => log.Add(notification);

    public IReadOnlyList<EngineNotification> Since(int position) => log.Since(position);

    /// <summary>Events called <paramref name="name"/> emitted since <paramref name="position"/> whose environment has every KEY=VALUE given.</summary>
    public IReadOnlyList<EngineNotification> Events(string name, int position = 0, params string[] environment) =>
        Since(position).Where(n => IsEvent(n, name, environment)).ToList();

    /// <summary>The first notification since <paramref name="position"/> that matches, waited for up to <paramref name="timeout"/>.</summary>
    public Task<EngineNotification> WaitFor(Func<EngineNotification, bool> match, string what, int position, TimeSpan timeout) =>
        log.WaitFor(match, position, timeout, since => $"timed out waiting for {what}; since then: {Describe(since)}");

    public static bool IsEvent(EngineNotification n, string name, IReadOnlyCollection<string> environment) =>
        n.Kind == NotificationKind.Event && n.Name == name && environment.All(n.Environment.Contains);

    public static bool IsState(EngineNotification n, string job, string instance, string state) =>
        n.Kind == NotificationKind.State && n.Job == job && n.Instance == instance && n.State?.ToUpstartName() == state;

    /// <summary>The value of KEY in an event's environment, or null.</summary>
    public static string? Value(EngineNotification n, string key) =>
        n.Environment.FirstOrDefault(e => e.StartsWith(key + "=", StringComparison.Ordinal))?[(key.Length + 1)..];

    /// <summary>The last notifications, one per clause, for a failure message.</summary>
    public static string Describe(IEnumerable<EngineNotification> list) =>
        string.Join("; ", list.TakeLast(40).Select(n => n.Kind == NotificationKind.Event
            ? $"event {n.Name} {string.Join(' ', n.Environment)}"
            : $"{n.Job}({n.Instance}) {n.Goal?.ToUpstartName()}/{n.State?.ToUpstartName()}"));
}
