using Upstart.JobFiles.Diagnostics;
using Upstart.JobFiles.Events;
using Upstart.JobFiles.Model;

namespace Upstart.JobFiles.Parsing;

/// <summary>
/// Entry points of the job-file language. Never throws on any input; bounded in time and memory.
/// CONTRACT (implemented by the parser work): keep these signatures.
/// </summary>
public static class JobFileParser
{
    /// <summary>Parses one .conf text. On error: Config is null and Diagnostics holds the first error.</summary>
    public static JobParseResult Parse(string jobName, string path, string text) =>
        throw new NotImplementedException("parser: see issue 2");

    /// <summary>
    /// Applies an .override text on top of a parsed job, with the same stanza table (lists append,
    /// scalars replace, `manual` clears start on). On a parse error the stanzas before the bad line stay
    /// applied (1.13.2 behaviour) and the error is reported.
    /// </summary>
    public static JobParseResult ApplyOverride(JobClassConfig config, string overridePath, string text) =>
        throw new NotImplementedException("parser: see issue 2");

    /// <summary>Parses the text that follows `start on` / `stop on` (for tests, tools and the CLI).</summary>
    public static EventExpressionParseResult ParseEventExpression(string text) =>
        throw new NotImplementedException("parser: see issue 2");
}

/// <summary>Config is null when the file was rejected.</summary>
public sealed record JobParseResult(JobClassConfig? Config, IReadOnlyList<Diagnostic> Diagnostics);

/// <summary>Expression is null on error; then ErrorKind/ErrorMessage are the corpus kind and Upstart's text.</summary>
public sealed record EventExpressionParseResult(EventExpression? Expression, string? ErrorKind, string? ErrorMessage);
