using UpstartPS.Protocol.Messages;

namespace UpstartPS;

/// <summary>
/// One entry of the daemon's event stream: an emitted event (Kind "event": Name and Environment) or a
/// change of a job instance's goal or state (Kind "goal" or "state": Job, Instance, Goal, State). Flat for remoting.
/// </summary>
public sealed class UpstartEvent
{
    internal UpstartEvent(EventInfo info)
    {
        Time = info.Time.LocalDateTime;
        Kind = info.Kind;
        Name = info.Name;
        Environment = info.Environment.ToArray();
        Job = info.Job;
        Instance = info.Instance;
        Goal = info.Goal;
        State = info.State;
    }

    internal UpstartEvent(DateTimeOffset time, string name, IReadOnlyList<string> environment)
    {
        Time = time.LocalDateTime;
        Kind = "event";
        Name = name;
        Environment = environment.ToArray();
    }

    /// <summary>Local time; a DateTime (not DateTimeOffset) because remoting keeps DateTime as a typed value.</summary>
    public DateTime Time { get; }

    /// <summary>"event", "goal" or "state".</summary>
    public string Kind { get; }

    public string Name { get; }

    /// <summary>KEY=VALUE strings, in the order the event carries them.</summary>
    public string[] Environment { get; }

    public string? Job { get; }
    public string? Instance { get; }
    public string? Goal { get; }
    public string? State { get; }

    /// <summary>initctl's form: `started JOB=ssh INSTANCE=`.</summary>
    public override string ToString() => Environment.Length == 0 ? Name : $"{Name} {string.Join(' ', Environment)}";
}
