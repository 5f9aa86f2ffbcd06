using System.Collections.Concurrent;
using Sprache;
using Upstart.JobFiles.Model;

namespace Upstart.JobFiles.Parsing;

/// <summary>
/// The shapes of single stanza arguments, as Sprache combinators. Numbers are not here: Upstart reads
/// them with C's strtol/strtoul and even keeps the value of a half-read number when an override fails
/// (UPSTART.md §a.3), so <see cref="CNumber"/> reproduces that exactly.
/// </summary>
internal static class ArgumentGrammar
{
    /// <summary>nih_signal_from_name: `TERM` or `SIGTERM`, case-sensitive.</summary>
    public static readonly CachedGrammar<int> SignalName = new(SignalNameParser);

    public static readonly CachedGrammar<ResourceKind> Resource = new(ResourceParser);

    public static readonly CachedGrammar<ExpectMode> Expect = new(ExpectParser);

    public static readonly CachedGrammar<ConsoleMode> Console = new(ConsoleParser);

    private static Parser<int> SignalNameParser =>
        (from prefix in Parse.String("SIG").Optional()
         from name in Parse.LetterOrDigit.AtLeastOnce().Text()
         select Signals.FromShortName(name))
        .Where(signal => signal > 0)
        .End()
        .Named("signal name");

    /// <summary>The resources of `limit RES SOFT HARD` (setrlimit(2) names; `as` although init(5) omits it).</summary>
    private static Parser<ResourceKind> ResourceParser =>
        Keyword("as", ResourceKind.As)
            .Or(Keyword("core", ResourceKind.Core))
            .Or(Keyword("cpu", ResourceKind.Cpu))
            .Or(Keyword("data", ResourceKind.Data))
            .Or(Keyword("fsize", ResourceKind.Fsize))
            .Or(Keyword("memlock", ResourceKind.Memlock))
            .Or(Keyword("msgqueue", ResourceKind.Msgqueue))
            .Or(Keyword("nice", ResourceKind.Nice))
            .Or(Keyword("nofile", ResourceKind.Nofile))
            .Or(Keyword("nproc", ResourceKind.Nproc))
            .Or(Keyword("rss", ResourceKind.Rss))
            .Or(Keyword("rtprio", ResourceKind.Rtprio))
            .Or(Keyword("sigpending", ResourceKind.Sigpending))
            .Or(Keyword("stack", ResourceKind.Stack))
            .End()
            .Named("resource name");

    /// <summary>`expect stop|daemon|fork|none`.</summary>
    private static Parser<ExpectMode> ExpectParser =>
        Keyword("stop", ExpectMode.Stop)
            .Or(Keyword("daemon", ExpectMode.Daemon))
            .Or(Keyword("fork", ExpectMode.Fork))
            .Or(Keyword("none", ExpectMode.None))
            .End()
            .Named("expect mode");

    /// <summary>`console none|output|owner|log` (job_class_console_type).</summary>
    private static Parser<ConsoleMode> ConsoleParser =>
        Keyword("none", ConsoleMode.None)
            .Or(Keyword("output", ConsoleMode.Output))
            .Or(Keyword("owner", ConsoleMode.Owner))
            .Or(Keyword("log", ConsoleMode.Log))
            .End()
            .Named("console mode");

    private static Parser<T> Keyword<T>(string word, T value) => Parse.String(word).Return(value);
}

/// <summary>A Sprache parser for one whole argument, with its successful results memoised.</summary>
internal sealed class CachedGrammar<T>(Parser<T> parser)
{
    private readonly ConcurrentDictionary<string, T> _accepted = new(StringComparer.Ordinal);

    public bool TryParse(string text, out T value)
    {
        if (_accepted.TryGetValue(text, out value!))
        {
            return true;
        }

        var result = parser.TryParse(text);
        if (!result.WasSuccessful)
        {
            value = default!;
            return false;
        }

        value = result.Value;
        _accepted.TryAdd(text, value);
        return true;
    }
}
