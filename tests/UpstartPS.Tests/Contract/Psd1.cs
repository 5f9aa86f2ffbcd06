using System.Text.RegularExpressions;

namespace UpstartPS.Tests.Contract;

/// <summary>Reads the simple shapes a module manifest uses (Key = 'value', Key = @('a', 'b')) without PowerShell.</summary>
internal sealed partial class Psd1(string text)
{
    public static Psd1 Load(string path) => new(File.ReadAllText(path));

    public string? Scalar(string key)
    {
        var match = Regex.Match(text, $@"^\s*{key}\s*=\s*'(?<v>[^']*)'", RegexOptions.Multiline);
        return match.Success ? match.Groups["v"].Value : null;
    }

    /// <summary>The quoted strings of Key = @( … ), or null when the key is missing.</summary>
    public IReadOnlyList<string>? List(string key)
    {
        var match = Regex.Match(text, $@"^\s*{key}\s*=\s*@\((?<body>[^)]*)\)", RegexOptions.Multiline);
        return match.Success ? Quoted().Matches(match.Groups["body"].Value).Select(m => m.Groups["v"].Value).ToList() : null;
    }

    [GeneratedRegex("'(?<v>[^']*)'")]
    private static partial Regex Quoted();
}
