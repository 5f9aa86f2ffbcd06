using Upstart.JobFiles.Events;
using Upstart.JobFiles.Events.Matching;
using Upstart.JobFiles.Loading;
using Upstart.JobFiles.Model;

namespace Upstart.JobFiles.Checking;

/// <summary>
/// `initctl check-config`: finds conditions waiting on an event that no job `emits` (globs allowed in
/// `emits`) and that is not well known, and job events (`started X`, `stopping X`, …) naming a job that
/// does not exist. Values with globs or `$VAR` cannot be resolved statically and are not reported.
/// As initctl.c decides what to report: an `or` is satisfiable when either side is (with
/// <c>warnAll</c>, `-w`, only when both are, like an `and`), and of each condition only the topmost node that
/// cannot be satisfied (the condition itself, or an operator under a satisfiable `or`) has its unreachable
/// operands reported. So `start on started ghost or stopping b` passes while b exists, and `-w` reports ghost.
/// </summary>
public static class ConditionAnalyzer
{
    /// <param name="ignoredEvents">Counted as emitted: `-i`, and what the daemon emits itself.</param>
    /// <param name="systemComponentsEmit">
    /// Whether the events of an Upstart host's other programs (mountall, udev, ifupdown, telinit, the bridges:
    /// <see cref="WellKnownEvents.EmittedBySystemComponents"/>) count as emitted. True for job files checked on
    /// their own (`upstart-host check`: their host is not known); false for the running daemon (`check-config`),
    /// where nothing emits them unless a job's `emits`, the daemon's own boot or shutdown events, or `-i` says so,
    /// which is initctl's rule, too: only init's own events are taken as given.
    /// </param>
    public static IReadOnlyList<ConditionProblem> Analyze(
        JobCatalog catalog, IEnumerable<string>? ignoredEvents = null, bool warnAll = false, bool systemComponentsEmit = true)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var emitted = catalog.Jobs.Values.SelectMany(j => j.Emits).Concat(ignoredEvents ?? []).Distinct(StringComparer.Ordinal).ToList();
        Func<string, bool> given = systemComponentsEmit ? WellKnownEvents.IsWellKnown : WellKnownEvents.IsEmittedByInit;
        var problems = new List<ConditionProblem>();
        foreach (var job in catalog.Jobs.Values.OrderBy(j => j.Name, StringComparer.Ordinal))
        {
            Check(job, "start on", job.StartOn, catalog, emitted, given, warnAll, problems);
            Check(job, "stop on", job.StopOn, catalog, emitted, given, warnAll, problems);
        }

        return problems;
    }

    private static void Check(
        JobClassConfig job,
        string stanza,
        EventExpression? condition,
        JobCatalog catalog,
        List<string> emitted,
        Func<string, bool> given,
        bool warnAll,
        List<ConditionProblem> problems)
    {
        if (condition is null)
        {
            return;
        }

        var found = new Dictionary<EventMatch, ConditionProblem?>(ReferenceEqualityComparer.Instance);
        ConditionProblem? ProblemOf(EventMatch match)
        {
            if (!found.TryGetValue(match, out var problem))
            {
                problem = Problem(job, stanza, match, catalog, emitted, given);
                found[match] = problem;
            }

            return problem;
        }

        bool Satisfiable(EventExpression node) => node switch
        {
            EventMatch m => ProblemOf(m) is null,
            EventAnd a => Satisfiable(a.Left) & Satisfiable(a.Right),
            EventOr o when warnAll => Satisfiable(o.Left) & Satisfiable(o.Right),
            EventOr o => Satisfiable(o.Left) | Satisfiable(o.Right),
            _ => true,
        };

        // initctl visits the condition, then its operators in pre-order, and reports the first that cannot be satisfied.
        if (FirstUnsatisfiable(condition, Satisfiable) is not { } failing)
        {
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var match in Operands(failing))
        {
            if (ProblemOf(match) is { } problem && seen.Add(problem.ToString()))
            {
                problems.Add(problem);
            }
        }
    }

    private static EventExpression? FirstUnsatisfiable(EventExpression root, Func<EventExpression, bool> satisfiable) =>
        PreOrder(root).FirstOrDefault(node => (node == root || node is EventAnd or EventOr) && !satisfiable(node));

    private static ConditionProblem? Problem(
        JobClassConfig job, string stanza, EventMatch match, JobCatalog catalog, List<string> emitted, Func<string, bool> given)
    {
        if (WellKnownEvents.JobEvents.Contains(match.Name))
        {
            return ReferencedJob(match) is { } other && !catalog.Jobs.ContainsKey(other)
                ? new ConditionProblem(job.Name, stanza, IsJob: true, other)
                : null;
        }

        return !given(match.Name) && !emitted.Any(p => Fnmatch.IsMatch(p, match.Name))
            ? new ConditionProblem(job.Name, stanza, IsJob: false, match.Name)
            : null;
    }

    /// <summary>The job a job event names: its first positional argument, or JOB=NAME; null if not literal.</summary>
    private static string? ReferencedJob(EventMatch match)
    {
        string? name = null;
        foreach (var argument in match.Arguments)
        {
            if (!argument.Contains('=', StringComparison.Ordinal))
            {
                name ??= argument;
            }
            else if (argument.StartsWith("JOB=", StringComparison.Ordinal))
            {
                name = argument[4..];
                break;
            }
        }

        return name is null || name.Length == 0 || IsPattern(name) || name.Contains('$', StringComparison.Ordinal) ? null : name;
    }

    private static bool IsPattern(string s) => s.AsSpan().IndexOfAny("*?[\\") >= 0;

    private static IEnumerable<EventMatch> Operands(EventExpression expression) => PreOrder(expression).OfType<EventMatch>();

    /// <summary>The expression and every part of it, each operator before its operands, left before right.</summary>
    private static IEnumerable<EventExpression> PreOrder(EventExpression expression)
    {
        var pending = new Stack<EventExpression>();
        pending.Push(expression);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            yield return node;
            switch (node)
            {
                case EventAnd a:
                    pending.Push(a.Right);
                    pending.Push(a.Left);
                    break;
                case EventOr o:
                    pending.Push(o.Right);
                    pending.Push(o.Left);
                    break;
            }
        }
    }
}
