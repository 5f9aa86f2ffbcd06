using Microsoft.Extensions.Logging.Abstractions;
using UpstartHost.Engine;
using UpstartHost.State;

namespace UpstartHost.Tests.State;

/// <summary>
/// The state writer records the events not yet finished with each burst, not only at a re-exec, so a daemon that
/// crashes keeps what `start on` and `stop on` had seen (docs/daemon.md, "Events across a re-exec").
/// </summary>
public sealed class RuntimeStateWriterEventsTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ups-state-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static readonly InstanceRecord Web = new("web", "", JobGoal.Start, JobState.Running, [], 0, null, ["PATH=/bin"], null);

    [Fact]
    public void Each_write_carries_the_events_offered_with_it_and_none_once_they_have_finished()
    {
        EventRecord held = new(4, "a", ["X=1"], Handled: true, Failed: false, Waiters: 0,
            [new(EventHoldKind.StartOn, "both", null, "(and (event a) (event b))", 0)]);
        using var writer = new RuntimeStateWriter(dir, NullLogger.Instance);

        writer.Offer([Web], [held]);
        writer.Flush();
        var withEvent = RuntimeStateFile.Read(dir, DateTimeOffset.UtcNow)!.UnderWay!;

        writer.Offer([Web], []);
        writer.Flush();
        var without = RuntimeStateFile.Read(dir, DateTimeOffset.UtcNow)!.UnderWay!;

        var recorded = Assert.Single(withEvent.Events);
        Assert.Equal((held.Id, held.Name, held.Handled), (recorded.Id, recorded.Name, recorded.Handled));
        Assert.Equal(held.Holds, recorded.Holds);
        Assert.Empty(withEvent.Waits);
        Assert.Empty(without.Events);
    }
}
