namespace UpstartHost.Engine;

/// <summary>
/// Which job classes name an event in `start on` or `stop on`, by event name, so handling an event costs
/// in proportion to the classes that name it rather than to every class loaded (issue 3). Classes keep
/// the order they were added in.
/// </summary>
internal sealed class EventSubscriptions
{
    private readonly Dictionary<string, List<JobClass>> _byEvent = new(StringComparer.Ordinal);
    private static readonly List<JobClass> None = [];

    public void Add(JobClass jobClass)
    {
        foreach (var name in jobClass.EventNames())
        {
            if (!_byEvent.TryGetValue(name, out var list))
            {
                list = [];
                _byEvent[name] = list;
            }

            list.Add(jobClass);
        }
    }

    public void Remove(JobClass jobClass)
    {
        foreach (var name in jobClass.EventNames())
        {
            if (_byEvent.TryGetValue(name, out var list))
            {
                list.Remove(jobClass);
                if (list.Count == 0)
                {
                    _byEvent.Remove(name);
                }
            }
        }
    }

    /// <summary>The classes naming <paramref name="eventName"/>; the list must not be changed while read.</summary>
    public IReadOnlyList<JobClass> For(string eventName) =>
        _byEvent.TryGetValue(eventName, out var list) ? list : None;
}
