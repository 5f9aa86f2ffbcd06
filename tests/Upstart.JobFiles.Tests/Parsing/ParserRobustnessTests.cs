using System.Text;
using Upstart.JobFiles.Parsing;
using Upstart.JobFiles.Tests.Conformance;

namespace Upstart.JobFiles.Tests.Parsing;

/// <summary>
/// Bad input never crashes anything: thousands of random, truncated and mutated corpus files (seeded,
/// so a failure reproduces) must each give a result, never an exception, and parse as an override too.
/// </summary>
public sealed class ParserRobustnessTests
{
    private const string Alphabet = " \t\r\n#\"'\\()=!*?[]$abcdefghijklmnopqrstuvwxyz0123456789-_/.\0";

    private static readonly string[] Words =
    [
        "start", "stop", "on", "and", "or", "(", ")", "exec", "script", "end script", "end", "pre-start",
        "respawn", "limit", "unlimited", "normal", "exit", "kill", "signal", "timeout", "oom", "score", "never",
        "limit", "nofile", "umask", "nice", "env", "emits", "manual", "cgroup", "apparmor", "load", "switch",
        "\"", "'", "\\", "\\\n", "\n", "#", " ", "-1", "99999999999999999999", "SIGTERM", "K=V", "K!=V",
    ];

    private static List<string> Seeds()
    {
        var dir = CorpusLocator.Folder("parse");
        var seeds = Directory.Exists(dir)
            ? Directory.EnumerateFiles(dir).Where(f => f.EndsWith(".conf", StringComparison.Ordinal) || f.EndsWith(".override", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal).Select(ParseCase.ReadExact).ToList()
            : [];
        seeds.Add("start on (a or b) and c X=1\nscript\n  echo\nend script\n");
        return seeds;
    }

    private static string Mutate(Random random, string seed)
    {
        var sb = new StringBuilder(seed);
        var edits = random.Next(1, 8);
        for (var i = 0; i < edits; i++)
        {
            var at = sb.Length == 0 ? 0 : random.Next(sb.Length + 1);
            switch (random.Next(5))
            {
                case 0 when sb.Length > 0:
                    sb.Remove(Math.Min(at, sb.Length - 1), 1);
                    break;
                case 1:
                    sb.Insert(at, Alphabet[random.Next(Alphabet.Length)]);
                    break;
                case 2:
                    sb.Insert(at, Words[random.Next(Words.Length)]);
                    break;
                case 3:
                    sb.Length = Math.Min(sb.Length, at);
                    break;
                default:
                    if (sb.Length > 0)
                    {
                        sb[Math.Min(at, sb.Length - 1)] = (char)random.Next(0, 0x250);
                    }

                    break;
            }
        }

        return sb.ToString();
    }

    private static string RandomText(Random random)
    {
        var sb = new StringBuilder();
        var length = random.Next(0, 300);
        while (sb.Length < length)
        {
            sb.Append(random.Next(3) == 0 ? Words[random.Next(Words.Length)] : Alphabet[random.Next(Alphabet.Length)].ToString());
        }

        return sb.ToString();
    }

    private static void AssertParses(string text)
    {
        var result = JobFileParser.Parse("fuzz", "fuzz.conf", text);
        Assert.True(result.Config is not null ^ result.Diagnostics.Count == 1, $"inconsistent result for {SExpressionLike(text)}");
        var over = JobFileParser.ApplyOverride(result.Config ?? JobFileParser.Parse("e", "e.conf", "").Config!, "fuzz.override", text);
        Assert.NotNull(over.Config);
        _ = JobFileParser.ParseEventExpression(text);
        foreach (var d in result.Diagnostics)
        {
            Assert.InRange(d.Line, 1, text.Count(c => c == '\n') + 1);
            Assert.InRange(d.Column, 1, text.Length + 1);
        }
    }

    private static string SExpressionLike(string text) => ExpectRenderer.Quote(text);

    [Fact]
    public void Mutated_corpus_files_never_throw()
    {
        var random = new Random(20260122);
        var seeds = Seeds();
        for (var i = 0; i < 4000; i++)
        {
            AssertParses(Mutate(random, seeds[random.Next(seeds.Count)]));
        }
    }

    [Fact]
    public void Every_prefix_of_every_corpus_file_parses_without_throwing()
    {
        foreach (var seed in Seeds())
        {
            for (var n = 0; n <= seed.Length; n++)
            {
                AssertParses(seed[..n]);
            }
        }
    }

    [Fact]
    public void Random_texts_never_throw()
    {
        var random = new Random(42);
        for (var i = 0; i < 3000; i++)
        {
            AssertParses(RandomText(random));
        }
    }

    [Fact]
    public void Pathological_inputs_finish_and_are_bounded()
    {
        AssertParses(new string('(', 100_000));
        AssertParses("start on " + new string('(', 100_000));
        AssertParses("start on a " + string.Concat(Enumerable.Repeat("K=V ", 50_000)));
        AssertParses(string.Concat(Enumerable.Repeat("cgroup c n k v\n", 20_000)));
        AssertParses("script\n" + string.Concat(Enumerable.Repeat("  x\n", 50_000)));
        AssertParses(new string('\\', 100_001));
        AssertParses(new string('"', 100_001));
        var tooBig = JobFileParser.Parse("big", "big.conf", new string('#', JobFileReader.MaxLength + 1));
        Assert.Equal(JobFileReader.TooLargeKind, Assert.Single(tooBig.Diagnostics).Kind);
    }
}
