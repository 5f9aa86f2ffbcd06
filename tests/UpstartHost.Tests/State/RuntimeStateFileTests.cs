using Upstart.JobFiles.Model;
using UpstartHost.Engine;
using UpstartHost.Logging;
using UpstartHost.State;

namespace UpstartHost.Tests.State;

/// <summary>STATE_DIR/instances.json: round trip, other boots, bad input (docs/daemon.md).</summary>
public sealed class RuntimeStateFileTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ups-state-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static readonly InstanceRecord Web = new(
        "web", "", JobGoal.Start, JobState.Running, [new ProcessRecord(ProcessKind.Main, Environment.ProcessId, 0)],
        2, 30, ["PATH=/bin", "A=b c"], null,
        new BackoffRecord(TimeSpan.FromMilliseconds(2500), true, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddSeconds(9)),
        "/sys/fs/cgroup/upstartps.1/j-web/i-.41-1",
        MainWasKilled: true,
        Fingerprint: "/etc/init/web.conf\0AB\0-\0-",
        SinceUtc: new DateTimeOffset(2026, 12, 7, 4, 12, 9, TimeSpan.Zero).AddTicks(5031742));

    [Fact]
    public void What_is_written_reads_back_with_start_times_filled_in_and_its_age()
    {
        var written = DateTimeOffset.UtcNow;
        RuntimeStateFile.Write(dir, RuntimeStateFile.Serialize([Web], [], written, [new LogChannel(12, "/var/log/upstart/web.log", "log.ab-1.web."), new LogChannel(13, "/var/log/upstart/web.log")]));

        var read = RuntimeStateFile.Read(dir, written.AddSeconds(5))!;

        var record = Assert.Single(read.Instances);
        Assert.Equal((Web.Job, Web.Goal, Web.State, Web.RespawnCount, Web.RespawnWindowAgeSeconds), (record.Job, record.Goal, record.State, record.RespawnCount, record.RespawnWindowAgeSeconds));
        Assert.Equal(Web.Environment, record.Environment);
        Assert.Equal(Web.Backoff, record.Backoff);
        Assert.Equal((Web.Cgroup, true, Web.Fingerprint), (record.Cgroup, record.MainWasKilled, record.Fingerprint));
        Assert.Equal(Web.SinceUtc, record.SinceUtc);
        var process = Assert.Single(record.Processes);
        Assert.Equal(UpstartHost.Processes.ProcStat.Read(Environment.ProcessId)!.Value.StartTime, process.StartTime);
        Assert.Equal(5, read.AgeSeconds);
        Assert.True(read.IsOwnReExec);
        Assert.Equal([new LogChannel(12, "/var/log/upstart/web.log", "log.ab-1.web."), new LogChannel(13, "/var/log/upstart/web.log")], read.LogChannels);
    }

    [Fact]
    public void The_global_job_environment_table_reads_back_and_is_absent_when_none_was_written()
    {
        RuntimeStateFile.Write(dir, RuntimeStateFile.Serialize([Web], [], DateTimeOffset.UtcNow, jobEnvironment: ["PATH=/bin", "EMPTY=", "A=b=c"]));
        Assert.Equal(["PATH=/bin", "EMPTY=", "A=b=c"], RuntimeStateFile.Read(dir, DateTimeOffset.UtcNow)!.JobEnvironment);

        RuntimeStateFile.Write(dir, RuntimeStateFile.Serialize([Web], [], DateTimeOffset.UtcNow));
        Assert.Null(RuntimeStateFile.Read(dir, DateTimeOffset.UtcNow)!.JobEnvironment);
    }

    [Fact]
    public void Output_a_re_exec_handed_over_reads_back_byte_for_byte_and_entries_without_a_path_or_bytes_are_dropped()
    {
        var time = new DateTimeOffset(2026, 12, 6, 23, 0, 0, 5, TimeSpan.Zero);
        RuntimeStateFile.Write(dir, RuntimeStateFile.Serialize(
            [Web], [], DateTimeOffset.UtcNow, keptOutput: [new("/var/log/upstart/web.log", time, new byte[] { 0, 1, 255, 10 }), new("", time, new byte[] { 1 })]));

        var kept = Assert.Single(RuntimeStateFile.Read(dir, DateTimeOffset.UtcNow)!.KeptOutput!);

        Assert.Equal(("/var/log/upstart/web.log", time), (kept.Path, kept.Time));
        Assert.Equal(new byte[] { 0, 1, 255, 10 }, kept.Data.ToArray());
    }

    private static readonly EventRecord[] HandedOverEvents =
    [
        new(7, "starting", ["JOB=web", "INSTANCE="], Handled: true, Failed: true, Waiters: 1,
            [
                new(EventHoldKind.Blocks, "web", ""),
                new(EventHoldKind.Job, "db", "main"),
                new(EventHoldKind.StartOn, "pair", null, "(and (event starting web) (event later))", 0),
                new(EventHoldKind.StopOn, "watcher", "", "(and (event starting web) (event later))", 1),
            ]),
        new(9, "go", ["K=1"], Handled: false, Failed: false, Waiters: 0, []),
    ];

    [Fact]
    public void The_events_a_re_exec_handed_over_read_back_with_every_hold()
    {
        RuntimeStateFile.Write(dir, RuntimeStateFile.Serialize([Web], [], DateTimeOffset.UtcNow, underWay: new WorkUnderWay(HandedOverEvents, [])));

        var events = RuntimeStateFile.Read(dir, DateTimeOffset.UtcNow)!.UnderWay!.Events;

        Assert.Equal(HandedOverEvents.Length, events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            Assert.Equal(HandedOverEvents[i] with { Environment = [], Holds = [] }, events[i] with { Environment = [], Holds = [] });
            Assert.Equal(HandedOverEvents[i].Environment, events[i].Environment);
            Assert.Equal(HandedOverEvents[i].Holds, events[i].Holds);
        }
    }

    [Theory]
    [InlineData("\"id\":7", "\"id\":0")]
    [InlineData("\"id\":9", "\"id\":7")]
    [InlineData("\"name\":\"go\"", "\"name\":\"a b\"")]
    [InlineData("\"K=1\"", "\"K\"")]
    [InlineData("\"kind\":\"job\"", "\"kind\":\"mystery\"")]
    [InlineData("\"kind\":\"job\",\"job\":\"db\",\"instance\":\"main\"", "\"kind\":\"job\",\"job\":\"db\"")]
    [InlineData("\"operand\":1", "\"operand\":-1")]
    public void A_handed_over_event_that_does_not_read_as_written_drops_them_all_and_the_instances_are_kept(string written, string damaged)
    {
        var text = System.Text.Encoding.UTF8.GetString(RuntimeStateFile.Serialize([Web], [], DateTimeOffset.UtcNow, underWay: new WorkUnderWay(HandedOverEvents, [])));
        Assert.Contains(written, text, StringComparison.Ordinal);
        File.WriteAllText(RuntimeStateFile.PathIn(dir), text.Replace(written, damaged, StringComparison.Ordinal));

        var read = RuntimeStateFile.Read(dir, DateTimeOffset.UtcNow)!;

        Assert.Empty(read.UnderWay!.Events);
        Assert.Single(read.Instances);
    }

    [Fact]
    public void The_requests_a_re_exec_handed_over_read_back_and_an_entry_that_does_not_read_is_dropped_alone()
    {
        RequestWaitRecord[] waits = [new("web", "", RequestKind.Start, 2), new("db", "main", RequestKind.Stop, 1), new("x", "", RequestKind.Restart, 1)];
        var text = System.Text.Encoding.UTF8.GetString(RuntimeStateFile.Serialize([Web], [], DateTimeOffset.UtcNow, underWay: new WorkUnderWay([], waits)));
        Assert.Contains("\"kind\":\"restart\"", text, StringComparison.Ordinal);
        File.WriteAllText(RuntimeStateFile.PathIn(dir), text.Replace("\"kind\":\"restart\"", "\"kind\":\"reload\"", StringComparison.Ordinal));

        var read = RuntimeStateFile.Read(dir, DateTimeOffset.UtcNow)!.UnderWay!.Waits;

        Assert.Equal(waits[..2], read);
    }

    [Theory]
    [InlineData("NOEQUALS")]
    [InlineData("=value")]
    [InlineData("BAD\u0001NAME=x")]
    [InlineData("NUL=a\u0000b")]
    public void A_recorded_table_with_an_entry_set_env_would_refuse_is_dropped_whole_and_the_instances_kept(string entry)
    {
        RuntimeStateFile.Write(dir, RuntimeStateFile.Serialize([Web], [], DateTimeOffset.UtcNow, jobEnvironment: ["PATH=/bin", entry]));

        var read = RuntimeStateFile.Read(dir, DateTimeOffset.UtcNow)!;

        Assert.Null(read.JobEnvironment);
        Assert.Single(read.Instances);
    }

    [Fact]
    public void A_file_from_another_boot_is_ignored_and_no_file_is_no_record()
    {
        Assert.Null(RuntimeStateFile.Read(dir, DateTimeOffset.UtcNow));
        var text = System.Text.Encoding.UTF8.GetString(RuntimeStateFile.Serialize([Web], [], DateTimeOffset.UtcNow))
            .Replace(RuntimeStateFile.CurrentBootId, "another-boot", StringComparison.Ordinal);
        File.WriteAllText(RuntimeStateFile.PathIn(dir), text);

        Assert.Null(RuntimeStateFile.Read(dir, DateTimeOffset.UtcNow));
    }

    [Fact]
    public void A_corrupt_file_is_an_error_and_bad_records_are_dropped()
    {
        File.WriteAllText(RuntimeStateFile.PathIn(dir), "{ not json");
        Assert.Throws<InvalidDataException>(() => RuntimeStateFile.Read(dir, DateTimeOffset.UtcNow));

        var bootId = RuntimeStateFile.CurrentBootId;
        File.WriteAllText(RuntimeStateFile.PathIn(dir), $$"""
            {"version":1,"bootId":"{{bootId}}","writtenUtc":"2020-01-01T00:00:00Z","daemonPid":1,"instances":[
              {"job":"a","instance":"","goal":"start","state":"running","processes":[{"kind":"main","pid":1,"startTime":5}],"environment":[]},
              {"job":"b","instance":"","goal":"sideways","state":"running","processes":[],"environment":[]},
              {"job":"c","instance":"","goal":"start","state":"running","processes":[{"kind":"main","pid":77,"startTime":5}],"environment":[]}
            ]}
            """);
        var read = RuntimeStateFile.Read(dir, DateTimeOffset.UtcNow)!;
        Assert.Equal(["c"], read.Instances.Select(i => i.Job));
        Assert.False(read.IsOwnReExec);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(86_400_001)]
    public void A_back_off_wait_outside_what_respawn_delay_allows_is_dropped_and_the_instance_kept(long lastDelayMs)
    {
        var bootId = RuntimeStateFile.CurrentBootId;
        File.WriteAllText(RuntimeStateFile.PathIn(dir), $$"""
            {"version":1,"bootId":"{{bootId}}","writtenUtc":"2020-01-01T00:00:00Z","daemonPid":1,"instances":[
              {"job":"a","instance":"","goal":"start","state":"post-stop","processes":[],"environment":[],
               "backoff":{"lastDelayMs":{{lastDelayMs}},"planned":true,"dueUtc":"9999-01-01T00:00:00Z"} }
            ]}
            """);

        var record = Assert.Single(RuntimeStateFile.Read(dir, DateTimeOffset.UtcNow)!.Instances);

        Assert.Null(record.Backoff);
    }

    [Theory]
    [InlineData("\"relative/j-a/i-.1-1\"")]
    [InlineData("\"/\"")]
    [InlineData("\"/cg/j-a/i-.1-1\\u0000\"")]
    public void A_cgroup_that_is_no_absolute_path_is_dropped_and_the_instance_kept(string cgroup)
    {
        var bootId = RuntimeStateFile.CurrentBootId;
        File.WriteAllText(RuntimeStateFile.PathIn(dir), $$"""
            {"version":1,"bootId":"{{bootId}}","writtenUtc":"2020-01-01T00:00:00Z","daemonPid":1,"instances":[
              {"job":"a","instance":"","goal":"start","state":"running","processes":[],"environment":[],"cgroup":{{cgroup}} }
            ]}
            """);

        var read = RuntimeStateFile.Read(dir, DateTimeOffset.UtcNow);

        Assert.Null(Assert.Single(read!.Instances).Cgroup);
    }
}
