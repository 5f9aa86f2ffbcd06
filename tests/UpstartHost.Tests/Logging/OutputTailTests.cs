using System.Text;
using UpstartHost.Logging;

namespace UpstartHost.Tests.Logging;

public sealed class OutputTailTests
{
    private static OutputTail With(string text)
    {
        var tail = new OutputTail();
        tail.Append(Encoding.UTF8.GetBytes(text));
        return tail;
    }

    [Fact]
    public void Lines_are_the_last_non_empty_ones_without_the_ptys_carriage_returns()
    {
        Assert.Equal(["a", "b c"], With("a\r\n\r\nb c\r\n").Lines());
    }

    [Fact]
    public void At_most_twenty_lines_are_given_the_newest_ones()
    {
        var text = string.Concat(Enumerable.Range(1, 30).Select(i => $"line {i}\n"));

        var lines = With(text).Lines();

        Assert.Equal(OutputTail.MaxLines, lines.Count);
        Assert.Equal("line 11", lines[0]);
        Assert.Equal("line 30", lines[^1]);
    }

    [Fact]
    public void A_long_line_is_cut_and_the_lines_stay_within_the_byte_bound()
    {
        var text = string.Concat(Enumerable.Range(1, 20).Select(_ => new string('é', 1000) + "\n"));

        var lines = With(text).Lines();

        Assert.All(lines, l => Assert.True(Encoding.UTF8.GetByteCount(l) <= OutputTail.MaxLineBytes));
        Assert.All(lines, l => Assert.EndsWith("...", l, StringComparison.Ordinal));
        Assert.True(lines.Sum(l => Encoding.UTF8.GetByteCount(l)) <= OutputTail.MaxTotalBytes);
        Assert.Equal(OutputTail.MaxTotalBytes / OutputTail.MaxLineBytes, lines.Count);
    }

    [Fact]
    public void Control_characters_are_replaced_so_a_check_cannot_drive_the_admins_terminal()
    {
        Assert.Equal(["?[31mred?[0m\tok"], With("\u001b[31mred\u001b[0m\tok\n").Lines());
    }

    [Fact]
    public void Only_the_newest_bytes_are_kept()
    {
        var tail = new OutputTail();
        tail.Append(Encoding.ASCII.GetBytes("old\n"));
        tail.Append(Encoding.ASCII.GetBytes(new string('x', OutputTail.MaxBufferBytes)));
        tail.Append(Encoding.ASCII.GetBytes("\nnew\n"));

        var lines = tail.Lines();

        Assert.Equal("new", lines[^1]);
        Assert.DoesNotContain("old", lines);
    }

    [Fact]
    public void The_end_callback_runs_once_at_the_end_or_at_once_if_it_has_ended()
    {
        var tail = new OutputTail();
        var calls = 0;
        tail.WhenEnded(() => calls++);
        Assert.Equal(0, calls);

        tail.Complete();
        tail.Complete();
        Assert.Equal(1, calls);

        tail.WhenEnded(() => calls++);
        Assert.Equal(2, calls);
        Assert.True(tail.IsEnded);
    }
}
