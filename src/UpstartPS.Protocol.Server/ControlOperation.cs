using UpstartPS.Protocol.Wire;

namespace UpstartPS.Protocol.Server;

/// <summary>What a request asks for, as the authorisation policy sees it.</summary>
public enum ControlOperation
{
    Version,
    List,
    Status,
    Start,
    Stop,
    Restart,
    Reload,
    Emit,
    ReloadConfiguration,

    /// <summary>reload-configuration with dry run: reports, changes nothing.</summary>
    PreviewConfiguration,
    CheckConfig,
    ShowConfig,
    Diagnostics,
    SetEnabled,
    GetLogPriority,
    SetLogPriority,
    ReadLog,
    Watch,

    /// <summary>The daemon replaces its program in place, keeping every job (docs/daemon.md).</summary>
    ReExec,

    /// <summary>list-env: the global job environment table, or one instance's environment.</summary>
    ListEnvironment,

    /// <summary>get-env: one variable of the same.</summary>
    GetEnvironment,
    SetEnvironment,
    UnsetEnvironment,
    ResetEnvironment,

    /// <summary>notify-disk-writeable: write now the job output kept while its logs could not be written.</summary>
    NotifyDiskWriteable,

    /// <summary>await: the rest of a waiting start/stop/restart the previous program answered with ReExecuted.</summary>
    Await,
}

internal static class ControlOperations
{
    /// <summary>Maps a request to its operation; false for an op name this protocol version does not know.</summary>
    public static bool TryParse(RequestFrame request, out ControlOperation operation)
    {
        operation = request.Op switch
        {
            Operations.Version => ControlOperation.Version,
            Operations.List => ControlOperation.List,
            Operations.Status => ControlOperation.Status,
            Operations.Start => ControlOperation.Start,
            Operations.Stop => ControlOperation.Stop,
            Operations.Restart => ControlOperation.Restart,
            Operations.Reload => ControlOperation.Reload,
            Operations.Emit => ControlOperation.Emit,
            Operations.ReloadConfiguration when request.DryRun == true => ControlOperation.PreviewConfiguration,
            Operations.ReloadConfiguration => ControlOperation.ReloadConfiguration,
            Operations.CheckConfig => ControlOperation.CheckConfig,
            Operations.ShowConfig => ControlOperation.ShowConfig,
            Operations.Diagnostics => ControlOperation.Diagnostics,
            Operations.SetEnabled => ControlOperation.SetEnabled,
            Operations.LogPriority when request.Priority is null => ControlOperation.GetLogPriority,
            Operations.LogPriority => ControlOperation.SetLogPriority,
            Operations.Log => ControlOperation.ReadLog,
            Operations.Watch => ControlOperation.Watch,
            Operations.ReExec => ControlOperation.ReExec,
            Operations.ListEnv => ControlOperation.ListEnvironment,
            Operations.GetEnv => ControlOperation.GetEnvironment,
            Operations.SetEnv => ControlOperation.SetEnvironment,
            Operations.UnsetEnv => ControlOperation.UnsetEnvironment,
            Operations.ResetEnv => ControlOperation.ResetEnvironment,
            Operations.NotifyDiskWriteable => ControlOperation.NotifyDiskWriteable,
            Operations.Await => ControlOperation.Await,
            _ => (ControlOperation)(-1),
        };
        return operation >= 0;
    }

    /// <summary>The environment commands, which read or change a job environment table (global, or an instance's).</summary>
    public static bool IsEnvironment(ControlOperation operation) =>
        operation is ControlOperation.ListEnvironment or ControlOperation.GetEnvironment or ControlOperation.SetEnvironment
            or ControlOperation.UnsetEnvironment or ControlOperation.ResetEnvironment;

    /// <summary>
    /// A start, stop or restart that waits for the job, or an emit that waits for its event: at a re-exec it ends with
    /// ReExecuted and a `resume` instead of being cut, and its client waits for the rest with `await` in the next program.
    /// </summary>
    public static bool IsResumableWait(RequestFrame request, ControlOperation operation) =>
        (operation is ControlOperation.Start or ControlOperation.Stop or ControlOperation.Restart or ControlOperation.Emit && request.Wait != false)
        || operation == ControlOperation.Await;

    public static bool IsStream(ControlOperation operation) =>
        operation is ControlOperation.ReadLog or ControlOperation.Watch;
}
