using Upstart.JobFiles.Events.Matching;

namespace Upstart.JobFiles.Loading;

/// <summary>
/// Job name patterns for status: <c>*</c> any run, <c>?</c> one character, <c>[abc]</c>, <c>[a-z]</c>,
/// <c>[!a-z]</c> one of (or none of) a set, like fnmatch(3) and PowerShell wildcards. A pattern with none of
/// these is an exact name, so a status for a missing job can say <c>Unknown job: NAME</c>. Matching is
/// the job-file library's <see cref="Fnmatch"/> (the one glob matcher), with a backslash kept literal
/// as job names have always matched here.
/// </summary>
public sealed class JobNamePattern
{
    private readonly string _pattern;
    private readonly string _fnmatchPattern;

    public JobNamePattern(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        _pattern = pattern;
        HasWildcards = IsWildcard(pattern);
        _fnmatchPattern = pattern.Replace("\\", "\\\\", StringComparison.Ordinal);
    }

    public bool HasWildcards { get; }

    /// <summary>Whether <paramref name="pattern"/> has a wildcard, without building a matcher (status of one name, on the hot path).</summary>
    public static bool IsWildcard(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return pattern.AsSpan().IndexOfAny("*?[") >= 0;
    }

    public bool IsMatch(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return HasWildcards ? Fnmatch.IsMatch(_fnmatchPattern, name) : string.Equals(_pattern, name, StringComparison.Ordinal);
    }

    public override string ToString() => _pattern;
}
