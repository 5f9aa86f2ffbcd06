using System.Diagnostics;
using System.Text;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Client;
using UpstartPS.Tests.Contract;

namespace UpstartPS.Tests.Daemon;

/// <summary>
/// The built `upstart-host --session` on a private directory with a short socket path, for checking the
/// module's assumptions (error codes, instance environments, blocking) against the real daemon. Stopped
/// with SIGTERM so it stops its jobs; nothing outlives a test.
/// </summary>
internal sealed class RealDaemon : IAsyncDisposable
{
    private readonly Process _process;

    private RealDaemon(string root, Process process, UpstartClient client)
    {
        Root = root;
        _process = process;
        Client = client;
    }

    public string Root { get; }

    public string SocketPath => Path.Combine(Root, "s.sock");

    public string ConfDir => Path.Combine(Root, "init");

    public UpstartClient Client { get; }

    public static string DaemonPath =>
        Path.Combine(ModuleLayout.RepoRoot, "src", "UpstartHost", "bin", ModuleLayout.Configuration, "net10.0", "upstart-host");

    public static async Task<RealDaemon> StartAsync(params (string Name, string Text)[] jobs)
    {
        // The test project builds the daemon; a missing one is a broken build, never a reason to skip.
        if (!File.Exists(DaemonPath))
        {
            throw new FileNotFoundException($"upstart-host is not built at {DaemonPath}", DaemonPath);
        }

        var root = Path.Combine("/tmp", "ups-" + Guid.NewGuid().ToString("N")[..10]);
        foreach (var dir in new[] { "init", "log", "state" })
        {
            Directory.CreateDirectory(Path.Combine(root, dir));
        }

        foreach (var (name, text) in jobs)
        {
            await File.WriteAllTextAsync(Path.Combine(root, "init", name + ".conf"), text);
        }

        // No test here relies on inotify: a long quiet period leaves reloads to the tests.
        await File.WriteAllTextAsync(Path.Combine(root, "host.json"), "{ \"reloadDebounceMilliseconds\": 60000 }");
        var info = new ProcessStartInfo(DaemonPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
                 {
                     "--session", "--confdir", Path.Combine(root, "init"), "--logdir", Path.Combine(root, "log"),
                     "--state-dir", Path.Combine(root, "state"), "--socket", Path.Combine(root, "s.sock"), "--config", Path.Combine(root, "host.json"),
                 })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("UPSTARTPS_SOCKET");
        info.Environment.Remove("NOTIFY_SOCKET");
        var process = Process.Start(info)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"upstart-host exited with {process.ExitCode}: {output}");
            }

            try
            {
                var client = await UpstartClient.ConnectAsync(Path.Combine(root, "s.sock"), ScriptedDaemon.Deadline(5));
                return new RealDaemon(root, process, client);
            }
            catch (UpstartException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    public string Log(string job) => File.Exists(Path.Combine(Root, "log", job + ".log")) ? File.ReadAllText(Path.Combine(Root, "log", job + ".log")) : "";

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}
