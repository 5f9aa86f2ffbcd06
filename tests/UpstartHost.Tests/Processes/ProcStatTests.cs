using System.Globalization;
using System.Text;
using UpstartHost.Processes;

namespace UpstartHost.Tests.Processes;

public class ProcStatTests
{
    // proc(5)'s 52 fields of a process whose name has spaces and parentheses; env_end (51) is set per test.
    private static byte[] Line(string state, string envEnd) => Encoding.UTF8.GetBytes(
        "4242 (we(ird) name)) " + state + " 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 "
        + "8192000 200 18446744073709551615 1 2 3 4 5 6 7 8 9 10 0 0 17 1 0 0 0 0 0 11 12 13 14 15 16 " + envEnd + " 0\n");

    [Fact]
    public void The_fields_after_the_last_parenthesis_are_read()
    {
        var stat = ProcStat.Parse(4242, Line("S", "4096"));

        Assert.Equal(new ProcStat(4242, 'S', 1, 4242, 4242, 987654), stat);
    }

    [Theory]
    [InlineData("")]
    [InlineData("4242 (no closing parenthesis S 1 2 3")]
    [InlineData("4242 (short) S 1 2")]
    [InlineData("4242 (bad) S x 2 3 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654")]
    public void A_line_that_is_not_a_stat_line_gives_nothing(string text)
    {
        Assert.Null(ProcStat.Parse(4242, text));
    }

    [Theory]
    [InlineData("S", "4096", true)]
    [InlineData("R", "0", false)]
    [InlineData("Z", "4096", null)]
    public void The_image_is_complete_once_its_environment_is_set_up(string state, string envEnd, bool? expected)
    {
        Assert.Equal(expected, ProcStat.ImageComplete(Line(state, envEnd)));
    }

    [Fact]
    public void A_line_cut_before_env_end_says_nothing_about_the_image()
    {
        var line = Line("S", "4096");

        Assert.Null(ProcStat.ImageComplete(line.AsSpan(0, line.Length - 12)));
    }

    [Fact]
    public void This_process_reads_as_itself()
    {
        var stat = ProcStat.Read(Environment.ProcessId);

        Assert.NotNull(stat);
        Assert.Equal(Environment.ProcessId, stat.Value.Pid);
        Assert.True(char.IsAsciiLetterUpper(stat.Value.State) && !stat.Value.IsZombie);
        Assert.Equal(StatusField("PPid"), stat.Value.ParentPid);
        Assert.True(stat.Value.StartTime > 0);
        Assert.True(ProcStat.ImageComplete(Environment.ProcessId));
    }

    [Fact]
    public void A_pid_that_does_not_exist_reads_as_nothing()
    {
        var unused = int.Parse(File.ReadAllText("/proc/sys/kernel/pid_max").Trim(), CultureInfo.InvariantCulture) + 1;

        Assert.Null(ProcStat.Read(unused));
        Assert.Null(ProcStat.ImageComplete(unused));
    }

    private static int StatusField(string name) => int.Parse(
        File.ReadLines("/proc/self/status").First(l => l.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..].Trim(),
        CultureInfo.InvariantCulture);
}
