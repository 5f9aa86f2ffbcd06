using Upstart.JobFiles.Events;
using Upstart.JobFiles.Events.Matching;
using Upstart.JobFiles.Loading;
using Upstart.JobFiles.Model;

namespace Upstart.JobFiles.Checking;

/// <summary>
/// `initctl check-config`: finds conditions waiting on an event that no job `emits` (globs allowed in
/// `emits`) and that is not well known, and job events (`started X`, `stopping X`, …) naming a job that
/// does not exist. Values with globs or `$VAR` cannot be resolved statically and are not reported.
/// </summary>
public static class ConditionAnalyzer
{
    public static IReadOnlyList<ConditionProblem> Analyze(JobCatalog catalog, IEnumerable<string>? ignoredEvents = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var emitted = catalog.Jobs.Values.SelectMany(j => j.Emits).Concat(ignoredEvents ?? []).Distinct(StringComparer.Ordinal).ToList();
        var problems = new List<ConditionProblem>();
        foreach (var job in catalog.Jobs.Values.OrderBy(j => j.Name, StringComparer.Ordinal))
        {
            Check(job, "start on", job.StartOn, catalog, emitted, problems);
            Check(job, "stop on", job.StopOn, catalog, emitted, problems);
        }

        return problems;
    }

    private static void Check(
        JobClassConfig job, string stanza, EventExpression? condition, JobCatalog catalog, List<string> emitted, List<ConditionProblem> problems)
    {
        if (condition is null)
        {
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var match in Operands(condition))
        {
            ConditionProblem? problem = null;
            if (WellKnownEvents.JobEvents.Contains(match.Name))
            {
                if (ReferencedJob(match) is { } other && !catalog.Jobs.ContainsKey(other))
                {
                    problem = new ConditionProblem(job.Name, stanza, IsJob: true, other);
                }
            }
            else if (!WellKnownEvents.IsWellKnown(match.Name) && !emitted.Any(p => Fnmatch.IsMatch(p, match.Name)))
            {
                problem = new ConditionProblem(job.Name, stanza, IsJob: false, match.Name);
            }

            if (problem is not null && seen.Add(problem.ToString()))
            {
                problems.Add(problem);
            }
        }
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

    private static IEnumerable<EventMatch> Operands(EventExpression expression)
    {
        var pending = new Stack<EventExpression>();
        pending.Push(expression);
        while (pending.Count > 0)
        {
            switch (pending.Pop())
            {
                case EventMatch m:
                    yield return m;
                    break;
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
