using Upstart.JobFiles.Model;
using UpstartHost.Engine;

namespace UpstartHost.Tests.Engine;

/// <summary>The environment of starting/started/stopping/stopped (UPSTART.md §c.3).</summary>
public sealed class JobEventsTests
{
    private static readonly JobClassConfig Exporting = new() { Name = "web", Export = ["PORT", "JOB", "RESULT", "MISSING"] };

    private static readonly Dictionary<string, string> JobEnv = new() { ["PORT"] = "80", ["JOB"] = "fake", ["RESULT"] = "fake" };

    [Fact]
    public void Starting_carries_job_instance_and_exports_without_overriding()
    {
        var env = JobEvents.Environment(JobEvents.Starting, Exporting, "a", JobEnv, null);

        Assert.Equal(["JOB=web", "INSTANCE=a", "PORT=80", "RESULT=fake"], env);
    }

    [Fact]
    public void Stopping_after_a_signal_names_the_signal()
    {
        var env = JobEvents.Environment(JobEvents.Stopping, Exporting, "", JobEnv, new JobFailure(ProcessKind.Main, 11 << 8));

        Assert.Equal(["JOB=web", "INSTANCE=", "RESULT=failed", "PROCESS=main", "EXIT_SIGNAL=SEGV", "PORT=80"], env);
    }

    [Theory]
    [InlineData(47 << 8, "EXIT_SIGNAL=47")]
    [InlineData(6 << 8, "EXIT_SIGNAL=ABRT")]
    [InlineData(17 << 8, "EXIT_SIGNAL=CHLD")]
    [InlineData(255, "EXIT_STATUS=255")]
    public void Exit_details_use_short_signal_names_or_numbers(int status, string expected)
    {
        var env = JobEvents.Environment(JobEvents.Stopped, new JobClassConfig { Name = "x" }, "", JobEnv, new JobFailure(ProcessKind.Main, status));

        Assert.Equal(expected, env[^1]);
    }

    [Fact]
    public void Spawn_failures_and_the_respawn_limit_carry_no_exit_details()
    {
        var config = new JobClassConfig { Name = "x" };

        Assert.Equal("PROCESS=pre-start", JobEvents.Environment(JobEvents.Stopped, config, "", JobEnv, new JobFailure(ProcessKind.PreStart, null))[^1]);
        Assert.Equal("PROCESS=respawn", JobEvents.Environment(JobEvents.Stopped, config, "", JobEnv, new JobFailure(null, null))[^1]);
    }

    [Theory]
    [InlineData("TERM", 15)]
    [InlineData("SIGTERM", 15)]
    [InlineData("IOT", 6)]
    [InlineData("47", 47)]
    public void Signal_names_parse_as_init5_accepts_them(string text, int expected)
    {
        Assert.True(SignalNames.TryParse(text, out var signal));
        Assert.Equal(expected, signal);
    }

    [Fact]
    public void Lower_case_signal_names_are_not_signals()
    {
        Assert.False(SignalNames.TryParse("term", out _));
    }
}
