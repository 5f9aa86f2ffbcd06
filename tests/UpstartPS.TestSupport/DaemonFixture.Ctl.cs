using System.Diagnostics;

namespace UpstartPS.TestSupport;

/// <summary>The built (or native) upstartctl against this fixture's daemon, as a user would run it.</summary>
public sealed partial class DaemonFixture
{
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
        info.Environment["XDG_RUNTIME_DIR"] = RuntimeDir;
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
}

public sealed record CtlResult(int ExitCode, string Stdout, string Stderr);
