using System.Collections.Concurrent;
using Upstart.JobFiles.Loading;
using Upstart.JobFiles.Model;
using UpstartHost.Engine;
using UpstartHost.Logging;
using UpstartHost.Processes;
using Microsoft.Extensions.Logging.Abstractions;

namespace UpstartPS.TestSupport.Engine;

/// <summary>
/// A real <see cref="JobEngine"/> wired to a real <see cref="ProcessLayer"/>, in-process, with job files
/// written to a temporary directory and loaded as the daemon loads them (JobDirectoryLoader, then
/// ApplyCatalogAsync). Every wait is bounded by <see cref="Bound"/>. Disposing stops every job, shuts the
/// engine and the layer down and throws if anything the test started is left: no process spawned, no
/// process in the sessions they made, and no new child (zombies included) of the test process.
/// The supervision tests use it as it is; the benchmarks' harnesses through <see cref="SupervisorSetup"/>,
/// with their own timing wrapper round the layer and without capturing log lines.
/// </summary>
internal sealed class Supervisor : IAsyncDisposable
{
    /// <summary>How long any one wait may take in the tests (a benchmark may ask for more: <see cref="SupervisorSetup.Bound"/>).</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private readonly ConcurrentDictionary<int, bool> started = new();
    private readonly HashSet<int> childrenBefore;
    private readonly string root;
    private bool disposed;

    private Supervisor(string root, SupervisorSetup setup)
    {
        this.root = root;
        Wait = setup.Bound;
        childrenBefore = [.. ProcScan.All().Where(p => p.Ppid == ProcScan.OwnPid).Select(p => p.Pid)];
        ConfigDirectory = Directory.CreateDirectory(Path.Combine(root, "init")).FullName;
        LogDirectory = Directory.CreateDirectory(Path.Combine(root, "log")).FullName;
        WorkDirectory = Directory.CreateDirectory(Path.Combine(root, "work")).FullName;
        var sink = new RecordingSink(started);
        ProcessLayer? layer = null;
        Engine = new JobEngine(
            (setup.Options ?? new EngineOptions()) with { LogDirectory = LogDirectory, AppArmorAvailable = false },
            engine =>
            {
                sink.Engine = engine;
                layer = new ProcessLayer(sink, setup.Record ? ProcessLog : null);
                var recording = new RecordingProcessLayer(layer, started);
                return setup.WrapLayer is { } wrap ? wrap(recording) : recording;
            },
            new SystemEngineClock(),
            setup.Record ? EngineLog : NullLogger<JobEngine>.Instance);
        Processes = layer!;
        if (setup.Record)
        {
            Engine.Notification += Notifications.Add;
        }

        Engine.Start();
    }

    public JobEngine Engine { get; }

    public ProcessLayer Processes { get; }

    /// <summary>Every notification, in order (empty when the setup turned recording off).</summary>
    public NotificationLog Notifications { get; } = new();

    public CapturingLogger<JobEngine> EngineLog { get; } = new();

    public CapturingLoggerFactory ProcessLog { get; } = new();

    /// <summary>This fixture's bound on any one wait (<see cref="Bound"/> unless the setup asked for another).</summary>
    public TimeSpan Wait { get; }

    public string ConfigDirectory { get; }

    public string LogDirectory { get; }

    /// <summary>A scratch directory for files the jobs write (pid files, markers).</summary>
    public string WorkDirectory { get; }

    /// <summary>Writes each job file, loads the directory and applies it; the files must parse cleanly.</summary>
    public static Task<Supervisor> StartAsync(params (string Name, string Text)[] jobs) => StartAsync(new SupervisorSetup(), jobs);

    public static Task<Supervisor> StartAsync(EngineOptions? options, params (string Name, string Text)[] jobs) =>
        StartAsync(new SupervisorSetup { Options = options }, jobs);

    public static async Task<Supervisor> StartAsync(SupervisorSetup setup, params (string Name, string Text)[] jobs)
    {
        var supervisor = new Supervisor(Directory.CreateTempSubdirectory("upstartps-supervision-").FullName, setup);
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
        if (!catalog.Diagnostics.IsEmpty)
        {
            throw new InvalidOperationException("the job files do not load cleanly: " + string.Join("; ", catalog.Diagnostics));
        }

        await Engine.ApplyCatalogAsync(catalog).WaitAsync(Wait);
    }

    public Task<JobSnapshot> StartJob(string job, params string[] environment) =>
        Engine.StartAsync(job, environment, wait: true).WaitAsync(Wait);

    public Task<JobSnapshot> StopJob(string job, params string[] environment) =>
        Engine.StopAsync(job, environment, wait: true).WaitAsync(Wait);

    public Task Emit(string name, params string[] environment) =>
        Engine.EmitAsync(name, environment, wait: true).WaitAsync(Wait);

    /// <summary>The instance as `initctl status` sees it; null when it does not exist.</summary>
    public async Task<JobSnapshot?> Status(string job, string instance = "")
    {
        var list = await Engine.ListAsync().WaitAsync(Wait);
        return list.SingleOrDefault(s => s.Name == job && s.Instance == instance && s.HasInstance);
    }

    public async Task<int> MainPid(string job, string instance = "")
    {
        var status = await Status(job, instance) ?? throw new InvalidOperationException($"{job} ({instance}) has no instance");
        return status.Processes.Single(p => p.Kind == ProcessKind.Main).Pid;
    }

    public Task<EngineNotification> WaitForEvent(string name, int position, params string[] environment) =>
        Notifications.WaitFor(n => NotificationLog.IsEvent(n, name, environment), $"event {name} {string.Join(' ', environment)}", position, Wait);

    public Task<EngineNotification> WaitForState(string job, string state, int position, string instance = "") =>
        Notifications.WaitFor(n => NotificationLog.IsState(n, job, instance, state), $"{job} ({instance}) to reach {state}", position, Wait);

    /// <summary>The job's console log once it contains every fragment (the pump and writer run on their own threads).</summary>
    public async Task<string> LogContaining(string job, string instance, params string[] fragments)
    {
        var path = LogFileName.For(LogDirectory, job, instance);
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            await Processes.LogWriter.FlushAsync().WaitAsync(Wait);
            var text = File.Exists(path) ? await File.ReadAllTextAsync(path) : "";
            if (fragments.All(f => text.Contains(f, StringComparison.Ordinal)))
            {
                return text;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{path} never contained {string.Join(", ", fragments)}; it holds: {text}");
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
                throw new TimeoutException(path + " was never written");
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
                throw new TimeoutException("timed out waiting for " + what);
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
                throw new InvalidOperationException("processes left behind: " + string.Join(", ", left.Select(p => $"{p.Pid} ({p.Comm}, state {p.State}, ppid {p.Ppid}, sid {p.Session})")));
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
            await Engine.StopAllAsync().WaitAsync(Wait);
        }
        catch (TimeoutException)
        {
            var list = await Engine.ListAsync().WaitAsync(Wait);
            var stuck = list.Where(s => s.HasInstance).Select(s =>
                $"{s.Name} ({s.Instance}) {s.Goal.ToUpstartName()}/{s.State.ToUpstartName()} [{string.Join(' ', s.Processes.Select(p => p.Kind.ToUpstartName() + "=" + p.Pid))}]");
            throw new TimeoutException("stopping every job did not finish; left: " + string.Join("; ", stuck)
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
                Posix.Kill(p.Pid, 9);
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
