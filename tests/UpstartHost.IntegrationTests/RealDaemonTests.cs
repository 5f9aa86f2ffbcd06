namespace UpstartHost.IntegrationTests;

/// <summary>Real-daemon tests run one at a time: they start processes and the machine is shared.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealDaemonTests
{
    public const string Name = "real daemon";
}
