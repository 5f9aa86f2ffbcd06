using System.Reflection;
using System.Runtime.Versioning;
using BenchmarkDotNet.Running;

// The daemon is Linux-only (signals, /proc, posix_spawn); so are the harnesses that drive it.
[assembly: SupportedOSPlatform("linux")]

namespace UpstartPS.Benchmarks;

/// <summary>
/// `dotnet run -c Release --project bench/UpstartPS.Benchmarks -- --filter '*'` runs the
/// BenchmarkDotNet suites; `-- e2e NAME [args]` runs an end-to-end harness (real processes, real
/// daemon) that prints its own percentiles. `-- e2e list` names them.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "e2e")
        {
            var harnesses = typeof(Program).Assembly.GetTypes()
                .Where(t => typeof(IEndToEndBenchmark).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
                .Select(t => (IEndToEndBenchmark)Activator.CreateInstance(t)!)
                .ToDictionary(h => h.Name, StringComparer.OrdinalIgnoreCase);
            if (args.Length < 2 || !harnesses.TryGetValue(args[1], out var harness))
            {
                Console.WriteLine("end-to-end harnesses: " + string.Join(", ", harnesses.Keys.Order()));
                return args.Length < 2 || args[1] == "list" ? 0 : 2;
            }

            return await harness.RunAsync(args[2..]).ConfigureAwait(false);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}

/// <summary>An end-to-end measurement that BenchmarkDotNet cannot host (real children, real sockets).</summary>
public interface IEndToEndBenchmark
{
    string Name { get; }

    Task<int> RunAsync(string[] args);
}
