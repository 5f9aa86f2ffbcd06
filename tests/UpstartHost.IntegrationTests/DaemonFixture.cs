using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Client;

namespace UpstartHost.IntegrationTests;

/// <summary>
/// Runs the real `upstart-host` executable in a private temp directory (conf, log and state dirs, a short
/// socket path under /tmp) and drives it. Readiness is a successful connection and version request — never
/// a sleep. Every process the daemon spawns inherits a unique marker variable, so disposal can prove that
/// nothing was left behind. Dispose: SIGTERM, wait, SIGKILL on timeout, assert no leftover processes.
/// </summary>
public sealed class DaemonFixture : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private readonly StringBuilder daemonOutput = new();
    private readonly Lock outputLock = new();
    private readonly List<string> extraArguments;
    private Process? daemon;
    private UpstartClient? client;

    private DaemonFixture(string root, bool systemMode, IReadOnlyList<string> extraArguments)
    {
        Root = root;
        SystemMode = systemMode;
        this.extraArguments = [.. extraArguments];
        Marker = "UPSTARTPS_TEST_RUN=" + Path.GetFileName(root);
        Directory.CreateDirectory(ConfDir);
        Directory.CreateDirectory(LogDir);
        Directory.CreateDirectory(StateDir);
    }

    public string Root { get; }

    public bool SystemMode { get; }

    public string ConfDir => Path.Combine(Root, "init");

    public string LogDir => Path.Combine(Root, "log");

    public string StateDir => Path.Combine(Root, "state");

    public string SocketPath => Path.Combine(Root, "s.sock");

    public string SettingsPath => Path.Combine(Root, "host.json");

    /// <summary>
    /// Where the daemon makes its job cgroups when host.json names no `cgroupRoot`: under the cgroup it inherits
    /// from this process. Null without cgroup v2.
    /// </summary>
    public string? CgroupDirectory =>
        UpstartHost.Processes.Cgroups.CgroupLocation.OfThisProcess(out _) is { } root
            ? Path.Combine(root, UpstartHost.Processes.Cgroups.CgroupNames.ForDaemon(SocketPath))
            : null;

    /// <summary>KEY=VALUE present in the environment of the daemon and therefore of every job process.</summary>
    public string Marker { get; }

    public int DaemonPid => daemon?.Id ?? 0;

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
    /// NativeAOT publish of both programs), else next to the tests (the test project references both).
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

    public void WriteJob(string name, string text)
    {
        var path = Path.Combine(ConfDir, name + ".conf");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        // Write then rename, as an editor would: the watcher never sees half a file.
        var temp = Path.Combine(ConfDir, "." + Guid.NewGuid().ToString("N"));
        File.WriteAllText(temp, text);

        // 0644 whatever the umask: a system daemon refuses job files a group or others may write.
        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.Move(temp, path, overwrite: true);
    }

    public void DeleteJob(string name) => File.Delete(Path.Combine(ConfDir, name + ".conf"));

    public string ReadLog(string job, string instance = "")
    {
        var path = UpstartHost.Logging.LogFileName.For(LogDir, job, instance);
        return File.Exists(path) ? File.ReadAllText(path) : "";
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (daemon is not null)
        {
            throw new InvalidOperationException("already running");
        }

        var info = new ProcessStartInfo(LaunchPrefix.Count > 0 ? LaunchPrefix[0] : DaemonPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (LaunchPrefix.Count > 0)
        {
            foreach (var arg in LaunchPrefix.Skip(1))
            {
                info.ArgumentList.Add(arg);
            }

            info.ArgumentList.Add(DaemonPath);
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

        if (SystemMode && !File.Exists(SettingsPath))
        {
            await File.WriteAllTextAsync(SettingsPath, """{ "authorization": "system", "adminGroup": "upstartps-test-admins" }""", cancellationToken);
        }

        info.Environment.Remove("NOTIFY_SOCKET");
        info.Environment.Remove("UPSTARTPS_SOCKET");
        foreach (var (key, value) in Environment)
        {
            info.Environment[key] = value;
        }

        var eq = Marker.IndexOf('=', StringComparison.Ordinal);
        info.Environment[Marker[..eq]] = Marker[(eq + 1)..];

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        SetCloseOnExec(PassFds, false);
        try
        {
            process.Start();
        }
        finally
        {
            SetCloseOnExec(PassFds, true);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        daemon = process;

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

    /// <summary>Sends SIGTERM and waits; returns the exit code (SIGKILL and an exception after the timeout).</summary>
    public async Task<int> StopAsync(int signals = 1)
    {
        var process = daemon ?? throw new InvalidOperationException("daemon not started");
        if (client is not null)
        {
            await client.DisposeAsync();
            client = null;
        }

        for (var i = 0; i < signals; i++)
        {
            SendSignal(process.Id, 15);
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
        process.Dispose();
        daemon = null;
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

    /// <summary>SIGKILL, as a crash would: the daemon cleans nothing up and its jobs are left running.</summary>
    public async Task KillDaemonAsync()
    {
        var process = daemon ?? throw new InvalidOperationException("daemon not started");
        if (client is not null)
        {
            await client.DisposeAsync();
            client = null;
        }

        SendSignal(process.Id, 9);
        using var timeout = new CancellationTokenSource(StopTimeout);
        await process.WaitForExitAsync(timeout.Token);
        process.Dispose();
        daemon = null;
    }

    /// <summary>Live (non-zombie) processes whose environment says UPSTART_JOB=<paramref name="job"/>: its copies.</summary>
    public IReadOnlyList<int> ProcessesOfJob(string job)
    {
        var tag = Encoding.UTF8.GetBytes("UPSTART_JOB=" + job + "\0");
        return [.. JobProcesses().Where(pid =>
        {
            try
            {
                return File.ReadAllBytes($"/proc/{pid}/environ").AsSpan().IndexOf(tag) >= 0;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        })];
    }

    public void SendSignal(int signal)
    {
        var process = daemon ?? throw new InvalidOperationException("daemon not started");
        SendSignal(process.Id, signal);
    }

    /// <summary>
    /// A copy of the built upstartctl under <see cref="Root"/> (mode 0755): the build output may sit below a
    /// directory only root can enter (a clone in `mktemp -d`), where another user's apphost cannot even
    /// resolve its own path.
    /// </summary>
    private string CtlReachableByOtherUsers()
    {
        var dir = Path.Combine(Root, "ctl");
        var program = Path.Combine(dir, "upstartctl");
        if (File.Exists(program))
        {
            return program;
        }

        Directory.CreateDirectory(dir);

        // A JIT build is an apphost plus its assemblies; the NativeAOT build is the one binary.
        foreach (var name in new[] { "upstartctl", "upstartctl.dll", "upstartctl.deps.json", "upstartctl.runtimeconfig.json", "UpstartPS.Protocol.dll" })
        {
            var source = Path.Combine(BinDirectory, name);
            if (name == "upstartctl" || File.Exists(source))
            {
                File.Copy(source, Path.Combine(dir, name));
            }
        }

        var readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        var executable = readable | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(dir, executable);
        File.SetUnixFileMode(Root, File.GetUnixFileMode(Root) | UnixFileMode.OtherExecute | UnixFileMode.GroupExecute);
        File.SetUnixFileMode(program, executable);
        return program;
    }

    /// <summary>Runs the built upstartctl (optionally through a symlink named <paramref name="invokedAs"/>).</summary>
    public async Task<CtlResult> RunCtlAsync(string[] args, string? invokedAs = null, string[]? asUser = null, TimeSpan? timeout = null)
    {
        var program = CtlPath;
        if (invokedAs is not null)
        {
            var link = Path.Combine(Root, "bin", invokedAs);
            Directory.CreateDirectory(Path.GetDirectoryName(link)!);
            if (!File.Exists(link))
            {
                File.CreateSymbolicLink(link, CtlPath);
            }

            program = link;
        }

        if (asUser is not null)
        {
            program = CtlReachableByOtherUsers();
        }

        var info = new ProcessStartInfo(asUser is null ? program : asUser[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asUser is not null)
        {
            foreach (var a in asUser.Skip(1))
            {
                info.ArgumentList.Add(a);
            }

            info.ArgumentList.Add(program);
        }

        info.ArgumentList.Add("--socket");
        info.ArgumentList.Add(SocketPath);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment.Remove("UPSTART_JOB");
        info.Environment.Remove("UPSTART_INSTANCE");
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"upstartctl {string.Join(' ', args)} did not finish");
        }

        return new CtlResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Processes (other than the daemon) whose environment carries this fixture's marker: the daemon's jobs.</summary>
    public IReadOnlyList<int> JobProcesses()
    {
        var marker = Encoding.UTF8.GetBytes(Marker + "\0");
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == DaemonPid || pid == System.Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var environ = File.ReadAllBytes(Path.Combine(dir, "environ"));
                if (environ.AsSpan().IndexOf(marker) >= 0 && !IsZombieOrDaemon(pid))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone, or a kernel thread.
            }
        }

        return found;
    }

    /// <summary>Children of <paramref name="parent"/> that have ended and not been reaped.</summary>
    public static int ZombieChildren(int parent) =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(n => n!.All(char.IsAsciiDigit))
            .Count(n =>
            {
                try
                {
                    var stat = File.ReadAllText($"/proc/{n}/stat");
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    return fields[0] == "Z" && fields[1] == parent.ToString(CultureInfo.InvariantCulture);
                }
                catch (IOException)
                {
                    return false;
                }
            });

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

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (daemon is not null)
            {
                var code = await StopAsync();
                Assert.True(code == 0, $"daemon exit code {code}:\n{DaemonOutput}");
            }

            var leftovers = JobProcesses();
            foreach (var pid in leftovers)
            {
                SendSignal(pid, 9);
            }

            Assert.True(leftovers.Count == 0, $"processes left behind: {string.Join(", ", leftovers)}\n{DaemonOutput}");
        }
        finally
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static bool IsZombieOrDaemon(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            var comm = stat[(stat.IndexOf('(', StringComparison.Ordinal) + 1)..stat.LastIndexOf(')')];
            return state == 'Z' || comm == "upstart-host";
        }
        catch (IOException)
        {
            return true;
        }
    }

    private async Task<UpstartClient> WaitUntilReadyAsync(Process process, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"upstart-host exited with {process.ExitCode} before it was ready:\n{DaemonOutput}");
            }

            if (File.Exists(SocketPath))
            {
                try
                {
                    var connected = await UpstartClient.ConnectAsync(SocketPath, cancellationToken);
                    await connected.GetVersionAsync(cancellationToken);
                    return connected;
                }
                catch (Exception e) when (e is UpstartException or IOException or System.Net.Sockets.SocketException)
                {
                    // Bound but not serving yet.
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"upstart-host was not ready within {ReadyTimeout}:\n{DaemonOutput}");
            }

            // Waiting for the socket to appear: poll briefly; the connection itself is the readiness signal.
            await Task.Delay(10, cancellationToken);
        }
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

    public static void SendSignal(int pid, int signal) => _ = kill(pid, signal);

    private static void SetCloseOnExec(IReadOnlyList<int> fds, bool closeOnExec)
    {
        const int F_SETFD = 2;
        foreach (var fd in fds)
        {
            if (fcntl(fd, F_SETFD, closeOnExec ? 1 : 0) != 0)
            {
                throw new IOException($"fcntl({fd}): errno {Marshal.GetLastPInvokeError()}");
            }
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int fcntl(int fd, int command, int argument);

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}

public sealed record CtlResult(int ExitCode, string Stdout, string Stderr);
