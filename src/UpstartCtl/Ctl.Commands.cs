using System.Text;
using UpstartCtl.Formatting;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Client;
using UpstartPS.Protocol.Messages;

namespace UpstartCtl;

/// <summary>What each upstartctl command sends to the daemon and prints, as initctl(8) does.</summary>
public sealed partial class Ctl
{
    private int JobCommand(Func<string, IReadOnlyList<string>, bool, JobInfo> call, bool printStatus)
    {
        var (job, env, wait) = JobAndEnvironment();
        var info = call(job, env, wait);
        if (printStatus)
        {
            Print(StatusLine.Format(info));
        }

        return 0;
    }

    /// <summary>status JOB [K=V]...: the instance named by expanding the job's `instance` stanza with the given variables.</summary>
    private int Status(BlockingUpstartClient client)
    {
        var (job, env, _) = JobAndEnvironment();
        string? instance = null;
        var envWithoutSelf = env.Where(e => !e.StartsWith("UPSTART_INSTANCE=", StringComparison.Ordinal)).ToList();
        if (env.FirstOrDefault(e => e.StartsWith("UPSTART_INSTANCE=", StringComparison.Ordinal)) is { } self && args.Words.Count == 0)
        {
            instance = self["UPSTART_INSTANCE=".Length..];
        }
        else if (envWithoutSelf.Count > 0)
        {
            var config = client.ShowConfig(job);
            if (!InstanceName.TryExpand(config.Instance, config.Env, envWithoutSelf, out instance, out var error))
            {
                return Fail(config.Usage is { } usage ? error + "\nUsage: " + usage : error);
            }
        }

        var jobs = client.Status(job, instance);

        // initctl's status_action: a missing instance is `JOB stop/waiting` only when no K=V picked it;
        // with variables it is `Unknown instance: NAME` (for a job without `instance`, NAME is empty).
        if (envWithoutSelf.Count > 0 && instance is not null && jobs.All(j => !j.HasInstance))
        {
            return Fail("Unknown instance: " + instance);
        }

        foreach (var info in jobs)
        {
            Print(StatusLine.Format(info));
        }

        return 0;
    }

    private int List(BlockingUpstartClient client)
    {
        var jobs = client.List();
        var line = new StringBuilder(128);
        foreach (var info in jobs.OrderBy(j => j.Name, StringComparer.Ordinal).ThenBy(j => j.Instance, StringComparer.Ordinal))
        {
            line.Clear();
            StatusLine.Append(line, info);
            Print(line);
        }

        return 0;
    }

    private int Emit(BlockingUpstartClient client)
    {
        client.Emit(args.Words[0], [.. args.Words.Skip(1)], !args.NoWait);
        return 0;
    }

    /// <summary>Like `telinit u`: nothing printed; returns once the new program answers on the socket.</summary>
    private static int ReExec(BlockingUpstartClient client)
    {
        // A daemon whose exec failed keeps running and keeps this connection open: ReExec says so instead of waiting forever.
        client.ReExec(ReExecTimeout);
        BlockingUpstartClient.WaitUntilAnswering(new UpstartClientOptions { SocketPath = client.SocketPath, ClientName = HelpText.ClientVersion }, ReExecTimeout);
        return 0;
    }

    /// <summary>A re-exec with 1,000 jobs takes well under a second; this bounds a daemon that never comes back.</summary>
    private static readonly TimeSpan ReExecTimeout = TimeSpan.FromSeconds(60);

    private int ReloadConfiguration(BlockingUpstartClient client)
    {
        var change = client.ReloadConfiguration(args.DryRun);
        if (args.DryRun)
        {
            Print(ConfigText.ConfigurationChange(change));
        }

        return 0;
    }

    private int CheckConfig(BlockingUpstartClient client)
    {
        var items = client.CheckConfig(args.IgnoredEvents, args.WarnAll);
        if (args.Words.Count > 0)
        {
            var job = args.Words[0];
            items = [.. items.Where(i => i.Job == job)];

            // initctl: a CONF it does not know is an error, not a clean bill of health.
            if (items.Count == 0 && !client.List().Any(j => j.Name == job))
            {
                return Fail("Invalid job class: " + job);
            }
        }

        Print(ConfigText.CheckConfig(items));
        return items.Count > 0 ? 1 : 0;
    }

    private int ShowConfig(BlockingUpstartClient client)
    {
        IEnumerable<string> names = args.Words.Count > 0
            ? [args.Words[0]]
            : client.List().Select(j => j.Name).Distinct().Order(StringComparer.Ordinal);
        foreach (var name in names)
        {
            Print(ConfigText.ShowConfig(client.ShowConfig(name), args.Enumerate));
        }

        return 0;
    }

    /// <summary>
    /// initctl's list-sessions: `PID ADDRESS` per live session daemon of this user ($XDG_RUNTIME_DIR/upstart/sessions),
    /// by process id; stale files are skipped. No $XDG_RUNTIME_DIR is initctl's "Unable to query session directory".
    /// </summary>
    private int ListSessions()
    {
        if (SessionFiles.DirectoryFrom(environment) is not { } directory)
        {
            return Fail("Unable to query session directory");
        }

        foreach (var (pid, address) in SessionFiles.List(directory))
        {
            PrintLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{pid} {address}"));
        }

        return 0;
    }

    /// <summary>
    /// initctl's notify-disk-writeable: the daemon writes the job output it kept while logs could not be written.
    /// Exit 0 as initctl's, also when some still cannot be: that is said on stderr (a boot script that runs this
    /// once the disk is mounted must not fail for it), and the daemon goes on trying.
    /// </summary>
    private int NotifyDiskWriteable(BlockingUpstartClient client)
    {
        var kept = client.NotifyDiskWriteable();
        if (kept > 0)
        {
            error.WriteLine(string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"{args.Program}: {kept} bytes of job output still cannot be written to their logs; the daemon keeps them and tries again (its log says why)"));
        }

        return 0;
    }

    private int LogPriority(BlockingUpstartClient client)
    {
        var priority = client.LogPriority(args.Words.Count > 0 ? args.Words[0] : null);
        if (args.Words.Count == 0)
        {
            Print(priority);
        }

        return 0;
    }

    private int Version(BlockingUpstartClient client)
    {
        Print(client.GetVersion());
        return 0;
    }

    private int Usage(BlockingUpstartClient client)
    {
        var (job, _, _) = JobAndEnvironment();
        var config = client.ShowConfig(job);
        Print("Usage: " + (config.Usage ?? ""));
        return 0;
    }

    private int SetEnabled(BlockingUpstartClient client, bool enabled)
    {
        var (job, _, wait) = JobAndEnvironment();
        if (enabled || !args.Now)
        {
            client.SetEnabled(job, enabled);
            return 0;
        }

        // disable --now: like stop, print where each instance ended up.
        foreach (var info in client.Disable(job, stop: true, wait))
        {
            Print(StatusLine.Format(info));
        }

        return 0;
    }

    private int Log(BlockingUpstartClient client)
    {
        var (job, env, _) = JobAndEnvironment();

        // K=V pick the instance as for status (`log worker NAME=alpha`); INSTANCE=NAME names it as it is.
        string? instance = null;
        if (env.Any(e => e.StartsWith("INSTANCE=", StringComparison.Ordinal) || e.StartsWith("UPSTART_INSTANCE=", StringComparison.Ordinal)))
        {
            InstanceName.TryExpand("", [], env, out instance, out _);
        }
        else if (env.Count > 0)
        {
            var config = client.ShowConfig(job);
            if (!InstanceName.TryExpand(config.Instance, config.Env, env, out instance, out var error))
            {
                return Fail(config.Usage is { } usage ? error + "\nUsage: " + usage : error);
            }
        }

        foreach (var line in client.ReadLog(job, instance, args.Lines, args.Follow))
        {
            output.WriteLine(line.Line);
            if (args.Follow)
            {
                // A follower reads lines as they come: stdout is buffered until the process ends otherwise.
                output.Flush();
            }
        }

        return 0;
    }

    /// <summary>
    /// list-env: `VAR=VALUE` lines, sorted. initctl sorts with strcoll, the locale's collation; upstartctl sorts
    /// ordinally (by UTF-16 code unit), which is the C locale's order and the same whatever the locale.
    /// </summary>
    private int ListEnvironment(BlockingUpstartClient client)
    {
        var (job, instance) = EnvironmentScope();
        foreach (var entry in client.ListEnvironment(job, instance).Order(StringComparer.Ordinal))
        {
            PrintLine(entry);
        }

        return 0;
    }

    /// <summary>get-env VAR: the value alone; a variable not set is the daemon's `No such variable: VAR`.</summary>
    private int GetEnvironment(BlockingUpstartClient client)
    {
        var (job, instance) = EnvironmentScope();
        PrintLine(client.GetEnvironmentVariable(args.Words[0], job, instance));
        return 0;
    }

    /// <summary>set-env VAR[=VALUE]...: every entry in one request (a bare VAR is VAR with the empty value); -r keeps values already set.</summary>
    private int SetEnvironment(BlockingUpstartClient client)
    {
        var (job, instance) = EnvironmentScope();
        client.SetEnvironment(args.Words, args.Retain, job, instance);
        return 0;
    }

    private int UnsetEnvironment(BlockingUpstartClient client)
    {
        var (job, instance) = EnvironmentScope();
        client.UnsetEnvironment(args.Words, job, instance);
        return 0;
    }

    private int ResetEnvironment(BlockingUpstartClient client)
    {
        var (job, instance) = EnvironmentScope();
        client.ResetEnvironment(job, instance);
        return 0;
    }

    private int Diagnostics(BlockingUpstartClient client)
    {
        var diagnostics = client.GetDiagnostics();
        foreach (var d in diagnostics)
        {
            Print(ConfigText.Diagnostic(d));
        }

        return diagnostics.Any(d => d.Severity == "error") ? 1 : 0;
    }
}
