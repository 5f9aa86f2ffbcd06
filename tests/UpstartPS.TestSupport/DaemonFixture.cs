using System.Diagnostics;
using System.Text;
using UpstartPS.Protocol.Client;

namespace UpstartPS.TestSupport;

/// <summary>
/// The one real-daemon fixture: runs the real `upstart-host` executable in a private temp directory (conf, log
/// and state dirs, a short socket path under /tmp) for the integration tests, the module's tests and the
/// benchmarks (Pester's tests/Pester/Common.ps1 loads this assembly and calls it too). Readiness is a successful
/// connection and version request, or systemd's READY=1 with <see cref="ReadyByNotify"/> — never a sleep.
/// Every process the daemon spawns inherits a unique marker variable, so disposal can prove that nothing was
/// left behind. Dispose: SIGTERM, wait, SIGKILL on timeout, then <see cref="DaemonLeftovers"/> (processes and
/// job cgroups); a leftover throws, after it has been cleaned up.
/// </summary>
public sealed partial class DaemonFixture : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private readonly StringBuilder daemonOutput = new();
    private readonly Lock outputLock = new();
    private readonly List<string> extraArguments;
    private Process? daemon;
    private UpstartClient? client;

    // Bound for the daemon's whole life: it also sends STOPPING=1 and status lines, and fails if nobody listens.
    private ReadinessNotice? notifySocket;

    private DaemonFixture(string root, bool systemMode, IReadOnlyList<string> extraArguments)
    {
        Root = root;
        SystemMode = systemMode;
        this.extraArguments = [.. extraArguments];
        Marker = "UPSTARTPS_TEST_RUN=" + Path.GetFileName(root);
        ConfDir = Path.Combine(Root, "init");
        SocketPath = Path.Combine(Root, "s.sock");
        Directory.CreateDirectory(ConfDir);
        Directory.CreateDirectory(LogDir);
        Directory.CreateDirectory(StateDir);
        Directory.CreateDirectory(RuntimeDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Root { get; }

    public bool SystemMode { get; }

    /// <summary>The job directory: ROOT/init, or one the caller set before <see cref="StartAsync"/> (Pester's).</summary>
    public string ConfDir { get; set; }

    public string LogDir => Path.Combine(Root, "log");

    public string StateDir => Path.Combine(Root, "state");

    /// <summary>
    /// The daemon's and upstartctl's $XDG_RUNTIME_DIR: private, so a session daemon's session file
    /// (`upstart/sessions/PID.session`) lands here, not in the test runner's own runtime directory.
    /// </summary>
    public string RuntimeDir => Path.Combine(Root, "runtime");

    /// <summary>ROOT/s.sock, or one the caller set before <see cref="StartAsync"/> (Pester's, where session discovery looks).</summary>
    public string SocketPath { get; set; }

    public string SettingsPath => Path.Combine(Root, "host.json");

    /// <summary>
    /// Where the daemon makes its job cgroups when host.json names no `cgroupRoot`: under the cgroup it inherits
    /// from this process. Null without cgroup v2.
    /// </summary>
    public string? CgroupDirectory => DaemonLeftovers.CgroupDirectory(SocketPath);

    /// <summary>KEY=VALUE present in the environment of the daemon and therefore of every job process.</summary>
    public string Marker { get; }

    public int DaemonPid => daemon?.Id ?? 0;

    /// <summary>The executable to run; <see cref="DaemonPath"/> unless a caller measures another build.</summary>
    public string Program { get; set; } = DaemonPath;

    /// <summary>
    /// A command the daemon is exec'd through (e.g. `unshare -U -r sh -c '…; exec "$@"' sh` to give it
    /// a private user namespace with its own inotify limits). It must exec the daemon in the same
    /// process, so <see cref="DaemonPid"/> stays the daemon's.
    /// </summary>
    public IReadOnlyList<string> LaunchPrefix { get; set; } = [];

    /// <summary>
    /// This process's descriptors (close-on-exec) that the <see cref="LaunchPrefix"/> command inherits, e.g.
    /// a file-descriptor store's to hand on as LISTEN_FDS. Inheritable only around the start itself; a child
    /// another test class starts in that moment may get a copy too (harmless for a pty master: the pty ends
    /// when its slave side is closed).
    /// </summary>
    public IReadOnlyList<int> PassFds { get; set; } = [];

    /// <summary>The daemon's working directory (a session daemon's jobs start there); null: the test process's.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>Extra environment for the daemon (e.g. NOTIFY_SOCKET to play systemd).</summary>
    public Dictionary<string, string> Environment { get; } = [];

    public string DaemonOutput
    {
        get
        {
            lock (outputLock)
            {
                return daemonOutput.ToString();
            }
        }
    }

    /// <summary>A client connected to the daemon (reconnected after <see cref="RestartAsync"/>).</summary>
    public UpstartClient Client => client ?? throw new InvalidOperationException("daemon not started");

    /// <summary>
    /// Where the executables under test are: UPSTARTPS_BIN_DIR when set (build.ps1's TestNative points it at the
    /// NativeAOT publish in out/native), else next to the tests (a project referencing UpstartHost and
    /// UpstartCtl gets both copied beside it).
    /// </summary>
    public static string BinDirectory =>
        System.Environment.GetEnvironmentVariable("UPSTARTPS_BIN_DIR") is { Length: > 0 } dir ? Path.GetFullPath(dir) : AppContext.BaseDirectory;

    public static string DaemonPath => Path.Combine(BinDirectory, "upstart-host");

    public static string CtlPath => Path.Combine(BinDirectory, "upstartctl");

    /// <summary>
    /// Creates the directories and writes the jobs, but does not start the daemon (call <see cref="StartAsync"/>).
    /// Session mode by default; <paramref name="systemMode"/> runs `--system` (the tests run as root) with
    /// "system" authorisation and a world-reachable socket.
    /// </summary>
    public static DaemonFixture Create(bool systemMode = false, params string[] extraArguments)
    {
        // Short: a unix socket path must fit in 108 bytes.
        var root = Path.Combine("/tmp", "ups-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(root);
        if (systemMode)
        {
            File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
        }

        return new DaemonFixture(root, systemMode, extraArguments);
    }

    public static async Task<DaemonFixture> StartNewAsync(params (string Name, string Text)[] jobs)
    {
        var fixture = Create();
        foreach (var (name, text) in jobs)
        {
            fixture.WriteJob(name, text);
        }

        await fixture.StartAsync();
        return fixture;
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (daemon is not null)
        {
            throw new InvalidOperationException("already running");
        }

        var info = StartInfo();
        if (SystemMode && !File.Exists(SettingsPath))
        {
            await File.WriteAllTextAsync(SettingsPath, """{ "authorization": "system", "adminGroup": "upstartps-test-admins" }""", cancellationToken);
        }

        var notify = ReadyByNotify ? ReadinessNotice.Listen(Path.Combine(Root, "notify.sock"), info) : null;
        notifySocket = notify;
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        var clock = Stopwatch.StartNew();
        Posix.SetCloseOnExec(PassFds, false);
        try
        {
            process.Start();
        }
        finally
        {
            Posix.SetCloseOnExec(PassFds, true);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        daemon = process;

        if (notify is not null)
        {
            await notify.WaitAsync(process, ReadyTimeout, () => DaemonOutput, cancellationToken);
            StartToReady = clock.Elapsed;
        }

        client = await WaitUntilReadyAsync(process, cancellationToken);
    }

    /// <summary>SIGTERM, wait for a clean exit (code 0), then start a new daemon on the same directories.</summary>
    public async Task RestartAsync()
    {
        var code = await StopAsync();
        if (code != 0)
        {
            throw new InvalidOperationException($"daemon exited {code}:\n{DaemonOutput}");
        }

        await StartAsync();
    }

    /// <summary>
    /// Sends SIGTERM (or <paramref name="signal"/>) and waits; returns the exit code (SIGKILL and an exception after
    /// the timeout).
    /// </summary>
    public async Task<int> StopAsync(int signals = 1, int signal = 15)
    {
        var process = await ForgetClientAsync();
        for (var i = 0; i < signals; i++)
        {
            Posix.Kill(process.Id, signal);
        }

        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"daemon did not exit within {StopTimeout} of SIGTERM:\n{DaemonOutput}");
        }

        var code = process.ExitCode;
        Forget(process);
        return code;
    }

    /// <summary>A fresh connection once the daemon answers again (after a re-exec closed the old one).</summary>
    public async Task ReconnectAsync()
    {
        var process = daemon ?? throw new InvalidOperationException("daemon not started");
        if (client is not null)
        {
            await client.DisposeAsync();
        }

        client = await WaitUntilReadyAsync(process, CancellationToken.None);
    }

    /// <summary>
    /// Closes the fixture's own connection, for a test that counts the daemon's connections (Pester's idle-close
    /// test); <see cref="Client"/> is unusable until <see cref="ReconnectAsync"/>.
    /// </summary>
    public Task DisconnectAsync() => ForgetClientAsync();

    /// <summary>
    /// SIGKILL, as a crash would: the daemon cleans nothing up and its jobs are left running, and so are its job
    /// cgroups. Start a daemon on the same directories again before disposing: its clean exit removes them.
    /// </summary>
    public async Task KillDaemonAsync()
    {
        var process = await ForgetClientAsync();
        Posix.Kill(process.Id, 9);
        using var timeout = new CancellationTokenSource(StopTimeout);
        await process.WaitForExitAsync(timeout.Token);
        Forget(process);
    }

    public void SendSignal(int signal)
    {
        var process = daemon ?? throw new InvalidOperationException("daemon not started");
        Posix.Kill(process.Id, signal);
    }

    public static void SendSignal(int pid, int signal) => Posix.Kill(pid, signal);

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds, polling an observable state.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("timed out waiting for " + what);
            }

            await Task.Delay(25);
        }
    }

    /// <summary>
    /// Stops a running daemon (it must exit 0), then checks that nothing of it is left — processes carrying the
    /// marker, its job cgroups — and removes the directory. A leftover is cleaned up, then reported by throwing.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (daemon is not null)
            {
                var code = await StopAsync();
                if (code != 0)
                {
                    throw new InvalidOperationException($"daemon exit code {code}:\n{DaemonOutput}");
                }
            }

            var leftovers = await DaemonLeftovers.CollectAsync(Marker, SocketPath);
            if (leftovers.Length > 0)
            {
                throw new InvalidOperationException($"left behind by the daemon on {SocketPath}:\n{leftovers}\n{DaemonOutput}");
            }
        }
        finally
        {
            notifySocket?.Dispose();
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private ProcessStartInfo StartInfo()
    {
        var info = new ProcessStartInfo(LaunchPrefix.Count > 0 ? LaunchPrefix[0] : Program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = WorkingDirectory ?? "",
        };
        if (LaunchPrefix.Count > 0)
        {
            foreach (var arg in LaunchPrefix.Skip(1))
            {
                info.ArgumentList.Add(arg);
            }

            info.ArgumentList.Add(Program);
        }

        info.ArgumentList.Add(SystemMode ? "--system" : "--session");
        foreach (var arg in new[] { "--confdir", ConfDir, "--logdir", LogDir, "--state-dir", StateDir, "--socket", SocketPath, "--config", SettingsPath })
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var arg in extraArguments)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("NOTIFY_SOCKET");
        info.Environment.Remove("UPSTARTPS_SOCKET");

        // A JIT-built daemon opens the runtime's debugger pipes and diagnostic socket in /tmp, removed only
        // at a clean exit: the tests that SIGKILL or re-exec it would leave three files there each time.
        info.Environment["DOTNET_EnableDiagnostics"] = "0";
        info.Environment["XDG_RUNTIME_DIR"] = RuntimeDir;
        foreach (var (key, value) in Environment)
        {
            info.Environment[key] = value;
        }

        var eq = Marker.IndexOf('=', StringComparison.Ordinal);
        info.Environment[Marker[..eq]] = Marker[(eq + 1)..];
        return info;
    }

    private async Task<Process> ForgetClientAsync()
    {
        var process = daemon ?? throw new InvalidOperationException("daemon not started");
        if (client is not null)
        {
            await client.DisposeAsync();
            client = null;
        }

        return process;
    }

    /// <summary>The daemon has exited: let go of it and of what only it used.</summary>
    private void Forget(Process process)
    {
        process.Dispose();
        daemon = null;
        notifySocket?.Dispose();
        notifySocket = null;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (outputLock)
        {
            daemonOutput.AppendLine(line);
        }
    }
}
