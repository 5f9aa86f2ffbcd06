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
            _ => (ControlOperation)(-1),
        };
        return operation >= 0;
    }

    public static bool IsStream(ControlOperation operation) =>
        operation is ControlOperation.ReadLog or ControlOperation.Watch;
}
