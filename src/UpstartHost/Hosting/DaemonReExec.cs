using System.Text;
using Microsoft.Extensions.Logging;
using UpstartHost.Engine;
using UpstartHost.Processes;
using UpstartHost.Processes.Native;

namespace UpstartHost.Hosting;

/// <summary>
/// `upstartctl re-exec` (Upstart's `telinit u`): the daemon replaces its program in place. Same process,
/// so every job stays its child; the `console log` ptys stay open across the exec; the instances go
/// through `STATE_DIR/instances.json` and the new program resumes them as after a crash, but with the
/// real exit status of every child and no lost log line (docs/daemon.md, "Restarting the daemon").
/// </summary>
public sealed partial class DaemonReExec
{
    private readonly EngineComposition composition;
    private readonly RuntimeState runtimeState;
    private readonly ILogger logger;
    private int inProgress;

    public DaemonReExec(EngineComposition composition, RuntimeState runtimeState, ILogger<DaemonReExec> logger)
    {
        this.composition = composition;
        this.runtimeState = runtimeState;
        this.logger = logger;
    }

    /// <summary>The open log follows and watches, handed to the next program; none in tests that build no control path.</summary>
    public StreamsToHandOver? Streams { get; init; }

    /// <summary>
    /// Writes out what the daemon's own log still holds in memory (the console logger writes from a queue on a
    /// thread of its own): the exec would drop it, often the "Re-executing" line itself. Afterwards, should the
    /// exec fail, each line is written as it is logged.
    /// </summary>
    public Action? FlushLog { get; init; }

    /// <summary>
    /// The control socket's listener, kept open across the exec for the next program to accept on: a client
    /// connecting meanwhile waits in its backlog instead of finding no socket (<see cref="InheritedControlListener"/>).
    /// </summary>
    public Func<System.Runtime.InteropServices.SafeHandle?>? ControlListener { get; init; }

    /// <summary>
    /// The program to exec: the one we run from, by path, so that after a package upgrade replaced the file
    /// the new binary runs (/proc/self/exe itself would still be the old, deleted one).
    /// </summary>
    public static string ProgramPath()
    {
        var target = File.ResolveLinkTarget("/proc/self/exe", returnFinalTarget: false)?.FullName
            ?? throw new IOException("cannot read /proc/self/exe");
        const string Deleted = " (deleted)";
        return target.EndsWith(Deleted, StringComparison.Ordinal) ? target[..^Deleted.Length] : target;
    }

    /// <summary>Starts the re-exec off the caller's thread (the control connection has sent its reply); false when one is already under way.</summary>
    public bool Begin()
    {
        if (Interlocked.Exchange(ref inProgress, 1) == 1)
        {
            return false;
        }

        _ = Task.Run(RunAsync);
        return true;
    }

    private async Task RunAsync()
    {
        // While the engine still runs: the requests clients have sent are answered by this program, and any sent
        // from now on fail to send, so their clients send them to the next one instead of losing them in the exec.
        if (Streams?.StopTakingRequests() == false)
        {
            LogRequestsNotAnswered(logger);
        }

        // Exits reaped before this point are already posted to the engine inbox, ahead of the work below;
        // later ones stay zombies for the next program, which reaps them with their status.
        ChildReaper.Instance.Hold();
        string failure;
        try
        {
            failure = await composition.Engine.WithSnapshotAsync(ExecOnEngineThread).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failed re-exec leaves the daemon running as it was; it must not end it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            failure = e.Message;
        }
        finally
        {
            ChildReaper.Instance.ReleaseHold();

            // The exec failed (this program is still here): it takes requests again, whatever stage it failed at.
            Streams?.Handover.Abandon();
            Volatile.Write(ref inProgress, 0);
        }

        LogReExecFailed(logger, failure);
    }

    /// <summary>On the engine thread, which nothing else uses meanwhile: returns only when the exec failed.</summary>
    private string ExecOnEngineThread(IReadOnlyList<InstanceRecord> snapshot, WorkUnderWay underWay)
    {
        var path = ProgramPath();
        var argv = ReadNulSeparated("/proc/self/cmdline");
        var envp = ReadNulSeparated("/proc/self/environ")
            .Where(e => !ListenFds.IsListenVariable(e) && !InheritedControlListener.IsEntry(e))
            .ToList();
        var channels = composition.Processes.DetachLogChannels();

        // What the logs could not take yet goes over in the state file (and comes back if the exec fails).
        var kept = composition.Processes.LogWriter.TakeKept();
        var listener = ControlListener?.Invoke();
        var listenerHeld = false;
        var listenerFd = -1;
        try
        {
            if (listener is { IsClosed: false })
            {
                listener.DangerousAddRef(ref listenerHeld);
                listenerFd = (int)listener.DangerousGetHandle();
            }

            // After the logs' last writes, before the state is written: a stream's last lines and events reach
            // its client, which then carries on with the next program from there.
            if (Streams?.EndEach() == false)
            {
                LogStreamsNotHandedOver(logger, Streams.Handover.OpenStreams);
            }

            runtimeState.WriteForReExec(snapshot, underWay, channels, kept);
            foreach (var channel in channels)
            {
                InheritedDescriptor.SetCloseOnExec(channel.Fd, false);
            }

            if (listenerFd >= 0 && InheritedDescriptor.SetCloseOnExec(listenerFd, false))
            {
                envp.Add(InheritedControlListener.Entry(listenerFd));
            }

            LogReExecuting(logger, path, snapshot.Count, channels.Count);
            FlushLog?.Invoke();
            return Exec(path, argv, envp);
        }
        finally
        {
            // Only reached when the exec failed: carry on as before.
            if (listenerFd >= 0)
            {
                InheritedDescriptor.SetCloseOnExec(listenerFd, true);
            }

            if (listenerHeld)
            {
                listener!.DangerousRelease();
            }

            // Kept output first, as at a resume: it is older than anything the channels bring.
            composition.Processes.LogWriter.Keep(kept);
            foreach (var channel in channels)
            {
                InheritedDescriptor.SetCloseOnExec(channel.Fd, true);
                composition.Processes.AttachLogChannel(channel);
            }
        }
    }

    private static unsafe string Exec(string path, IReadOnlyList<string> argv, IReadOnlyList<string> envp)
    {
        using var args = NativeStrings.TryCreate(argv);
        using var env = NativeStrings.TryCreate(envp);
        using var file = NativeStrings.TryCreate([path]);
        if (args is null || env is null || file is null)
        {
            return "a NUL byte in the command line or environment";
        }

        Libc.execve(file.Pointers[0], args.Pointers, env.Pointers);
        return "execve " + path + ": " + Libc.ErrorText(System.Runtime.InteropServices.Marshal.GetLastPInvokeError());
    }

    /// <summary>
    /// The command line and environment the daemon was started with, as the kernel kept them: the same
    /// options, and NOTIFY_SOCKET and the watchdog variables that the first program removed from its own
    /// view of the environment (so that no job inherits them) but the next one needs again. LISTEN_FDS and
    /// its companions are dropped: they described descriptors this program took at its start (LISTEN_PID
    /// would still name us), and the channels it still has go over in the state file.
    /// </summary>
    private static List<string> ReadNulSeparated(string path)
    {
        var text = Encoding.UTF8.GetString(File.ReadAllBytes(path));
        return [.. text.Split('\0', StringSplitOptions.RemoveEmptyEntries)];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-executing {Path}: {Instances} instances, {Channels} log channels handed over")]
    private static partial void LogReExecuting(ILogger logger, string path, int instances, int channels);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-exec: requests read before it had not all been answered in time; the exec cuts them (their clients see the connection close)")]
    private static partial void LogRequestsNotAnswered(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-exec: {Streams} log follows or watches did not take their last lines in time (their clients stopped reading); they just close")]
    private static partial void LogStreamsNotHandedOver(ILogger logger, int streams);

    [LoggerMessage(Level = LogLevel.Error, Message = "Re-exec failed, carrying on: {Reason}")]
    private static partial void LogReExecFailed(ILogger logger, string reason);
}
