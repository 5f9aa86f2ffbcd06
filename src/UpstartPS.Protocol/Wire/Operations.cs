namespace UpstartPS.Protocol.Wire;

/// <summary>The operation names carried in <see cref="RequestFrame.Op"/>.</summary>
internal static class Operations
{
    public const string Version = "version";
    public const string List = "list";
    public const string Status = "status";
    public const string Start = "start";
    public const string Stop = "stop";
    public const string Restart = "restart";
    public const string Reload = "reload";
    public const string Emit = "emit";
    public const string ReloadConfiguration = "reload-configuration";
    public const string CheckConfig = "check-config";
    public const string ShowConfig = "show-config";
    public const string Diagnostics = "diagnostics";
    public const string SetEnabled = "set-enabled";
    public const string LogPriority = "log-priority";
    public const string Log = "log";
    public const string Watch = "watch";
    public const string ReExec = "re-exec";
    public const string ListEnv = "list-env";
    public const string GetEnv = "get-env";
    public const string SetEnv = "set-env";
    public const string UnsetEnv = "unset-env";
    public const string ResetEnv = "reset-env";
    public const string NotifyDiskWriteable = "notify-disk-writeable";

    /// <summary>Waits, in the next program, for what a start/stop/restart cut by a re-exec waited for (its `resume`).</summary>
    public const string Await = "await";

    /// <summary>Not an operation of its own: asks the daemon to abandon the request in flight with the same id.</summary>
    public const string Cancel = "cancel";
}
