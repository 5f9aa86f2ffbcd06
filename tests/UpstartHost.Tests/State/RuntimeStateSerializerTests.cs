using Upstart.JobFiles.Model;
using UpstartHost.Engine;
using UpstartHost.Logging;
using UpstartHost.State;

namespace UpstartHost.Tests.State;

/// <summary>
/// The state writer's serialiser: the bytes <see cref="RuntimeStateFile.Serialize"/> writes (what every daemon
/// reads), with each record serialised once for as long as the engine hands the same one over.
/// </summary>
public sealed class RuntimeStateSerializerTests
{
    private static readonly DateTimeOffset Written = new(2026, 12, 5, 19, 0, 0, 123, TimeSpan.Zero);

    private static InstanceRecord Record(string job, string instance, int pid, params string[] env) => new(
        job, instance, JobGoal.Start, JobState.Running, [new ProcessRecord(ProcessKind.Main, pid, 0)],
        0, null, ["PATH=/bin", .. env], null);

    private static readonly InstanceRecord[] Awkward =
    [
        Record("web", "", Environment.ProcessId, "A=b c", "QUOTE=\"x\"", "UNICODE=ünïcödé 日本語", "CTRL=\u0001\t\n", "HTML=<script>&'+"),
        new("tty", "tty1", JobGoal.Stop, JobState.PostStop,
            [new ProcessRecord(ProcessKind.Main, 999_999_999, 0), new ProcessRecord(ProcessKind.PostStop, 999_999_998, 0)],
            3, 12, ["TTY=1"], ["UPSTART_STOP_EVENTS=runlevel"],
            new BackoffRecord(TimeSpan.FromMilliseconds(2500), true, Written.AddSeconds(-3), Written.AddSeconds(2)),
            "/sys/fs/cgroup/upstartps.1/j-tty/i-tty1", MainWasKilled: true, Fingerprint: "/etc/init/tty.conf\0AB\0-\0-"),
        Record("task", "", 999_999_997),
    ];

    [Fact]
    public void It_writes_the_bytes_the_file_format_s_serialiser_writes_log_channels_included()
    {
        var serializer = new RuntimeStateSerializer();
        LogChannel[] channels = [new(12, "/var/log/upstart/web.log", "log.ab-1.web."), new(13, "/var/log/upstart/\"odd\".log")];

        Assert.Equal(
            RuntimeStateFile.Serialize(Awkward, [], Written),
            serializer.Serialize(Awkward, Written).ToArray());
        Assert.Equal(
            RuntimeStateFile.Serialize(Awkward, [], Written, channels),
            serializer.Serialize(Awkward, Written, channels).ToArray());
        Assert.Equal(RuntimeStateFile.Serialize([], [], Written), serializer.Serialize([], Written).ToArray());
    }

    [Fact]
    public void A_record_handed_over_again_is_not_serialised_again_and_a_changed_one_is()
    {
        var serializer = new RuntimeStateSerializer();
        _ = serializer.Serialize(Awkward, Written);
        Assert.Equal(Awkward.Length, serializer.EntriesSerialized);

        InstanceRecord[] next = [Awkward[0], Awkward[1] with { State = JobState.Waiting, Processes = [] }, Awkward[2]];
        var bytes = serializer.Serialize(next, Written.AddSeconds(1)).ToArray();

        Assert.Equal(Awkward.Length + 1, serializer.EntriesSerialized);
        Assert.Equal(RuntimeStateFile.Serialize(next, [], Written.AddSeconds(1)), bytes);

        // A record left out is forgotten: handed over again later, it is serialised again.
        _ = serializer.Serialize([next[0]], Written);
        _ = serializer.Serialize(next, Written);
        Assert.Equal(Awkward.Length + 3, serializer.EntriesSerialized);
    }
}
