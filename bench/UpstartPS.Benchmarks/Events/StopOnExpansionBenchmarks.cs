using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Upstart.JobFiles.Events;

namespace UpstartPS.Benchmarks.Events;

/// <summary>
/// The `stop on` path, where values expand against each instance's environment: 10 instances of
/// `stop on device-removed DEVPATH=$DEVPATH` see one device-removed event (only one instance's
/// DEVPATH matches). Shows the cost and allocation of `$VAR` expansion per operand.
/// </summary>
[MemoryDiagnoser]
public class StopOnExpansionBenchmarks
{
    private const int Instances = 10;

    private readonly EventData _event = new("device-removed", ["DEVPATH=/devices/sd3", "ACTION=remove"]);
    private EventConditionState[] _states = [];
    private Dictionary<string, string>[] _environments = [];

    [GlobalSetup]
    public void Setup()
    {
        var tree = new EventMatch("device-removed", ImmutableArray.Create("DEVPATH=$DEVPATH"));
        _states = new EventConditionState[Instances];
        _environments = new Dictionary<string, string>[Instances];
        for (var i = 0; i < Instances; i++)
        {
            _states[i] = new EventConditionState(tree);
            _environments[i] = new(StringComparer.Ordinal) { ["DEVPATH"] = "/devices/sd" + i, ["JOB"] = "mount" };
        }
    }

    [Benchmark]
    public int TenInstancesExpandAndMatch()
    {
        var used = 0;
        for (var i = 0; i < _states.Length; i++)
        {
            if (_states[i].Handle(_event, _environments[i]))
            {
                used++;
                _states[i].Reset();
            }
        }

        return used;
    }

    private sealed class EventData(string name, string[] environment) : IEventData
    {
        public string Name { get; } = name;

        public IReadOnlyList<string> Environment { get; } = environment;
    }
}
