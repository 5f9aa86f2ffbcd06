using System.Text;
using Upstart.JobFiles.Parsing;

namespace Upstart.JobFiles.Tests.Fuzz;

/// <summary>
/// Makes hostile job files from good ones: byte-level damage (cuts, flips, duplication), grammar-aware damage
/// (stanza keywords, quotes, backslashes, unbalanced script blocks) and deep nesting (parentheses in `start on`,
/// `${a:-${b:-…}}` expansions, long chains of operators). Seeded, so a failure names a case that can be replayed.
/// </summary>
internal sealed class JobFileMutator(int seed)
{
    private static readonly string[] Fragments =
    [
        "\"", "'", "\\", "\\\n", "\n", "\r\n", "\0", "\t", "#", "(", ")", " and ", " or ", "=", "$", "${", "}", ":-", "*", "?", "[",
        "script\n", "end script\n", "pre-start script\n", "exec ", "env A=", "export A", "start on ", "stop on ", "instance $X",
        "expect fork", "respawn limit 10 5", "limit nofile 1 2", "normal exit 0 TERM", "\u00e9", "\uFFFD", "\U0001F600",
    ];

    private static readonly string[] Keywords = [.. JobFileParser.StanzaKeywords];

    private readonly Random _random = new(seed);

    public string Mutate(string text)
    {
        var rounds = 1 + _random.Next(4);
        for (var i = 0; i < rounds; i++)
        {
            text = _random.Next(10) switch
            {
                0 => Cut(text),
                1 => Duplicate(text),
                2 => Insert(text, Fragments[_random.Next(Fragments.Length)]),
                3 => Insert(text, "\n" + Keywords[_random.Next(Keywords.Length)] + " " + Fragments[_random.Next(Fragments.Length)]),
                4 => FlipByte(text),
                5 => Insert(text, Nesting()),
                6 => text.Length > 0 ? text[.._random.Next(text.Length)] : text,
                7 => Insert(text, new string(Fragments[_random.Next(Fragments.Length)][0], _random.Next(1, 5000))),
                8 => Swap(text),
                _ => Insert(text, RandomText()),
            };
        }

        return text;
    }

    /// <summary>Deep structure the grammar must refuse or bound, never recurse into without limit.</summary>
    public string Nesting()
    {
        var depth = _random.Next(1, 20_000);
        return _random.Next(5) switch
        {
            0 => "\nstart on " + new string('(', depth) + "a" + new string(')', depth) + "\n",
            1 => "\nstart on " + string.Concat(Enumerable.Repeat("a and (", Math.Min(depth, 3000))) + "b" + new string(')', Math.Min(depth, 3000)) + "\n",
            2 => "\nexec echo " + string.Concat(Enumerable.Repeat("${a:-", Math.Min(depth, 5000))) + "x" + new string('}', Math.Min(depth, 5000)) + "\n",
            3 => "\nstart on " + string.Join(" or ", Enumerable.Range(0, Math.Min(depth, 5000)).Select(i => "e" + i)) + "\n",
            _ => "\n" + string.Concat(Enumerable.Repeat("script\n", Math.Min(depth, 2000))) + "end script\n",
        };
    }

    private string Cut(string text)
    {
        if (text.Length == 0)
        {
            return text;
        }

        var start = _random.Next(text.Length);
        var length = _random.Next(Math.Min(64, text.Length - start) + 1);
        return text.Remove(start, length);
    }

    private string Duplicate(string text)
    {
        if (text.Length == 0)
        {
            return text;
        }

        var start = _random.Next(text.Length);
        var length = _random.Next(Math.Min(256, text.Length - start) + 1);
        return text.Insert(start, text.Substring(start, length));
    }

    private string Insert(string text, string fragment) => text.Insert(_random.Next(text.Length + 1), fragment);

    private string FlipByte(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length == 0)
        {
            return text;
        }

        bytes[_random.Next(bytes.Length)] ^= (byte)(1 << _random.Next(8));
        return Encoding.UTF8.GetString(bytes);
    }

    private string Swap(string text)
    {
        var lines = text.Split('\n');
        if (lines.Length < 2)
        {
            return text;
        }

        var a = _random.Next(lines.Length);
        var b = _random.Next(lines.Length);
        (lines[a], lines[b]) = (lines[b], lines[a]);
        return string.Join('\n', lines);
    }

    private string RandomText()
    {
        var chars = new char[_random.Next(1, 200)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)_random.Next(1, 128);
        }

        return new string(chars);
    }
}
