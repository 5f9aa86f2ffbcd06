using BenchmarkDotNet.Attributes;
using Upstart.JobFiles.Loading;
using Upstart.JobFiles.Parsing;

namespace UpstartPS.Benchmarks.JobFiles;

/// <summary>
/// Parsing one typical job file, and loading a directory of 1,000 of them (target: under 100 ms).
/// `dotnet run -c Release --project bench/UpstartPS.Benchmarks -- --filter '*JobFile*' --job short`
/// </summary>
[MemoryDiagnoser]
public class JobFileBenchmarks
{
    private string _text = "";
    private string _directory = "";

    [GlobalSetup]
    public void Setup()
    {
        _text = TypicalJobFile.Text(1);
        _directory = Directory.CreateTempSubdirectory("upstartps-bench-").FullName;
        for (var i = 0; i < 1000; i++)
        {
            var sub = Path.Combine(_directory, $"group{i % 10}");
            Directory.CreateDirectory(sub);
            File.WriteAllText(Path.Combine(sub, $"web{i}.conf"), TypicalJobFile.Text(i));
        }

        var check = JobDirectoryLoader.Load([_directory]);
        if (check.Jobs.Count != 1000 || !check.Diagnostics.IsEmpty)
        {
            throw new InvalidOperationException("benchmark job files do not all parse");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark]
    public object ParseOneJobFile() => JobFileParser.Parse("web1", "/etc/init/web1.conf", _text);

    [Benchmark]
    public object LoadDirectoryOf1000JobFiles() => JobDirectoryLoader.Load([_directory]);
}
