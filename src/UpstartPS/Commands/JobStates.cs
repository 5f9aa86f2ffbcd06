namespace UpstartPS.Commands;

/// <summary>
/// Upstart's states (init(5), job_class.c). The -State parameters repeat the list in their ValidateSet,
/// which needs constants; this is the default Wait-UpstartJob waits for.
/// </summary>
internal static class JobStates
{
    public const string Running = "running";
}
