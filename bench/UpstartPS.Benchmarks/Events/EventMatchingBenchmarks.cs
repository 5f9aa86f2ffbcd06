using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Upstart.JobFiles.Events;

namespace UpstartPS.Benchmarks.Events;

/// <summary>
/// One `net-device-up` event offered to every job's `start on` state. Exactly 10 jobs name
/// net-device-up; the rest wait for other events (started/stopped/starting/runlevel/filesystem…).
/// NaiveLoop offers the event to every job; ThroughIndex only to the jobs the
/// <see cref="EventSubscriptionIndex{TSubscriber}"/> lists, so its cost should stay flat as
/// TotalJobs grows. A state the event satisfied is reset, as the engine does once it acts, so every
/// invocation does the same work.
/// </summary>
[MemoryDiagnoser]
public class EventMatchingBenchmarks
{
    private const int Subscribers = 10;

    private readonly EventData _event = new("net-device-up", ["IFACE=eth0", "LOGICAL=eth0", "ADDRFAM=inet", "METHOD=dhcp"]);
    private EventConditionState[] _states = [];
    private EventSubscriptionIndex<EventConditionState> _index = new();

    [Params(1_000, 10_000)]
    public int TotalJobs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _states = new EventConditionState[TotalJobs];
        _index = new EventSubscriptionIndex<EventConditionState>();
        var stride = TotalJobs / Subscribers;
        for (var i = 0; i < TotalJobs; i++)
        {
            var tree = i % stride == 0 ? NetworkJob(i) : OtherJob(i);
            _states[i] = new EventConditionState(tree);
            _index.Add(_states[i], tree);
        }
    }

    [Benchmark(Baseline = true)]
    public int NaiveLoop()
    {
        var used = 0;
        foreach (var state in _states)
        {
            if (state.Handle(_event, null))
            {
                used++;
                state.Reset();
            }
        }

        return used;
    }

    [Benchmark]
    public int ThroughIndex()
    {
        var used = 0;
        var subscribers = _index.SubscribersOf(_event.Name);
        for (var i = 0; i < subscribers.Count; i++)
        {
            var state = subscribers[i];
            if (state.Handle(_event, null))
            {
                used++;
                state.Reset();
            }
        }

        return used;
    }

    /// <summary>`(local-filesystems and net-device-up IFACE!=lo) or runlevel [2345]` and variants.</summary>
    private static EventExpression NetworkJob(int i) => (i / 100 % 3) switch
    {
        0 => new EventOr(
            new EventAnd(Match("local-filesystems"), Match("net-device-up", "IFACE!=lo")),
            Match("runlevel", "[2345]")),
        1 => new EventAnd(Match("filesystem"), Match("net-device-up", "IFACE=eth*", "ADDRFAM=inet")),
        _ => new EventAnd(Match("started", "dbus"), Match("net-device-up", "IFACE!=lo")),
    };

    /// <summary>Compound conditions over events other than net-device-up.</summary>
    private static EventExpression OtherJob(int i) => (i % 4) switch
    {
        0 => new EventAnd(Match("started", "svc-" + i), new EventOr(Match("filesystem"), Match("runlevel", "[2345]"))),
        1 => new EventOr(Match("stopped", "svc-" + i, "RESULT=ok"), Match("runlevel", "[!2345]")),
        2 => new EventAnd(Match("starting", "JOB=web-" + i), Match("local-filesystems")),
        _ => new EventAnd(new EventAnd(Match("filesystem"), Match("started", "dbus")), Match("mounted", "MOUNTPOINT=/srv/" + i)),
    };

    private static EventMatch Match(string name, params string[] arguments) => new(name, ImmutableArray.Create(arguments));

    private sealed class EventData(string name, string[] environment) : IEventData
    {
        public string Name { get; } = name;

        public IReadOnlyList<string> Environment { get; } = environment;
    }
}
