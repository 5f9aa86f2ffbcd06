using Upstart.JobFiles.Diagnostics;
using Upstart.JobFiles.Events;
using Upstart.JobFiles.Events.Matching;
using Upstart.JobFiles.Model;

namespace Upstart.JobFiles.Parsing;

/// <summary>
/// Entry points of the job-file language. Never throws on any input; bounded in time and memory.
/// </summary>
public static class JobFileParser
{
    /// <summary>Parses one .conf text. On error: Config is null and Diagnostics holds the first error.</summary>
    public static JobParseResult Parse(string jobName, string path, string text)
    {
        ArgumentNullException.ThrowIfNull(jobName);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(text);

        var job = JobParseState.ForConf(jobName, path);
        var error = ExpansionNesting.Check(path, text) ?? JobFileReader.Read(path, text, job);
        return error is null
            ? new JobParseResult(job.Finish(), [])
            : new JobParseResult(null, [error]);
    }

    /// <summary>
    /// Applies an .override text on top of a parsed job, with the same stanza table (lists append,
    /// scalars replace, `manual` clears start on). On a parse error the stanzas before the bad line stay
    /// applied (1.13.2 behaviour) and the error is reported.
    /// </summary>
    public static JobParseResult ApplyOverride(JobClassConfig config, string overridePath, string text)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(overridePath);
        ArgumentNullException.ThrowIfNull(text);

        var job = JobParseState.ForOverride(config, overridePath);
        var tooDeep = ExpansionNesting.Check(overridePath, text);
        var error = tooDeep ?? JobFileReader.Read(overridePath, text, job);

        // A file too large to read, or nested too deeply to expand safely, applies nothing; any other error leaves what came before it applied.
        var applied = error?.Kind == JobFileReader.TooLargeKind || tooDeep is not null
            ? config
            : job.Finish();
        return new JobParseResult(applied, error is null ? [] : [error]);
    }

    /// <summary>Parses the text that follows `start on` / `stop on` (for tests, tools and the CLI).</summary>
    public static EventExpressionParseResult ParseEventExpression(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        // Exactly what the job-file parser does with `start on TEXT`, so the error kinds agree.
        var job = JobParseState.ForConf("", path: null);
        var error = JobFileReader.Read("", "start on " + text, job);
        if (error is not null)
        {
            return new EventExpressionParseResult(null, error.Kind, error.Message);
        }

        return job.Current.StartOn is null
            ? new EventExpressionParseResult(null, ParseErrors.ExpectedEvent, ParseErrors.MessageFor(ParseErrors.ExpectedEvent))
            : new EventExpressionParseResult(job.Current.StartOn, null, null);
    }

    /// <summary>The stanza keywords: Upstart 1.13's in init(5) order, then UpstartPS's (`pre-restart`).</summary>
    public static IEnumerable<string> StanzaKeywords => Stanzas.StanzaTable.Keywords;
}

/// <summary>Config is null when the file was rejected.</summary>
public sealed record JobParseResult(JobClassConfig? Config, IReadOnlyList<Diagnostic> Diagnostics);

/// <summary>Expression is null on error; then ErrorKind/ErrorMessage are the corpus kind and Upstart's text.</summary>
public sealed record EventExpressionParseResult(EventExpression? Expression, string? ErrorKind, string? ErrorMessage);
