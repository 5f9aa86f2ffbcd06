using System.Globalization;
using System.Management.Automation;
using UpstartPS.Connection;
using UpstartPS.Errors;
using UpstartPS.Protocol;

namespace UpstartPS.Commands;

/// <summary>
/// initctl list-sessions: the live session daemons of this user, read from their session files
/// ($XDG_RUNTIME_DIR/upstart/sessions/PID.session) without connecting to any, one UpstartSession each, by
/// process id. Not an UpstartCommandBase: it talks to no daemon, so it has no -SocketPath; its output's
/// SocketPath is what the other cmdlets' -SocketPath takes.
/// </summary>
[Cmdlet(VerbsCommon.Get, "UpstartSession")]
[OutputType(typeof(UpstartSession))]
public sealed class GetUpstartSessionCommand : PSCmdlet
{
    /// <summary>Only these session daemons; a pid that is not a live session is an error, as Get-Process -Id.</summary>
    [Parameter]
    [Alias("Id")]
    [ValidateNotNullOrEmpty]
    public int[]? ProcessId { get; set; }

    protected override void ProcessRecord()
    {
        if (SessionFiles.DirectoryFrom(Environment.GetEnvironmentVariable) is not { } directory)
        {
            var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
            WriteError(new ErrorRecord(
                new UpstartCommandException(
                    "Unable to query the session directory: $env:XDG_RUNTIME_DIR is " +
                    (string.IsNullOrEmpty(runtime) ? "not set" : $"'{runtime}', not an absolute path") +
                    ". Session daemons write their session files under it (upstart/sessions); set it as your login session does."),
                "NoSessionDirectory",
                ErrorCategory.ResourceUnavailable,
                runtime));
            return;
        }

        // The daemon the other cmdlets reach without -SocketPath, resolved as UpstartCommandBase resolves it.
        var current = SocketLocation.Resolve(null);
        var sessions = LiveSessions.Read(directory, current);
        WriteVerbose($"{sessions.Count} live session(s) in {directory}; the module's default socket is {current}");
        if (ProcessId is null)
        {
            foreach (var session in sessions)
            {
                WriteObject(session);
            }

            return;
        }

        var wanted = ProcessId.ToHashSet();
        foreach (var session in sessions.Where(s => wanted.Contains(s.ProcessId)))
        {
            WriteObject(session);
        }

        foreach (var pid in ProcessId.Distinct().Where(p => sessions.All(s => s.ProcessId != p)))
        {
            WriteError(new ErrorRecord(
                new UpstartCommandException(string.Create(CultureInfo.InvariantCulture, $"Cannot find a live session daemon with process id {pid} in {directory}.")),
                "NoSessionFoundForGivenProcessId",
                ErrorCategory.ObjectNotFound,
                pid));
        }
    }
}
