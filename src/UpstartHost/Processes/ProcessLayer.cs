using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Upstart.JobFiles.Model;
using UpstartHost.Logging;
using UpstartHost.Processes.Cgroups;
using UpstartHost.Processes.Native;

namespace UpstartHost.Processes;

/// <summary>
/// The real <see cref="IProcessLayer"/> (DESIGN.md decision 4): every process runs the exec helper's steps
/// (native/exec-steps.c), which apply the job's settings and exec the command: in the spawned child itself
/// through libupstart-spawn.so (<see cref="SpawnLibrary"/>, installed beside the helper), or, for a job that
/// names a user or group or sets an oom score (<see cref="ExecHelperArguments.NeedsHelperProgram"/>; or
/// without the library), in the helper program posix_spawn'd first.
/// Spawn returns as soon as the child exists (the library) or the helper program is exec'd (posix_spawn), never
/// waiting for the job's own exec; the child's close-on-exec error pipe is watched off the engine thread
/// (<see cref="ExecWatcher"/>) and its outcome posted as <see cref="ProcessSpawned"/> or
/// <see cref="ProcessSpawnFailed"/>. Exits are reaped by the process-wide
/// <see cref="ChildReaper"/> and posted as <see cref="ProcessExited"/>; `expect stop|fork|daemon` are
/// followed without ptrace and announced as <see cref="ProcessReady"/>. `console log` output is read by
/// a <see cref="ConsoleLogPump"/> and appended by a <see cref="JobLogWriter"/>, off the engine thread.
/// Disposing stops routing notices and log output but leaves the processes running (decision 7: the
/// daemon can restart without killing its jobs). This file spawns; what becomes of each process is in
/// ProcessLayer.Outcomes.cs and the signals the engine sends in ProcessLayer.Signals.cs.
/// </summary>
public sealed partial class ProcessLayer : IProcessLayer, IDisposable
{
    private readonly IProcessNoticeSink sink;
    private readonly ILogger logger;
    private readonly ChildReaper reaper = ChildReaper.Instance;
    private ConsoleLogPump pump;
    private readonly ExecWatcher watcher;
    private readonly byte[] helperPath;

    /// <summary>The in-process spawn, null when libupstart-spawn.so is not beside <see cref="HelperPath"/>.</summary>
    private readonly SpawnLibrary? spawnLibrary;
    private readonly JobCgroups? cgroups;
    private readonly LogChannelStore? store;

    /// <summary>
    /// Live processes by the pid the engine knows them by (the main pid after ProcessReady), for
    /// <see cref="SignalGroup"/> and <see cref="Dispose"/>. Concurrent so that no lock of the layer's own
    /// nests inside a process's <see cref="TrackedProcess.Lock"/>.
    /// </summary>
    private readonly ConcurrentDictionary<int, TrackedProcess> byNoticePid = new();
    private readonly HashSet<string> reported = [];
    private volatile bool disposed;

    /// <param name="cgroups">Whole-job cleanup: each instance's processes join its cgroup; null runs without.</param>
    /// <param name="store">systemd's file-descriptor store, which keeps each `console log` channel through a crash; null without.</param>
    internal ProcessLayer(IProcessNoticeSink sink, ILoggerFactory? loggerFactory, string? helperPath, JobCgroups? cgroups, LogChannelStore? store)
    {
        ArgumentNullException.ThrowIfNull(sink);
        this.sink = sink;
        this.cgroups = cgroups;
        this.store = store;
        loggerFactory ??= NullLoggerFactory.Instance;
        logger = loggerFactory.CreateLogger<ProcessLayer>();
        HelperPath = helperPath ?? DefaultHelperPath;
        this.helperPath = NulTerminated(HelperPath);
        spawnLibrary = SpawnLibrary.TryLoad(Path.GetDirectoryName(Path.GetFullPath(HelperPath))!);
        LogWriter = new JobLogWriter(loggerFactory.CreateLogger<JobLogWriter>());
        pump = NewPump();
        watcher = new ExecWatcher(Resolve);
        if (!reaper.IsSubreaper)
        {
            LogNotSubreaper(logger);
        }
    }

    /// <param name="cgroups">Whole-job cleanup: each instance's processes join its cgroup; null runs without.</param>
    public ProcessLayer(IProcessNoticeSink sink, ILoggerFactory? loggerFactory = null, string? helperPath = null, JobCgroups? cgroups = null)
        : this(sink, loggerFactory, helperPath, cgroups, null)
    {
    }

    /// <summary>The helper installed next to the daemon by the build (UpstartHost.csproj).</summary>
    public static string DefaultHelperPath => Path.Combine(AppContext.BaseDirectory, "upstart-exec");

    public string HelperPath { get; }

    /// <summary>
    /// The spawn library, which starts every process not needing the helper program without exec'ing the
    /// helper first (about 1 ms less per spawn here: docs/processes.md); null when it is not installed.
    /// </summary>
    public string? SpawnLibraryPath => spawnLibrary?.Path;

    /// <summary>Children started through the library that may still run on the memory they were given.</summary>
    internal int SpawnMemoryHeld => spawnLibrary?.Outstanding ?? 0;

    /// <summary>Where `console log` output goes; <see cref="JobLogWriter.FlushAsync"/> waits for it.</summary>
    public JobLogWriter LogWriter { get; }

    /// <summary>
    /// Re-exec, on the engine thread (so nothing spawns meanwhile): stops reading the `console log` ptys,
    /// writes out what was read, and returns the masters, still open, for the next program.
    /// </summary>
    public IReadOnlyList<LogChannel> DetachLogChannels()
    {
        var channels = pump.Detach();
        LogWriter.FlushAsync().GetAwaiter().GetResult();
        pump = NewPump();
        return channels;
    }

    /// <summary>
    /// A `console log` pty master inherited across a re-exec or from the file-descriptor store (or kept
    /// when the exec failed): read on from it.
    /// </summary>
    public void AttachLogChannel(LogChannel channel) => pump.Add(channel.Fd, channel.Path, storeName: channel.StoreName);

    public SpawnResult Spawn(SpawnRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (disposed)
        {
            return SpawnResult.Failed("the process layer is shut down");
        }

        var command = ProcessCommand.For(request.Process);
        if (command.Argv.Count == 0)
        {
            return SpawnResult.Failed("unable to execute: empty command");
        }

        using var console = ConsoleFds.Open(request.Config.Console, request.LogPath);
        if (console.Warning is not null && ReportOnce(console.Warning))
        {
            var processName = request.Kind.ToUpstartName();
            LogConsoleProblem(logger, request.JobName, processName, console.Warning);
        }

        var cgroup = cgroups?.Enter(request.JobName, request.Instance);
        var helperArgv = ExecHelperArguments.For(request.Config, command, console.OwnsConsole, out var limitNames, cgroup, request.KeepWorkingDirectory);
        // Not `using`: a child started by the spawn library reads them until it has exec'd (SpawnMemory).
        var argv = NativeStrings.TryCreate(helperArgv);
        var envp = NativeStrings.TryCreate(request.Environment);
        SpawnMemory? memory = null;
        try
        {
            if (argv is null || envp is null)
            {
                return SpawnResult.Failed("unable to execute: a NUL byte in the " + (argv is null ? "command or settings" : "environment"));
            }

            return Spawn(request, command, console, argv, envp, limitNames, cgroup, out memory);
        }
        finally
        {
            if (memory is null)
            {
                argv?.Dispose();
                envp?.Dispose();
            }
        }
    }

    private SpawnResult Spawn(SpawnRequest request, ProcessCommand command, ConsoleFds console, NativeStrings argv, NativeStrings envp, List<string> limitNames, string? cgroup, out SpawnMemory? memory)
    {
        memory = null;

        var scriptFd = -1;
        if (command.ScriptText is not null && !SpawnPipes.TryWriteScript(command.ScriptText, out scriptFd, out var scriptError))
        {
            return SpawnResult.Failed("unable to pass the script: " + scriptError);
        }

        if (!SpawnPipes.TryOpenErrorPipe(out var errorRead, out var errorWrite))
        {
            SpawnPipes.CloseIfOpen(scriptFd);
            return SpawnResult.Failed("unable to create the error pipe: " + Libc.ErrorText(Marshal.GetLastPInvokeError()));
        }

        var fds = new List<(int Source, int Target)>(5);
        console.AddTo(fds);
        fds.Add((errorWrite, ExecHelperArguments.ErrorFd));
        if (scriptFd >= 0)
        {
            fds.Add((scriptFd, ProcessCommand.ScriptFd));
        }

        var tracked = new TrackedProcess(this, request.Kind == ProcessKind.Main ? request.Config.Expect : ExpectMode.None)
        {
            LimitNames = limitNames,
            Cgroup = cgroup,
            JobName = request.JobName,
            ProcessName = request.Kind.ToUpstartName(),
        };
        var library = ExecHelperArguments.NeedsHelperProgram(request.Config) ? null : spawnLibrary;
        lock (tracked.Lock)
        {
            var pid = SpawnChild(library, argv, envp, fds, tracked, out memory);
            Libc.close(errorWrite);
            SpawnPipes.CloseIfOpen(scriptFd);
            if (pid <= 0)
            {
                Libc.close(errorRead);
                return SpawnResult.Failed("unable to execute " + (library?.Path ?? HelperPath) + ": " + Libc.ErrorText(-pid));
            }

            if (tracked.Expect is ExpectMode.Fork or ExpectMode.Daemon && ProcStat.Read(pid) is { } stat)
            {
                tracked.StartTime = stat.StartTime;
            }

            // The outcome (exec'd or failed) is the exec watcher's or the reaper's to post, after this
            // returns: the engine thread never waits for the child's setup.
            tracked.ErrorFd = errorRead;
            tracked.SpawnMemory = memory;
            tracked.Pid = tracked.Current = pid;
            tracked.Lineage.Add(pid);
            byNoticePid[pid] = tracked;
        }

        watcher.Add(tracked);

        // A helper that fails closes its end of the pty at exit: the pump sees EOF and writes nothing.
        if (console.LogMaster >= 0)
        {
            // Stored before the pump owns it: the pump may close it at once when the process is quick.
            var master = console.TakeLogMaster();
            var storeName = store?.Keep(master, request.JobName, request.Instance);
            pump.Add(master, request.LogPath!, request.Output, storeName);
        }
        else
        {
            request.Output?.Complete();
        }

        return SpawnResult.Ok(tracked.Pid);
    }

    public void InstanceFinished(string jobName, string instance, bool killLeftovers)
    {
        if (killLeftovers)
        {
            cgroups?.Release(jobName, instance);
        }
        else
        {
            cgroups?.LetGo(jobName, instance);
        }
    }

    public string? CgroupOf(string jobName, string instance) => cgroups?.PathOf(jobName, instance);

    public void ResumeCgroup(string jobName, string instance, string path) => cgroups?.Resume(jobName, instance, path);

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        reaper.Release(owner => owner is TrackedProcess t && ReferenceEquals(t.Layer, this));
        watcher.Dispose();
        foreach (var tracked in byNoticePid.Values)
        {
            lock (tracked.Lock)
            {
                // No outcome will be posted any more; the pipe is only closed.
                SpawnPipes.CloseIfOpen(tracked.ErrorFd);
                tracked.ErrorFd = -1;
            }
        }

        pump.Dispose();
        LogWriter.Dispose();
    }

    /// <summary>
    /// Through the library when given one, otherwise the helper program: born in its cgroup through the library
    /// where it can be (docs/processes.md, "Joining"), or posix_spawn'd.
    /// </summary>
    private unsafe int SpawnChild(SpawnLibrary? library, NativeStrings argv, NativeStrings envp, List<(int Source, int Target)> fds, TrackedProcess tracked, out SpawnMemory? memory)
    {
        var pairs = fds.ToArray();
        SpawnMemory? kept = null;
        var pid = reaper.SpawnOwned(
            () =>
            {
                if (library is not null)
                {
                    return library.Spawn(argv, envp, pairs, out kept);
                }

                fixed (byte* path = helperPath)
                {
                    if (tracked.Cgroup is not null && spawnLibrary is not null)
                    {
                        var born = spawnLibrary.SpawnProgram(path, argv, envp, pairs, out kept);
                        if (born > 0)
                        {
                            return born;
                        }
                    }

                    return PosixSpawn.Spawn(path, argv.Pointers, envp.Pointers, pairs);
                }
            },
            tracked);
        memory = kept;
        return pid;
    }

    /// <summary>A channel that ends leaves the store too (<see cref="LogChannelStore.Forget"/>).</summary>
    private ConsoleLogPump NewPump() => new(LogWriter, store is null ? null : name => store.Forget(name));

    /// <summary>Console problems repeat on every spawn (no /dev/console in a container): say each once.</summary>
    private bool ReportOnce(string problem)
    {
        lock (reported)
        {
            return reported.Add(problem);
        }
    }

    private static byte[] NulTerminated(string path)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Failed to spawn {Job} {Process} process: {Reason}")]
    private static partial void LogSpawnFailed(ILogger logger, string job, string process, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Job} {Process} process: {Problem}")]
    private static partial void LogConsoleProblem(ILogger logger, string job, string process, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unable to become a child subreaper: orphaned processes go to init, and expect fork|daemon cannot follow them")]
    private static partial void LogNotSubreaper(ILogger logger);
}
