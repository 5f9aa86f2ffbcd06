using UpstartHost.Processes;

namespace UpstartHost.Tests.Processes;

/// <summary>
/// Tiny C programs compiled once per test run with the same `cc` that builds the exec helper: a daemon
/// that forks a chosen number of times (the real shapes `expect fork|daemon` must follow) and a static
/// `pause` that can run inside an empty chroot. cc itself runs through a process layer: the test process
/// has the layer's reaper, so System.Diagnostics.Process must not be used here either.
/// </summary>
public sealed class TestPrograms
{
    private const string ForkerSource = """
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <unistd.h>
        #include <sys/wait.h>
        /* forker N [setsid] [reap] PIDFILE: fork N times, each parent exiting 0 once its child exists (the
           classic daemon(3) shape; with setsid the first child starts a new session like a real daemon),
           then the last process writes its pid to PIDFILE and pauses. With reap the first parent waits for
           its child to exit before it exits itself, as dpkg's start-stop-daemon --background does. */
        static int has_option(int argc, char **argv, const char *name) {
            for (int i = 2; i < argc - 1; i++)
                if (strcmp(argv[i], name) == 0) return 1;
            return 0;
        }
        int main(int argc, char **argv) {
            int forks = atoi(argv[1]);
            int use_setsid = has_option(argc, argv, "setsid");
            int reap_first = has_option(argc, argv, "reap");
            const char *pidfile = argv[argc - 1];
            for (int i = 0; i < forks; i++) {
                pid_t child = fork();
                if (child < 0) return 2;
                if (child > 0) {
                    if (i == 0 && reap_first) waitpid(child, NULL, 0);
                    _exit(0);
                }
                if (i == 0 && use_setsid) setsid();
            }
            FILE *f = fopen(pidfile, "w");
            if (f == NULL) return 3;
            fprintf(f, "%d\n", (int)getpid());
            fclose(f);
            for (;;) pause();
        }
        """;

    private const string PauseSource = """
        #include <unistd.h>
        int main(void) { for (;;) pause(); }
        """;

    private static readonly Lazy<TestPrograms> Shared = new(() => new TestPrograms());

    private TestPrograms()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("upstartps-programs-").FullName;

        // Shared by the whole run, so no test owns it: it goes when the test process ends.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => RemoveDirectory();
        Forker = Compile("forker", ForkerSource, []);
        ChrootDirectory = Path.Combine(Directory, "root");
        System.IO.Directory.CreateDirectory(ChrootDirectory);
        Compile("root/pause", PauseSource, ["-static"]);
    }

    public static TestPrograms Instance => Shared.Value;

    public string Directory { get; }

    public string Forker { get; }

    /// <summary>An otherwise empty directory holding only a static /pause.</summary>
    public string ChrootDirectory { get; }

    private void RemoveDirectory()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A program still running from it at exit: the directory stays, nothing else is affected.
        }
    }

    private string Compile(string name, string source, string[] flags)
    {
        var sourcePath = Path.Combine(Directory, Path.GetFileName(name) + ".c");
        File.WriteAllText(sourcePath, source);
        var output = Path.Combine(Directory, name);
        var log = Path.Combine(Directory, Path.GetFileName(name) + ".log");
        var notices = new NoticeRecorder();
        using var layer = new ProcessLayer(notices);
        var command = string.Join(' ', new[] { "cc" }.Concat(flags).Concat(["-O2", "-o", output, sourcePath]));
        var result = SpawnOutcome.Of(layer, notices, SpawnRequests.Exec(command, logPath: log)).GetAwaiter().GetResult();
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"cc {name}: {result.Error}");
        }

        var exited = notices.WaitFor<ProcessExited>(result.Pid, TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        if (exited.Status != 0)
        {
            layer.LogWriter.FlushAsync().Wait(TimeSpan.FromSeconds(5));
            throw new InvalidOperationException($"cc {name} failed ({exited.Status}): " + (File.Exists(log) ? File.ReadAllText(log) : ""));
        }

        return output;
    }
}
