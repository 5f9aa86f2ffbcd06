using System.Diagnostics;
using System.Management.Automation;
using UpstartPS.Errors;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Client;

namespace UpstartPS.Commands;

/// <summary>
/// The stateful re-exec (`upstartctl re-exec`, Upstart's `telinit u`): the daemon writes its state and execs
/// its program in place, so every job keeps running as its child, and the new program carries on. Returns
/// once the new program answers. ConfirmImpact High: it replaces the program supervising every job.
/// </summary>
[Cmdlet(VerbsLifecycle.Restart, "UpstartDaemon", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(UpstartDaemon))]
public sealed class RestartUpstartDaemonCommand : UpstartCommandBase
{
    /// <summary>Seconds for the whole re-exec, until the new program answers; upstartctl allows 60.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Timeout { get; set; } = 60;

    /// <summary>Write the daemon that answered after the re-exec.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        var client = Client;
        var before = UpstartDaemon.From(client);
        if (!ShouldProcess(before.ToString(), "Re-execute the daemon's program (its jobs keep running)"))
        {
            return;
        }

        var limit = TimeSpan.FromSeconds(Timeout);
        var elapsed = Stopwatch.StartNew();
        if (!ReExec(client, limit))
        {
            return;
        }

        // The exec closed our connection; the next request goes to the new program.
        Disconnect();
        WaitUntilAnswering(limit, limit - elapsed.Elapsed);
        WriteVerbose($"The daemon at '{ResolvedSocketPath}' answered again {elapsed.Elapsed.TotalMilliseconds:0} ms after the re-exec was asked for.");
        if (PassThru)
        {
            WriteObject(UpstartDaemon.From(Client));
        }
    }

    /// <summary>True once the old program has let go of the connection (it is exec'ing); false when reported as failed.</summary>
    private bool ReExec(UpstartClient client, TimeSpan limit)
    {
        try
        {
            Call(
                async ct =>
                {
                    await client.ReExecAsync(ct).ConfigureAwait(false);
                    return true;
                },
                limit,
                () => WriteWarning($"Waiting for the daemon at '{ResolvedSocketPath}' to re-exec..."));
            return true;
        }
        catch (TimeoutException ex)
        {
            // A failed exec leaves the old program running with this connection open: say so rather than wait on.
            Report(FailureMapping.ReExecNotDone(ResolvedSocketPath, limit), ResolvedSocketPath, null, ex);
            return false;
        }
        catch (Exception ex) when (IsFailure(ex))
        {
            ReportException(ex, null, ResolvedSocketPath);
            return false;
        }
    }

    private void WaitUntilAnswering(TimeSpan limit, TimeSpan remaining)
    {
        var options = new UpstartClientOptions { SocketPath = ResolvedSocketPath };
        try
        {
            // At least a moment: the exec itself may have used up a short -Timeout.
            var wait = remaining > TimeSpan.FromSeconds(1) ? remaining : TimeSpan.FromSeconds(1);
            Call(
                async ct =>
                {
                    await UpstartClient.WaitUntilAnsweringAsync(options, wait, ct).ConfigureAwait(false);
                    return true;
                },
                wait,
                () => WriteWarning($"Waiting for the daemon at '{ResolvedSocketPath}' to answer after its re-exec..."));
        }
        catch (Exception ex) when (ex is TimeoutException or UpstartException { Code: UpstartErrorCode.NotConnected })
        {
            Report(FailureMapping.NotBackAfterReExec(ResolvedSocketPath, limit), ResolvedSocketPath, null, ex);
        }
        catch (Exception ex) when (IsFailure(ex))
        {
            // The new program answered but refused us (a protocol it does not share after an upgrade, access).
            ReportException(ex, null, ResolvedSocketPath);
        }
    }
}
