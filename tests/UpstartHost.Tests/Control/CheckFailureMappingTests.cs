using UpstartHost.Control;
using UpstartHost.Engine;

namespace UpstartHost.Tests.Control;

public sealed class CheckFailureMappingTests
{
    [Fact]
    public void An_exit_status_is_a_number_and_no_signal()
    {
        var info = CheckFailureMapping.ToInfo(new CheckFailure("web", "a", CheckFailure.Failed, 3, false, ["bad"]));

        Assert.Equal(("web", "a", "failed", (int?)3, (string?)null), (info.Job, info.Instance, info.Result, info.ExitStatus, info.ExitSignal));
        Assert.Equal(["bad"], info.Output);
    }

    [Fact]
    public void A_signal_is_its_short_name_and_no_status()
    {
        var info = CheckFailureMapping.ToInfo(new CheckFailure("web", "", CheckFailure.Timeout, SignalNames.Kill << 8, true, []));

        Assert.Equal(((int?)null, "KILL"), (info.ExitStatus, info.ExitSignal));
    }

    [Fact]
    public void A_check_that_never_ran_has_neither()
    {
        var info = CheckFailureMapping.ToInfo(new CheckFailure("web", "", CheckFailure.Unrunnable, null, false, []));

        Assert.Equal(("unrunnable", (int?)null, (string?)null), (info.Result, info.ExitStatus, info.ExitSignal));
    }
}
