using System.Collections.Concurrent;
using Upstart.JobFiles.Loading;
using Upstart.JobFiles.Model;
using UpstartHost.Engine;
using UpstartHost.Logging;
using UpstartHost.Processes;
using UpstartHost.Processes.Native;
using UpstartHost.Tests.Engine;
using UpstartHost.Tests.Logging;

namespace UpstartHost.Tests.Supervision;

/// <summary>
/// A real <see cref="JobEngine"/> wired to a real <see cref="ProcessLayer"/>, in-process, with job files
/// written to a temporary directory and loaded as the daemon loads them (JobDirectoryLoader, then
/// ApplyCatalogAsync). Every wait is bounded by <see cref="Bound"/>. Disposing stops every job, shuts the
/// engine and the layer down and asserts that nothing the test started is left: no process spawned, no
/// process in the sessions they made, and no new child (zombies included) of the test process.
/// </summary>
internal sealed class Supervisor : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private readonly ConcurrentDictionary<int, bool> started = new();
    private readonly HashSet<int> childrenBefore;
    private readonly string root;
    private bool disposed;

    private Supervisor(string root, EngineOptions? options)
    {
        this.root = root;
        childrenBefore = [.. ProcScan.All().Where(p => p.Ppid == ProcScan.OwnPid).Select(p => p.Pid)];
        ConfigDirectory = Directory.CreateDirectory(Path.Combine(root, "init")).FullName;
        LogDirectory = Directory.CreateDirectory(Path.Combine(root, "log")).FullName;
        WorkDirectory = Directory.CreateDirectory(Path.Combine(root, "work")).FullName;
        var sink = new RecordingSink(started);
        ProcessLayer? layer = null;
        Engine = new JobEngine(
            (options ?? new EngineOptions()) with { LogDirectory = LogDirectory, AppArmorAvailable = false },
            engine =>
            {
                sink.Engine = engine;
                layer = new ProcessLayer(sink, ProcessLog);
                return new RecordingProcessLayer(layer, started);
            },
            new SystemEngineClock(),
            EngineLog);
        Processes = layer!;
        Engine.Notification += Notifications.Add;
        Engine.Start();
    }

    public JobEngine Engine { get; }

    public ProcessLayer Processes { get; }

    public NotificationLog Notifications { get; } = new();

    public CapturingLogger<JobEngine> EngineLog { get; } = new();

    public CapturingLoggerFactory ProcessLog { get; } = new();

    public string ConfigDirectory { get; }

    public string LogDirectory { get; }

    /// <summary>A scratch directory for files the jobs write (pid files, markers).</summary>
    public string WorkDirectory { get; }

    /// <summary>Writes each job file, loads the directory and applies it; the files must parse cleanly.</summary>
    public static async Task<Supervisor> StartAsync(params (string Name, string Text)[] jobs) => await StartAsync(null, jobs);

    public static async Task<Supervisor> StartAsync(EngineOptions? options, params (string Name, string Text)[] jobs)
    {
        var supervisor = new Supervisor(Directory.CreateTempSubdirectory("upstartps-supervision-").FullName, options);
        try
        {
            await supervisor.LoadAsync(jobs);
            return supervisor;
        }
        catch
        {
            await supervisor.DisposeAsync();
            throw;
        }
    }

    /// <summary>Adds job files (the text may use {work} for <see cref="WorkDirectory"/>) and reloads the catalog.</summary>
    public async Task LoadAsync(params (string Name, string Text)[] jobs)
    {
        foreach (var (name, text) in jobs)
        {
            var path = Path.Combine(ConfigDirectory, name + ".conf");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, text.Replace("{work}", WorkDirectory, StringComparison.Ordinal));
        }

        var catalog = JobDirectoryLoader.Load([ConfigDirectory]);
        Assert.Empty(catalog.Diagnostics);
        await Engine.ApplyCatalogAsync(catalog).WaitAsync(Bound);
    }

    public Task<JobSnapshot> StartJob(string job, params string[] environment) =>
        Engine.StartAsync(job, environment, wait: true).WaitAsync(Bound);

    public Task<JobSnapshot> StopJob(string job, params string[] environment) =>
        Engine.StopAsync(job, environment, wait: true).WaitAsync(Bound);

    public Task Emit(string name, params string[] environment) =>
        Engine.EmitAsync(name, environment, wait: true).WaitAsync(Bound);

    /// <summary>The instance as `initctl status` sees it; null when it does not exist.</summary>
    public async Task<JobSnapshot?> Status(string job, string instance = "")
    {
        var list = await Engine.ListAsync().WaitAsync(Bound);
        return list.SingleOrDefault(s => s.Name == job && s.Instance == instance && s.HasInstance);
    }

    public async Task<int> MainPid(string job, string instance = "")
    {
        var status = await Status(job, instance) ?? throw new InvalidOperationException($"{job} ({instance}) has no instance");
        return status.Processes.Single(p => p.Kind == ProcessKind.Main).Pid;
    }

    public Task<EngineNotification> WaitForEvent(string name, int position, params string[] environment) =>
        Notifications.WaitFor(n => NotificationLog.IsEvent(n, name, environment), $"event {name} {string.Join(' ', environment)}", position, Bound);

    public Task<EngineNotification> WaitForState(string job, string state, int position, string instance = "") =>
        Notifications.WaitFor(n => NotificationLog.IsState(n, job, instance, state), $"{job} ({instance}) to reach {state}", position, Bound);

    /// <summary>The job's console log once it contains every fragment (the pump and writer run on their own threads).</summary>
    public async Task<string> LogContaining(string job, string instance, params string[] fragments)
    {
        var path = LogFileName.For(LogDirectory, job, instance);
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            await Processes.LogWriter.FlushAsync().WaitAsync(Bound);
            var text = File.Exists(path) ? await File.ReadAllTextAsync(path) : "";
            if (fragments.All(f => text.Contains(f, StringComparison.Ordinal)))
            {
                return text;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{path} never contained {string.Join(", ", fragments)}; it holds: {text}");
            }

            // Output still in a pty buffer raises no notification to await: poll, bounded.
            await Task.Delay(20);
        }
    }

    /// <summary>Waits (bounded) until the file exists and is not empty, then returns its text.</summary>
    public static async Task<string> FileWritten(string path)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!File.Exists(path) || new FileInfo(path).Length == 0 || !(await File.ReadAllTextAsync(path)).EndsWith('\n'))
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail(path + " was never written");
            }

            // A file a child writes raises no notification: poll, bounded.
            await Task.Delay(10);
        }

        return await File.ReadAllTextAsync(path);
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds: for what a child does that nothing notifies.</summary>
    public static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("timed out waiting for " + what);
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Everything this test started that still exists (zombies included).</summary>
    public List<ProcEntry> Leftovers()
    {
        var ours = started.Keys.ToHashSet();
        return ProcScan.All()
            .Where(p => p.Pid != ProcScan.OwnPid)
            .Where(p => ours.Contains(p.Pid) || ours.Contains(p.Session) || (p.Ppid == ProcScan.OwnPid && !childrenBefore.Contains(p.Pid)))
            .ToList();
    }

    /// <summary>Waits (bounded) until nothing this test started is left; the reaper needs a moment for the last orphans.</summary>
    public async Task AssertNothingLeft()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        List<ProcEntry> left;
        while ((left = Leftovers()).Count > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("processes left behind: " + string.Join(", ", left.Select(p => $"{p.Pid} ({p.Comm}, state {p.State}, ppid {p.Ppid}, sid {p.Session})")));
            }

            // Exits of orphans are not notified to anyone: poll, bounded.
            await Task.Delay(10);
        }
    }

    /// <summary>StopAllAsync, bounded; when it does not finish, says which instances are stuck where.</summary>
    private async Task StopEverything()
    {
        try
        {
            await Engine.StopAllAsync().WaitAsync(Bound);
        }
        catch (TimeoutException)
        {
            var list = await Engine.ListAsync().WaitAsync(Bound);
            var stuck = list.Where(s => s.HasInstance).Select(s =>
                $"{s.Name} ({s.Instance}) {s.Goal.ToUpstartName()}/{s.State.ToUpstartName()} [{string.Join(' ', s.Processes.Select(p => p.Kind.ToUpstartName() + "=" + p.Pid))}]");
            Assert.Fail("stopping every job did not finish; left: " + string.Join("; ", stuck)
                + "; last notifications: " + string.Join("; ", Notifications.Since(Math.Max(0, Notifications.Count - 30))
                    .Select(n => n.Kind == NotificationKind.Event ? $"event {n.Name} {string.Join(' ', n.Environment)}" : $"{n.Job}({n.Instance}) {n.Goal?.ToUpstartName()}/{n.State?.ToUpstartName()}")));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        try
        {
            await StopEverything();
            await Engine.DisposeAsync();
            await AssertNothingLeft();
        }
        finally
        {
            // Whatever happened above, never let one test's processes leak into the next.
            foreach (var p in Leftovers())
            {
                Libc.kill(p.Pid, Libc.SIGKILL);
            }

            await Engine.DisposeAsync();
            Processes.Dispose();
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
