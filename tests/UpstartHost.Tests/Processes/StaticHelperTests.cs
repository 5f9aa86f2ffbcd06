using UpstartHost.Processes;

namespace UpstartHost.Tests.Processes;

/// <summary>
/// The static build of the exec helper runs every process whose job names no user or group; the dynamic
/// one, which can look names up through NSS, runs the others.
/// </summary>
public sealed class StaticHelperTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("upstartps-helpers-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void The_build_installs_the_static_helper_beside_the_helper()
    {
        using var layer = new ProcessLayer(new NoticeRecorder());

        Assert.Equal(ProcessLayer.DefaultHelperPath + "-static", layer.StaticHelperPath);
        Assert.True(File.Exists(layer.StaticHelperPath));
    }

    [Fact]
    public async Task A_process_without_a_user_or_group_runs_the_static_helper_and_one_with_a_group_the_dynamic_one()
    {
        // Stand-ins that note which was run, then exec the real helper with the same arguments.
        var used = Path.Combine(directory, "used");
        var helper = Stand_in("upstart-exec", "dynamic", ProcessLayer.DefaultHelperPath, used);
        Stand_in("upstart-exec-static", "static", ProcessLayer.DefaultHelperPath + "-static", used);
        var notices = new NoticeRecorder();
        using var layer = new ProcessLayer(notices, helperPath: helper);

        await RunToExit(layer, notices, SpawnRequests.Exec("/bin/true"));
        Assert.Equal(["static"], File.ReadAllLines(used));

        await RunToExit(layer, notices, SpawnRequests.Exec("/bin/true", c => c with { Setgid = "root" }));
        Assert.Equal(["static", "dynamic"], File.ReadAllLines(used));
    }

    [Fact]
    public async Task Without_the_static_build_beside_it_every_process_runs_the_helper()
    {
        var used = Path.Combine(directory, "used");
        var helper = Stand_in("upstart-exec", "dynamic", ProcessLayer.DefaultHelperPath, used);
        var notices = new NoticeRecorder();
        using var layer = new ProcessLayer(notices, helperPath: helper);

        await RunToExit(layer, notices, SpawnRequests.Exec("/bin/true"));

        Assert.Null(layer.StaticHelperPath);
        Assert.Equal(["dynamic"], File.ReadAllLines(used));
    }

    [Fact]
    public async Task The_static_helper_refuses_to_look_up_a_user_and_says_so()
    {
        // Given the static build as the only helper, a setuid job reaches it: it must fail, not run as root.
        var notices = new NoticeRecorder();
        using var layer = new ProcessLayer(notices, helperPath: ProcessLayer.DefaultHelperPath + "-static");

        var outcome = await SpawnOutcome.Of(layer, notices, SpawnRequests.Exec("/bin/true", c => c with { Setuid = "root" }));

        Assert.Equal("exec helper refused its arguments (option 'u')", outcome.Error);
        await ProcessTree.AssertGone(outcome.Pid);
    }

    private string Stand_in(string name, string label, string real, string used)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, $"#!/bin/sh\necho {label} >> '{used}'\nexec '{real}' \"$@\"\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static async Task RunToExit(ProcessLayer layer, NoticeRecorder notices, SpawnRequest request)
    {
        var outcome = await SpawnOutcome.Of(layer, notices, request);
        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(0, (await notices.WaitFor<ProcessExited>(outcome.Pid)).Status);
    }
}
