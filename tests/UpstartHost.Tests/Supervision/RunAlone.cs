namespace UpstartHost.Tests.Supervision;

/// <summary>
/// The supervision tests run alone, one after another: each asserts that the test process has no child
/// left that it did not have before, which only means something while no other test spawns children.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunAlone
{
    public const string Name = "supervision (real engine, real processes)";
}
