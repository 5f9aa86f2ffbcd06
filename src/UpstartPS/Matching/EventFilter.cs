using UpstartPS.Protocol.Messages;

namespace UpstartPS.Matching;

/// <summary>
/// Watch-UpstartEvent's filter. -Name matches the event name (for a state change, its name is the
/// state, e.g. "running"); -Job matches the JOB of a state change or the JOB= variable of an event
/// such as `started JOB=web`.
/// </summary>
public sealed class EventFilter(IEnumerable<string>? names, IEnumerable<string>? jobs)
{
    private readonly List<NamePattern> _names = (names ?? ["*"]).Select(NamePattern.Parse).ToList();
    private readonly List<NamePattern>? _jobs = jobs?.Select(NamePattern.Parse).ToList();

    public bool Matches(EventInfo item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (!_names.Any(p => p.IsMatch(item.Name)))
        {
            return false;
        }

        if (_jobs is null)
        {
            return true;
        }

        var job = item.Job ?? item.Environment.FirstOrDefault(e => e.StartsWith("JOB=", StringComparison.Ordinal))?[4..];
        return job is not null && _jobs.Any(p => p.IsMatch(job));
    }
}
