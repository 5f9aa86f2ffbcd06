using Upstart.JobFiles.Parsing;
using UpstartHost.Control;

namespace UpstartHost.Tests.Control;

/// <summary>
/// show-config's operands, handed to clients as lists: each event with its arguments exactly as the job file gave
/// them, left to right, whatever the arguments hold (blanks, brackets, quotes, the words and/or).
/// </summary>
public sealed class ConditionOperandsTests
{
    [Fact]
    public void Each_operand_comes_left_to_right_with_its_arguments_as_the_job_file_gave_them()
    {
        var parsed = JobFileParser.Parse(
            "web",
            "/etc/init/web.conf",
            "start on started db and (custom 'or' MSG=\"(a and b)\" or net-device-up IFACE=\"eth 0\")\nstop on runlevel [!2345]\nexec /bin/web\n");
        Assert.True(parsed.Config is not null, string.Join("; ", parsed.Diagnostics.Select(d => d.ToString())));

        var info = JobInfoMapping.ToConfigInfo(parsed.Config);

        Assert.Equal(
            [["started", "db"], ["custom", "or", "MSG=(a and b)"], ["net-device-up", "IFACE=eth 0"]],
            info.StartOnOperands!.Select(o => o.ToArray()).ToArray());
        Assert.Equal([["runlevel", "[!2345]"]], info.StopOnOperands!.Select(o => o.ToArray()).ToArray());
    }

    [Fact]
    public void A_job_without_a_condition_has_no_operands()
    {
        var info = JobInfoMapping.ToConfigInfo(JobFileParser.Parse("t", "/etc/init/t.conf", "exec /bin/t\n").Config!);

        Assert.Null(info.StartOnOperands);
        Assert.Null(info.StopOnOperands);
    }
}
