using Upstart.JobFiles.Events.Matching;

namespace Upstart.JobFiles.Events;

/// <summary>
/// Maps an event name to the subscribers (job classes, instances…) whose `start on` / `stop on`
/// trees mention it, so dispatching an event costs time in proportion to the jobs that name it,
/// not to all jobs. Event names are compared literally, as the matcher does (UPSTART.md §b.2:
/// names are never globs), so an exact-name lookup loses nothing.
/// Subscribers are kept in the order they were first added for a name; a subscriber appears once
/// per name however many of its trees or operands mention it. Not thread-safe.
/// </summary>
public sealed class EventSubscriptionIndex<TSubscriber>
    where TSubscriber : notnull
{
    private static readonly IReadOnlyList<TSubscriber> None = [];

    private readonly Dictionary<string, List<TSubscriber>> _byEvent = new(StringComparer.Ordinal);
    private readonly Dictionary<TSubscriber, HashSet<string>> _bySubscriber;
    private readonly IEqualityComparer<TSubscriber> _comparer;

    public EventSubscriptionIndex(IEqualityComparer<TSubscriber>? comparer = null)
    {
        _comparer = comparer ?? EqualityComparer<TSubscriber>.Default;
        _bySubscriber = new(_comparer);
    }

    /// <summary>How many subscribers are indexed.</summary>
    public int Count => _bySubscriber.Count;

    /// <summary>Subscribes <paramref name="subscriber"/> to every event <paramref name="expression"/> mentions (adding to earlier subscriptions).</summary>
    public void Add(TSubscriber subscriber, EventExpression expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        AddNames(subscriber, CompiledCondition.For(expression).EventNames);
    }

    /// <summary>Subscribes <paramref name="subscriber"/> to the given event names (adding to earlier subscriptions).</summary>
    public void AddNames(TSubscriber subscriber, IEnumerable<string> eventNames)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(eventNames);
        if (!_bySubscriber.TryGetValue(subscriber, out var names))
        {
            names = new HashSet<string>(StringComparer.Ordinal);
            _bySubscriber[subscriber] = names;
        }

        foreach (var name in eventNames)
        {
            if (!names.Add(name))
            {
                continue;
            }

            if (!_byEvent.TryGetValue(name, out var subscribers))
            {
                subscribers = [];
                _byEvent[name] = subscribers;
            }

            subscribers.Add(subscriber);
        }
    }

    /// <summary>Drops every subscription of <paramref name="subscriber"/>; false when it had none.</summary>
    public bool Remove(TSubscriber subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        if (!_bySubscriber.Remove(subscriber, out var names))
        {
            return false;
        }

        foreach (var name in names)
        {
            var subscribers = _byEvent[name];
            var at = subscribers.FindIndex(s => _comparer.Equals(s, subscriber));
            subscribers.RemoveAt(at);
            if (subscribers.Count == 0)
            {
                _byEvent.Remove(name);
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="subscriber"/> has any subscription.</summary>
    public bool Contains(TSubscriber subscriber) => _bySubscriber.ContainsKey(subscriber);

    /// <summary>
    /// The subscribers whose trees mention <paramref name="eventName"/>, in subscription order; empty
    /// when none. The list is live: copy it before adding or removing subscribers while iterating.
    /// </summary>
    public IReadOnlyList<TSubscriber> SubscribersOf(string eventName)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        return _byEvent.TryGetValue(eventName, out var subscribers) ? subscribers : None;
    }

    /// <summary>The event names <paramref name="subscriber"/> is subscribed to (empty when none).</summary>
    public IReadOnlyCollection<string> EventsOf(TSubscriber subscriber) =>
        _bySubscriber.TryGetValue(subscriber, out var names) ? names : [];
}
