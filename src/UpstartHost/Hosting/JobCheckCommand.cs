using Upstart.JobFiles.Diagnostics;
using Upstart.JobFiles.Loading;

namespace UpstartHost.Hosting;

/// <summary>
/// `upstart-host check PATH...`, like init-checkconf(8): parses job files (or whole directories) without
/// running anything and prints every diagnostic as PATH:LINE:COL: KIND: MESSAGE. Exit 0 when all are
/// clean, 1 when any has an error.
/// </summary>
public static class JobCheckCommand
{
    public static int Run(IReadOnlyList<string> paths, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var failed = false;
        foreach (var path in paths)
        {
            IEnumerable<Diagnostic> diagnostics;
            int jobs;
            if (Directory.Exists(path))
            {
                var catalog = JobDirectoryLoader.Load([path]);
                diagnostics = catalog.Diagnostics;
                jobs = catalog.Jobs.Count;
            }
            else if (File.Exists(path))
            {
                var full = Path.GetFullPath(path);
                var dir = Path.GetDirectoryName(full)!;
                var name = Path.GetFileNameWithoutExtension(full);
                var catalog = JobDirectoryLoader.LoadJob([dir], name);
                diagnostics = catalog.Diagnostics.Where(d => Path.GetFullPath(d.Path) == full
                    || Path.GetFullPath(d.Path) == Path.ChangeExtension(full, ".override"));
                jobs = catalog.Jobs.Count;
            }
            else
            {
                error.WriteLine($"upstart-host: {path}: No such file or directory");
                failed = true;
                continue;
            }

            var errors = 0;
            foreach (var d in diagnostics)
            {
                output.WriteLine(d.ToString());
                errors += d.Severity == DiagnosticSeverity.Error ? 1 : 0;
            }

            failed |= errors > 0;
            output.WriteLine(errors == 0 ? $"{path}: OK ({jobs} job{(jobs == 1 ? "" : "s")})" : $"{path}: {errors} error{(errors == 1 ? "" : "s")}");
        }

        return failed ? 1 : 0;
    }
}
