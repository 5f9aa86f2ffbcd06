using UpstartPS.Protocol.Messages;

namespace UpstartPS.Matching;

/// <summary>
/// Watch-UpstartEvent's filter. -Name matches the item's Name as the table shows it: an event's name, or
/// for a goal or state change the job's name (docs/protocol.md); -Job matches the JOB of a goal or state
/// change or the JOB= variable of an event such as `started JOB=web`.
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
