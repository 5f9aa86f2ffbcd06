using System.Collections.Immutable;
using Upstart.JobFiles.Model;
using UpstartHost.Engine;

namespace UpstartHost.Tests.Engine;

/// <summary>
/// The tables list-env, get-env, set-env, unset-env and reset-env act on (UPSTART.md §d, Upstart 1.13's
/// control.c and job_class.c): the global table every instance starts from, and each live instance's own.
/// </summary>
public sealed class EnvironmentTableTests
{
    private static readonly EngineOptions Options = new() { BaseEnvironment = ["PATH=/bin", "TERM=linux"] };

    [Fact]
    public void The_global_table_starts_as_the_daemons_defaults()
    {
        var h = new EngineHarness(Options);

        Assert.Equal(["PATH=/bin", "TERM=linux"], h.Core.ReadEnvironment(null, null));
        Assert.Null(h.Core.RecordedGlobalEnvironment);
    }

    [Fact]
    public void A_global_set_reaches_every_instance_started_after_it_in_the_table_s_place()
    {
        var h = new EngineHarness(Options).With(EngineHarness.Service() with { Env = ["COLOUR=blue"] });

        h.Core.SetEnvironment(null, null, ["HTTP_PROXY=http://proxy:3128", "EMPTY", "TERM=xterm"], retain: false);
        _ = h.Start(wait: false);

        Assert.Equal(["PATH=/bin", "TERM=xterm", "HTTP_PROXY=http://proxy:3128", "EMPTY="], h.Core.ReadEnvironment(null, null));
        var spawned = h.Processes.LastSpawn(ProcessKind.Main).Environment;
        Assert.Contains("HTTP_PROXY=http://proxy:3128", spawned);
        Assert.Contains("EMPTY=", spawned);
        Assert.Contains("TERM=xterm", spawned);
        Assert.Contains("COLOUR=blue", spawned);
    }

    [Fact]
    public void Retain_keeps_a_value_already_set_and_adds_the_others()
    {
        var h = new EngineHarness(Options);

        h.Core.SetEnvironment(null, null, ["TERM=xterm", "NEW=1"], retain: true);

        Assert.Equal(["PATH=/bin", "TERM=linux", "NEW=1"], h.Core.ReadEnvironment(null, null));
    }

    [Fact]
    public void A_global_set_or_unset_changes_live_instances_too_and_a_reset_does_not()
    {
        var h = new EngineHarness(Options).With(EngineHarness.Service());
        _ = h.Start(wait: false);

        h.Core.SetEnvironment(null, null, ["DISPLAY=:0"], retain: false);
        Assert.Contains("DISPLAY=:0", h.Core.ReadEnvironment("test", null));

        h.Core.UnsetEnvironment(null, null, ["TERM"]);
        Assert.DoesNotContain(h.Core.ReadEnvironment("test", null), e => e.StartsWith("TERM=", StringComparison.Ordinal));
        Assert.Equal(["PATH=/bin", "DISPLAY=:0"], h.Core.ReadEnvironment(null, null));

        h.Core.ResetEnvironment(null, null);
        Assert.Equal(["PATH=/bin", "TERM=linux"], h.Core.ReadEnvironment(null, null));
        Assert.Contains("DISPLAY=:0", h.Core.ReadEnvironment("test", null));
    }

    [Fact]
    public void A_variable_set_in_an_instance_during_pre_start_reaches_its_main_process_and_no_other_instance()
    {
        var h = new EngineHarness(Options).With(EngineHarness.Service("test", ProcessKind.PreStart));
        h.Core.ApplyConfig(EngineHarness.Service("other"));
        _ = h.Start("other", wait: false);
        _ = h.Start(wait: false);

        h.Core.SetEnvironment("test", null, ["TOKEN=abc"], retain: false);
        h.Exit(ProcessKind.PreStart, 0);

        Assert.Equal("start/running", h.Status());
        Assert.Contains("TOKEN=abc", h.Processes.LastSpawn(ProcessKind.Main).Environment);
        Assert.DoesNotContain("TOKEN=abc", h.Core.ReadEnvironment("other", null));
        Assert.DoesNotContain("TOKEN=abc", h.Core.ReadEnvironment(null, null));
    }

    [Fact]
    public void An_instance_variable_survives_a_respawn_but_not_a_fresh_start()
    {
        var h = new EngineHarness(Options).With(EngineHarness.Service() with { Respawn = true });
        _ = h.Start(wait: false);
        h.Core.SetEnvironment("test", null, ["KEPT=yes"], retain: false);

        h.Exit(ProcessKind.Main, 1);

        Assert.Equal("start/running", h.Status());
        Assert.Contains("KEPT=yes", h.Processes.LastSpawn(ProcessKind.Main).Environment);

        h.StopAndReap();
        _ = h.Start(wait: false);
        Assert.DoesNotContain("KEPT=yes", h.Processes.LastSpawn(ProcessKind.Main).Environment);
    }

    [Fact]
    public void An_instance_reset_goes_back_to_the_job_s_environment_without_its_start_variables()
    {
        var h = new EngineHarness(Options).With(EngineHarness.Service() with { Env = ["COLOUR=blue"] });
        _ = h.Start(wait: false, env: "PORT=80");
        h.Core.SetEnvironment("test", null, ["EXTRA=1", "COLOUR=red"], retain: false);

        h.Core.ResetEnvironment("test", null);

        Assert.Equal(["PATH=/bin", "TERM=linux", "COLOUR=blue"], h.Core.ReadEnvironment("test", null));
    }

    [Fact]
    public void Unsetting_a_variable_that_is_not_set_changes_nothing_and_is_no_error()
    {
        var h = new EngineHarness(Options);

        h.Core.UnsetEnvironment(null, null, ["NOT_THERE"]);

        Assert.Equal(["PATH=/bin", "TERM=linux"], h.Core.ReadEnvironment(null, null));
    }

    [Fact]
    public void An_unknown_job_or_an_instance_that_is_not_live_is_refused_with_initctl_s_words()
    {
        var h = new EngineHarness(Options).With(EngineHarness.Service() with { Instance = "$N" });
        _ = h.Start(wait: false, env: "N=1");

        var job = Assert.Throws<EngineException>(() => h.Core.SetEnvironment("nope", null, ["A=1"], retain: false));
        Assert.Equal(EngineError.UnknownJob, job.Error);
        Assert.Equal("Unknown job: nope", job.Message);
        var instance = Assert.Throws<EngineException>(() => h.Core.ReadEnvironment("test", "2"));
        Assert.Equal(EngineError.UnknownInstance, instance.Error);
        Assert.Equal("Unknown instance: 2", instance.Message);
        Assert.Contains("N=1", h.Core.ReadEnvironment("test", "1"));
    }

    [Fact]
    public void Every_change_moves_the_state_version_and_gives_the_instance_a_new_list()
    {
        var h = new EngineHarness(Options).With(EngineHarness.Service());
        _ = h.Start(wait: false);
        var before = h.Instance().Environment;
        var version = h.Core.StateVersion;

        h.Core.SetEnvironment("test", null, ["A=1"], retain: false);
        Assert.NotSame(before, h.Instance().Environment);
        Assert.True(h.Core.StateVersion > version);

        version = h.Core.StateVersion;
        h.Core.SetEnvironment(null, null, ["B=2"], retain: false);
        Assert.True(h.Core.StateVersion > version);
        Assert.Equal(["PATH=/bin", "TERM=linux", "B=2"], h.Core.RecordedGlobalEnvironment);
    }

    [Fact]
    public void A_restored_table_is_the_one_new_instances_start_from_and_the_one_recorded_again()
    {
        var h = new EngineHarness(Options).With(EngineHarness.Service());

        h.Core.RestoreGlobalEnvironment(["PATH=/usr/bin", "FROM=before"]);
        _ = h.Start(wait: false);

        Assert.Contains("FROM=before", h.Processes.LastSpawn(ProcessKind.Main).Environment);
        Assert.Equal(["PATH=/usr/bin", "FROM=before"], h.Core.RecordedGlobalEnvironment);
    }

    [Fact]
    public void Set_env_may_not_grow_a_table_past_what_a_process_can_be_given_and_a_change_that_shrinks_it_passes()
    {
        var h = new EngineHarness(Options).With(EngineHarness.Service());
        _ = h.Start(wait: false);
        var value = new string('x', 100_000);
        for (var i = 0; i < 10; i++)
        {
            h.Core.SetEnvironment(null, null, [$"BIG{i}={value}"], retain: false);
        }

        var before = h.Core.ReadEnvironment(null, null);
        var refused = Assert.Throws<EngineException>(() => h.Core.SetEnvironment(null, null, [$"BIG10={value}"], retain: false));
        var instance = Assert.Throws<EngineException>(() => h.Core.SetEnvironment("test", null, [$"BIG10={value}"], retain: false));

        Assert.Equal((EngineError.EnvironmentTooLarge, EngineError.EnvironmentTooLarge), (refused.Error, instance.Error));
        Assert.StartsWith("The job environment would be 1100", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, h.Core.ReadEnvironment(null, null));
        h.Core.SetEnvironment(null, null, ["BIG0=small"], retain: false);
        Assert.Contains("BIG0=small", h.Core.ReadEnvironment(null, null));
    }
}
