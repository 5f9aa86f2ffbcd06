using System.Collections.Concurrent;
using Superpower;
using Superpower.Parsers;
using Upstart.JobFiles.Model;

namespace Upstart.JobFiles.Parsing;

/// <summary>
/// The shapes of single stanza arguments, as Superpower text parsers over one dequoted argument.
/// Numbers are not here: Upstart reads them with C's strtol/strtoul and even keeps the value of a
/// half-read number when an override fails (UPSTART.md §a.3), so <see cref="CNumber"/> reproduces that
/// exactly.
/// </summary>
internal static class ArgumentGrammar
{
    /// <summary>nih_signal_from_name: `TERM` or `SIGTERM`, case-sensitive.</summary>
    public static readonly CachedGrammar<int> SignalName = new(
        (from prefix in Span.EqualTo("SIG").Try().Optional()
         from name in Character.LetterOrDigit.AtLeastOnce()
         select Signals.FromShortName(new string(name)))
        .Where(signal => signal > 0)
        .AtEnd()
        .Named("signal name"));

    /// <summary>The resources of `limit RES SOFT HARD` (setrlimit(2) names; `as` although init(5) omits it).</summary>
    public static readonly CachedGrammar<ResourceKind> Resource = new(
        OneOf(
            ("as", ResourceKind.As),
            ("core", ResourceKind.Core),
            ("cpu", ResourceKind.Cpu),
            ("data", ResourceKind.Data),
            ("fsize", ResourceKind.Fsize),
            ("memlock", ResourceKind.Memlock),
            ("msgqueue", ResourceKind.Msgqueue),
            ("nice", ResourceKind.Nice),
            ("nofile", ResourceKind.Nofile),
            ("nproc", ResourceKind.Nproc),
            ("rss", ResourceKind.Rss),
            ("rtprio", ResourceKind.Rtprio),
            ("sigpending", ResourceKind.Sigpending),
            ("stack", ResourceKind.Stack))
        .Named("resource name"));

    /// <summary>`expect stop|daemon|fork|none`.</summary>
    public static readonly CachedGrammar<ExpectMode> Expect = new(
        OneOf(
            ("stop", ExpectMode.Stop),
            ("daemon", ExpectMode.Daemon),
            ("fork", ExpectMode.Fork),
            ("none", ExpectMode.None))
        .Named("expect mode"));

    /// <summary>`console none|output|owner|log` (job_class_console_type).</summary>
    public static readonly CachedGrammar<ConsoleMode> Console = new(
        OneOf(
            ("none", ConsoleMode.None),
            ("output", ConsoleMode.Output),
            ("owner", ConsoleMode.Owner),
            ("log", ConsoleMode.Log))
        .Named("console mode"));

    /// <summary>Exactly one of the keywords (case-sensitive, whole argument), as its value.</summary>
    private static TextParser<T> OneOf<T>(params (string Word, T Value)[] keywords)
    {
        TextParser<T>? parser = null;
        foreach (var (word, value) in keywords)
        {
            var keyword = Span.EqualTo(word).AtEnd().Value(value).Try();
            parser = parser is null ? keyword : parser.Or(keyword);
        }

        return parser!;
    }
}

/// <summary>A Superpower parser for one whole argument, with its successful results memoised.</summary>
internal sealed class CachedGrammar<T>(TextParser<T> parser)
{
    private readonly ConcurrentDictionary<string, T> _accepted = new(StringComparer.Ordinal);

    public bool TryParse(string text, out T value)
    {
        if (_accepted.TryGetValue(text, out value!))
        {
            return true;
        }

        var result = parser.TryParse(text);
        if (!result.HasValue)
        {
            value = default!;
            return false;
        }

        value = result.Value;
        _accepted.TryAdd(text, value);
        return true;
    }
}
