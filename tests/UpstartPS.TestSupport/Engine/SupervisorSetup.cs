using UpstartHost.Engine;
using UpstartHost.Processes;

namespace UpstartPS.TestSupport.Engine;

/// <summary>How a <see cref="Supervisor"/> is built when the defaults (the supervision tests') do not fit.</summary>
internal sealed record SupervisorSetup
{
    /// <summary>The engine's options; the log directory and AppArmor are always the fixture's.</summary>
    public EngineOptions? Options { get; init; }

    /// <summary>Wraps the layer the engine sees (a benchmark times Spawn); the fixture's recording stays underneath.</summary>
    public Func<IProcessLayer, IProcessLayer>? WrapLayer { get; init; }

    /// <summary>
    /// Keep every log line and notification for the test to read. A benchmark turns it off so the engine
    /// thread formats nothing it would not format in the daemon, and nothing grows with the runs.
    /// </summary>
    public bool Record { get; init; } = true;

    /// <summary>The bound on any one wait; starting and stopping 1,000 jobs needs more than a test's 20 s.</summary>
    public TimeSpan Bound { get; init; } = Supervisor.Bound;
}
