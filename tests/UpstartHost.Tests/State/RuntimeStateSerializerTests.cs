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
    public void It_writes_the_global_job_environment_table_as_the_file_format_does_and_nothing_while_there_is_none()
    {
        var serializer = new RuntimeStateSerializer();
        string[] table = ["PATH=/bin", "PROXY=http://p:3128", "ODD=\"quoted\" ünï\n"];

        var withTable = serializer.Serialize(Awkward, Written, jobEnvironment: table).ToArray();

        Assert.Equal(RuntimeStateFile.Serialize(Awkward, [], Written, jobEnvironment: table), withTable);
        Assert.Contains("\"jobEnvironment\"", System.Text.Encoding.UTF8.GetString(withTable), StringComparison.Ordinal);
        Assert.DoesNotContain("jobEnvironment", System.Text.Encoding.UTF8.GetString(serializer.Serialize(Awkward, Written).Span), StringComparison.Ordinal);
    }

    [Fact]
    public void It_writes_the_output_a_re_exec_hands_over_as_the_file_format_does()
    {
        var serializer = new RuntimeStateSerializer();
        KeptLogOutput[] kept = [new("/var/log/upstart/web.log", Written, "line 1\n"u8.ToArray()), new("/var/log/upstart/web.log", Written.AddSeconds(1), new byte[] { 0, 255, 10 })];

        Assert.Equal(
            RuntimeStateFile.Serialize(Awkward, [], Written, jobEnvironment: ["A=1"], keptOutput: kept),
            serializer.Serialize(Awkward, Written, jobEnvironment: ["A=1"], keptOutput: kept).ToArray());
    }

    private static readonly RequestWaitRecord[] Waits = [new("web", "", RequestKind.Start, 2), new("db", "x\"y", RequestKind.Restart, 1)];

    [Fact]
    public void It_writes_the_events_and_waits_a_re_exec_hands_over_as_the_file_format_does()
    {
        var serializer = new RuntimeStateSerializer();
        EventRecord[] events =
        [
            new(3, "starting", ["JOB=web", "INSTANCE="], Handled: true, Failed: true, Waiters: 2,
                [new(EventHoldKind.Blocks, "web", ""), new(EventHoldKind.StartOn, "pair", null, "(and (event starting web) (event \"q\"))", 0)]),
            new(4, "go", [], Handled: false, Failed: false, Waiters: 0, []),
        ];

        Assert.Equal(
            RuntimeStateFile.Serialize(Awkward, [], Written, underWay: new WorkUnderWay(events, Waits)),
            serializer.Serialize(Awkward, Written, underWay: new WorkUnderWay(events, Waits)).ToArray());
        var none = System.Text.Encoding.UTF8.GetString(serializer.Serialize(Awkward, Written, underWay: WorkUnderWay.None).Span);
        Assert.DoesNotContain("\"events\"", none, StringComparison.Ordinal);
        Assert.DoesNotContain("\"waits\"", none, StringComparison.Ordinal);
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

    [Fact]
    public void It_reports_the_records_added_and_removed_since_the_call_before()
    {
        var serializer = new RuntimeStateSerializer();
        _ = serializer.Serialize(Awkward, Written);
        Assert.Equal(Awkward, serializer.Added);
        Assert.Empty(serializer.Removed);

        _ = serializer.Serialize(Awkward, Written);
        Assert.Empty(serializer.Added);
        Assert.Empty(serializer.Removed);

        var moved = Awkward[1] with { State = JobState.Waiting, Processes = [] };
        _ = serializer.Serialize([Awkward[0], moved, Awkward[2]], Written);
        Assert.Same(moved, Assert.Single(serializer.Added));
        Assert.Same(Awkward[1], Assert.Single(serializer.Removed));

        _ = serializer.Serialize([moved], Written);
        Assert.Empty(serializer.Added);
        Assert.Equal([Awkward[0], Awkward[2]], serializer.Removed.OrderBy(r => r.Job, StringComparer.Ordinal).Reverse());
    }

    [Fact]
    public void Call_after_call_the_bytes_stay_those_of_the_file_format_while_records_come_change_and_go()
    {
        var serializer = new RuntimeStateSerializer();
        var records = new List<InstanceRecord>(Awkward);
        var expectedSerialized = 0L;
        for (var round = 0; round < 12; round++)
        {
            switch (round % 4)
            {
                case 0: records.Add(Record("extra" + round, "", 999_999_900 - round)); break;
                case 1: records[0] = records[0] with { RespawnCount = round }; break;
                case 2: records.RemoveAt(records.Count - 1); break;
                default: break;
            }

            var before = serializer.EntriesSerialized;
            var bytes = serializer.Serialize(records, Written.AddSeconds(round)).ToArray();
            Assert.Equal(RuntimeStateFile.Serialize(records, [], Written.AddSeconds(round)), bytes);
            expectedSerialized += round == 0 ? records.Count : round % 4 is 0 or 1 ? 1 : 0;
            Assert.Equal(expectedSerialized, serializer.EntriesSerialized);
            Assert.True(serializer.EntriesSerialized - before <= (round == 0 ? records.Count : 1));
        }
    }
}
