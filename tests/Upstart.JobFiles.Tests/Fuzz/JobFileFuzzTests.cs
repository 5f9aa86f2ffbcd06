using System.Diagnostics;
using Upstart.JobFiles.Loading;
using Upstart.JobFiles.Parsing;
using Upstart.JobFiles.Tests.Conformance;
using Xunit.Abstractions;

namespace Upstart.JobFiles.Tests.Fuzz;

/// <summary>
/// Issue 12: hostile job files (mutations of the conformance corpus, deep nesting, special files) through the
/// parser and the directory loader. No exception may escape, no case may hang (a watchdog fails the test when
/// the worker makes no progress), and no case may allocate without bound. Quick here; the full count runs with
/// `build.ps1 -Task Fuzz` (docs/job-files.md has the figures).
/// </summary>
public sealed class JobFileFuzzTests(ITestOutputHelper output)
{
    private const string CountVariable = "UPSTARTPS_FUZZ_JOBFILES";
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(30);
    private const long CaseAllocationBound = 256L * 1024 * 1024;
    private const int CasesPerDirectory = 2_000;

    private sealed class Run
    {
        public long Done;
        public long Files;
        public long PeakCaseBytes;
        public int Directories;
        public readonly List<string> Failures = [];
    }

    [Fact]
    [Trait("Category", "Fuzz")]
    public void Mutated_and_nested_job_files_and_special_files_never_crash_hang_or_grow_without_bound()
    {
        var total = FuzzSize.Cases(CountVariable, 6_000);
        var seed = FuzzSize.Seed;
        var corpus = Directory.GetFiles(CorpusLocator.Folder("parse"), "*.conf").Select(File.ReadAllText).ToArray();
        Assert.NotEmpty(corpus);
        var run = new Run();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();

        var worker = new Thread(() => Work(run, corpus, total, seed)) { IsBackground = true, Name = "job-file fuzz" };
        worker.Start();
        var seen = -1L;
        var lastProgress = Stopwatch.StartNew();
        while (!worker.Join(TimeSpan.FromMilliseconds(500)))
        {
            var done = Interlocked.Read(ref run.Done);
            if (done != seen)
            {
                seen = done;
                lastProgress.Restart();
            }

            Assert.True(lastProgress.Elapsed < HangBound, $"hang: no progress for {HangBound.TotalSeconds} s at case {done} (seed {seed})");
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        output.WriteLine(
            $"{run.Done} parser cases + {run.Files} files in {run.Directories} directories, seed {seed}, {clock.Elapsed.TotalSeconds:0.0} s, " +
            $"largest case allocated {run.PeakCaseBytes / 1024} KiB, heap {before / 1024 / 1024} -> {after / 1024 / 1024} MiB, {run.Failures.Count} failures");
        Assert.Empty(run.Failures);
        Assert.InRange(run.PeakCaseBytes, 0, CaseAllocationBound);
        Assert.InRange(after - before, long.MinValue, 64L * 1024 * 1024);
        Assert.True(run.Done + run.Files >= total);
    }

    private static void Work(Run run, string[] corpus, int total, int seed)
    {
        var mutator = new JobFileMutator(seed);
        for (var i = 0; run.Done + run.Files < total; i++)
        {
            if (i % CasesPerDirectory == 0)
            {
                Guard(run, i, () => LoadHostileDirectory(run, mutator, corpus, i));
            }

            var text = i % 50 == 0 ? mutator.Nesting() : mutator.Mutate(corpus[i % corpus.Length]);
            Guard(run, i, () =>
            {
                var allocated = GC.GetAllocatedBytesForCurrentThread();
                var result = JobFileParser.Parse("fuzz", "/fuzz/fuzz.conf", text);
                if (result.Config is { } config && i % 3 == 0)
                {
                    JobFileParser.ApplyOverride(config, "/fuzz/fuzz.override", mutator.Mutate(corpus[(i * 7) % corpus.Length]));
                }

                run.PeakCaseBytes = Math.Max(run.PeakCaseBytes, GC.GetAllocatedBytesForCurrentThread() - allocated);
            });
            Interlocked.Increment(ref run.Done);
        }
    }

    private static void Guard(Run run, int index, Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex)
        {
            lock (run.Failures)
            {
                if (run.Failures.Count < 10)
                {
                    run.Failures.Add($"case {index}: {ex}");
                }
                else
                {
                    run.Failures.Add("…");
                }
            }
        }
    }

    /// <summary>A directory of mutated jobs and overrides, nested folders and the files a loader must refuse: FIFO, /dev/zero, a folder named .conf, a symlink loop.</summary>
    private static void LoadHostileDirectory(Run run, JobFileMutator mutator, string[] corpus, int index)
    {
        using var dir = new TempDirectory();
        var files = 0;
        for (var j = 0; j < 40; j++)
        {
            var nested = string.Join('/', Enumerable.Range(0, j % 8).Select(d => "d" + d));
            dir.Write(Path.Combine(nested, $"job{j}.conf"), mutator.Mutate(corpus[(index + j) % corpus.Length]));
            files++;
            if (j % 4 == 0)
            {
                dir.Write(Path.Combine(nested, $"job{j}.override"), mutator.Mutate(corpus[(index + j + 1) % corpus.Length]));
                files++;
            }
        }

        var deep = string.Join('/', Enumerable.Range(0, 60).Select(d => "n" + d));
        dir.Write(Path.Combine(deep, "deep.conf"), "exec true\n");
        Make("mkfifo", Path.Combine(dir.Path, "pipe.conf"));
        File.CreateSymbolicLink(Path.Combine(dir.Path, "zero.conf"), "/dev/zero");
        File.CreateSymbolicLink(Path.Combine(dir.Path, "zero.override"), "/dev/zero");
        Directory.CreateDirectory(Path.Combine(dir.Path, "folder.conf"));
        File.CreateSymbolicLink(Path.Combine(dir.Path, "loop-a.conf"), Path.Combine(dir.Path, "loop-b.conf"));
        File.CreateSymbolicLink(Path.Combine(dir.Path, "loop-b.conf"), Path.Combine(dir.Path, "loop-a.conf"));
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "d0", "up"), dir.Path);
        files += 8;

        var catalog = JobDirectoryLoader.Load([dir.Path]);
        Assert.DoesNotContain("pipe", catalog.Jobs.Keys);
        Assert.DoesNotContain("zero", catalog.Jobs.Keys);
        Interlocked.Add(ref run.Files, files);
        run.Directories++;
    }

    private static void Make(params string[] command)
    {
        using var process = Process.Start(command[0], command[1..]);
        if (!process.WaitForExit(10_000))
        {
            process.Kill();
            throw new TimeoutException($"{command[0]} did not finish");
        }
    }
}
