namespace UpstartPS.Commands;

/// <summary>Upstart's goals and states (init(5), job_class.c), for -State and -Goal validation and completion.</summary>
internal static class JobStates
{
    public const string Waiting = "waiting";
    public const string Running = "running";

    public static readonly string[] States =
        ["waiting", "starting", "security", "pre-start", "spawned", "post-start", "running", "pre-stop", "stopping", "killed", "post-stop"];

    public static readonly string[] Goals = ["start", "stop", "respawn"];
}
