using Upstart.JobFiles.Model;
using Upstart.JobFiles.Parsing;

namespace Upstart.JobFiles.Tests.Parsing;

/// <summary>UPSTART.md §0 "Tokenising", through single stanzas.</summary>
public sealed class ConfigTokenizerTests
{
    private static JobClassConfig Ok(string text)
    {
        var result = JobFileParser.Parse("j", "/etc/init/j.conf", text);
        Assert.True(result.Config is not null, string.Join("; ", result.Diagnostics));
        return result.Config;
    }

    private static Diagnostics.Diagnostic Error(string text)
    {
        var result = JobFileParser.Parse("j", "/etc/init/j.conf", text);
        Assert.Null(result.Config);
        return Assert.Single(result.Diagnostics);
    }

    [Theory]
    [InlineData("description \"a b\"", "a b")]
    [InlineData("description a\" \"b", "a b")]
    [InlineData("description a\\ b", "a b")]
    [InlineData("description 'it''s'", "its")]
    [InlineData("description a\\\\b", "a\\b")]
    [InlineData("description a\\*b", "a\\*b")]
    [InlineData("description \"a\n   b\"", "a b")]
    [InlineData("description \\\n  x", "x")]
    [InlineData("description x # comment", "x")]
    [InlineData("description \"x # not a comment\"", "x # not a comment")]
    [InlineData("\t description\tx\r", "x")]
    public void Arguments_are_dequoted_and_unescaped_like_libnih(string text, string expected) =>
        Assert.Equal(expected, Ok(text).Description);

    [Fact]
    public void A_newline_inside_quotes_counts_as_a_line()
    {
        var d = Error("description \"a\nb\"\nbogus\n");
        Assert.Equal((3, "unknown-stanza"), (d.Line, d.Kind));
    }

    [Fact]
    public void An_empty_quoted_token_is_a_missing_token()
    {
        Assert.Equal("expected-token", Error("author \"\"").Kind);
    }

    [Fact]
    public void Keywords_keep_their_quotes_and_case()
    {
        Assert.Equal("unknown-stanza", Error("\"exec\" /bin/true").Kind);
        Assert.Equal("unknown-stanza", Error("EXEC /bin/true").Kind);
    }

    [Theory]
    [InlineData("exec /bin/echo \"a # b\" c", "/bin/echo \"a # b\" c")]
    [InlineData("exec /bin/foo # comment", "/bin/foo")]
    [InlineData("exec /bin/foo   \t\r", "/bin/foo")]
    [InlineData("exec /bin/foo \\\n   --bar", "/bin/foo --bar")]
    [InlineData("exec a 'b c'", "a 'b c'")]
    [InlineData("exec a\\ b", "a\\ b")]
    public void Commands_take_the_rest_of_the_line_verbatim(string text, string command) =>
        Assert.Equal(command, Ok(text).GetProcess(ProcessKind.Main)!.Command);

    [Fact]
    public void A_backslash_escape_after_blanks_in_a_command_shifts_the_blanks_as_libnih_does()
    {
        // nih_config_token copies the blanks from one character too late when a backslash escapes an
        // ordinary character: the space is lost and the backslash doubled. Real Upstart behaves so.
        Assert.Equal("echo\\\\*", Ok("exec echo \\*").GetProcess(ProcessKind.Main)!.Command);
    }

    [Theory]
    [InlineData("script\n  a\n  b\nend script\n", "a\nb\n")]
    [InlineData("script\n    a\n  b\n    c\nend script\n", "  a\nb\n  c\n")]
    [InlineData("script\n  a\n\n  b\nend script\n", "  a\n\n  b\n")]
    [InlineData("script\n\ta\n\tb\n  end   script  # done\n", "a\nb\n")]
    [InlineData("script\n  endscript\nend script", "endscript\n")]
    [InlineData("script\nend script\n", "")]
    public void Script_blocks_lose_only_their_common_indentation(string text, string script) =>
        Assert.Equal(script, Ok(text).GetProcess(ProcessKind.Main)!.Command);

    [Fact]
    public void Script_block_indentation_must_match_character_for_character()
    {
        // Tabs and spaces are compared with the first line, not expanded.
        Assert.Equal(" a\n\tb\n", Ok("script\n a\n\tb\nend script\n").GetProcess(ProcessKind.Main)!.Command);
    }

    [Theory]
    [InlineData("script\n  echo\n", 3, "unterminated-block")]
    [InlineData("script\n  echo\nend scripts\n", 4, "unterminated-block")]
    [InlineData("script foo\nend script\n", 1, "unexpected-token")]
    [InlineData("description \"abc\n", 2, "unterminated-quote")]
    [InlineData("exec foo \\", 1, "trailing-slash")]
    public void Tokenizer_errors_carry_upstarts_line(string text, int line, string kind)
    {
        var d = Error(text);
        Assert.Equal((line, kind), (d.Line, d.Kind));
    }

    [Fact]
    public void Diagnostics_carry_path_line_column_kind_and_message()
    {
        var d = Error("description x\n  frobnicate now\n");
        Assert.Equal("/etc/init/j.conf:2:3: unknown-stanza: Unknown stanza", d.ToString());
        Assert.Equal(16, d.Offset);
    }

    [Fact]
    public void A_nul_character_is_a_blank_and_ends_a_string_as_in_c()
    {
        // libnih's strchr(WS, c) also finds the terminator, so NUL separates tokens like a blank, and a
        // quoted NUL cuts the C string short.
        Assert.Equal("x", Ok("description x\0\n").Description);
        Assert.Equal("unexpected-token", Error("description x\0y\n").Kind);
        Assert.Equal("a", Ok("description \"a\0b\"\n").Description);
    }

    [Fact]
    public void Extra_arguments_are_unexpected_tokens()
    {
        Assert.Equal("unexpected-token", Error("description a b").Kind);
    }

    [Fact]
    public void Files_parsed_one_after_another_on_a_thread_never_see_each_others_tokens()
    {
        // The token buffer is reused per thread: after a huge token, an error, and an override, each
        // parse still reads only its own text.
        Assert.Equal(new string('x', 10_000), Ok("description " + new string('x', 10_000) + "\n").Description);
        Assert.Equal("short", Ok("description short\n").Description);
        Assert.Equal("unknown-stanza", Error("description \"a very long description\"\nfrob\n").Kind);
        Assert.Equal("b", Ok("description b\n").Description);
        var conf = Ok("description conf\nauthor someone\n");
        var applied = JobFileParser.ApplyOverride(conf, "/etc/init/j.override", "author \"o\"\n").Config!;
        Assert.Equal(("conf", "o"), (applied.Description, applied.Author));
    }
}
