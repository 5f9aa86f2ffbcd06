using System.Collections.Immutable;
using Upstart.JobFiles.Diagnostics;
using Upstart.JobFiles.Model;
using Upstart.JobFiles.Parsing.Stanzas;

namespace Upstart.JobFiles.Parsing;

/// <summary>
/// nih_config_parse_file with Upstart's stanza table: skips blank lines and comments, hands each stanza
/// to its handler, and stops at the first error (UPSTART.md §0).
/// </summary>
internal static class JobFileReader
{
    /// <summary>Beyond Upstart: files larger than this are refused before parsing (1 MiB).</summary>
    public const int MaxLength = 1 << 20;

    public const string TooLargeKind = "file-too-large";
    public const string TooLargeMessage = "File too large";

    private static readonly Accumulated<ImmutableArray<string>.Builder> ConfSettings =
        AccumulatedList.Of<string>(nameof(JobClassConfig.ConfSettings));

    private static readonly Accumulated<ImmutableArray<string>.Builder> OverrideSettings =
        AccumulatedList.Of<string>(nameof(JobClassConfig.OverrideSettings));

    private static readonly Accumulated<ImmutableArray<StanzaLocation>.Builder> BeyondUpstart =
        AccumulatedList.Of<StanzaLocation>(nameof(JobClassConfig.BeyondUpstart));

    /// <summary>Applies every stanza of <paramref name="text"/> to <paramref name="job"/>; null or the first error.</summary>
    public static Diagnostic? Read(string path, string text, JobParseState job)
    {
        if (text.Length > MaxLength)
        {
            return new Diagnostic(path, 1, 1, TooLargeKind, TooLargeMessage);
        }

        var t = new ConfigTokenizer(text);
        try
        {
            var c = new Cursor(0, 1);
            while (c.Pos < text.Length)
            {
                while (c.Pos < text.Length && ConfigTokenizer.IsBlank(text[c.Pos]))
                {
                    c.Pos++;
                }

                if (!t.HasToken(c))
                {
                    t.NextLine(ref c);
                    continue;
                }

                if (!ReadStanza(t, path, job, ref c))
                {
                    return ToDiagnostic(path, text, c, t.ErrorKind!, t.ErrorMessage!);
                }
            }

            return null;
        }
        finally
        {
            t.Release();
        }
    }

    /// <summary>
    /// nih_config_parse_stanza: the keyword (quotes kept), then its handler. Once the stanza is handled,
    /// notes the setting it made as the conf's or the override's (provenance), and where it stands when
    /// Upstart 1.13 would not know it (`check --upstart-compatible`) — from this read, never a second one.
    /// </summary>
    private static bool ReadStanza(ConfigTokenizer t, string path, JobParseState job, ref Cursor at)
    {
        var keywordAt = at;
        var a = at;
        if (!t.NextToken(ref a, Delimiters.Blank, dequote: false))
        {
            at = a;
            return false;
        }

        var handler = StanzaTable.Find(t.Token, out var keyword);
        if (handler is null)
        {
            // nih_config_parse_stanza leaves the position at the name but has counted the lines it
            // passed reading it (a backslash-newline inside or after the name), so that is the line.
            at.Line = a.Line;
            return t.Raise(ParseErrors.UnknownStanza);
        }

        // Named before the handler runs: the name may need the argument the handler will read past.
        var setting = SettingName(t, keyword, a);
        var ok = handler(t, job, ref a);
        at = a;
        if (!ok || setting is null)
        {
            return ok;
        }

        var settings = job.Open(job.IsOverride ? OverrideSettings : ConfSettings);
        if (!settings.Contains(setting))
        {
            settings.Add(setting);
        }

        if (StanzaTable.IsBeyondUpstart(setting))
        {
            job.Open(BeyondUpstart).Add(new StanzaLocation(setting, path, keywordAt.Line, ColumnOf(t.Text, keywordAt.Pos)));
        }

        return ok;
    }

    /// <summary>The stanza just read, named by its keyword and, for two-word settings, its first argument.</summary>
    private static string? SettingName(ConfigTokenizer t, string keyword, Cursor afterKeyword)
    {
        var next = afterKeyword;
        if (!t.HasToken(next) || !t.ScanToken(ref next, Delimiters.Blank, dequote: false, out _))
        {
            t.ClearError();
            return StanzaTable.SettingName(keyword, "");
        }

        return StanzaTable.SettingName(keyword, t.Token);
    }

    /// <summary>The 1-based column of <paramref name="pos"/> on its line.</summary>
    private static int ColumnOf(string text, int pos) => pos - (pos == 0 ? 0 : text.LastIndexOf('\n', pos - 1) + 1) + 1;

    /// <summary>
    /// Upstart reports LINE; the column is where its cursor stood on that line. When Upstart has counted
    /// lines past its cursor (a stanza name continued with a backslash-newline), the reported line is
    /// where the name goes on, so the column is its start.
    /// </summary>
    internal static Diagnostic ToDiagnostic(string path, string text, Cursor at, string kind, string message)
    {
        var pos = Math.Clamp(at.Pos, 0, text.Length);
        var lineStart = pos == 0 ? 0 : text.LastIndexOf('\n', pos - 1) + 1;
        var column = at.Line > 1 + text.AsSpan(0, pos).Count('\n') ? 1 : pos - lineStart + 1;
        return new Diagnostic(path, at.Line, column, kind, message)
        {
            Offset = System.Text.Encoding.UTF8.GetByteCount(text.AsSpan(0, pos)),
        };
    }
}
