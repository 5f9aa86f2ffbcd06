using System.Net.Sockets;
using UpstartCtl.Formatting;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Client;
using UpstartPS.Protocol.Messages;

namespace UpstartCtl;

/// <summary>
/// upstartctl / initctl: runs one command against the daemon and prints what initctl(8) prints.
/// Exit 0 on success; 1 with `PROG: MESSAGE` on stderr for any error (UPSTART.md §d).
/// </summary>
public sealed class Ctl
{
    private readonly CtlArguments args;
    private readonly TextWriter output;
    private readonly TextWriter error;
    private readonly Func<string, string?> environment;

    private Ctl(CtlArguments args, TextWriter output, TextWriter error, Func<string, string?> environment)
    {
        this.args = args;
        this.output = output;
        this.error = error;
        this.environment = environment;
    }

    public static Task<int> RunAsync(string program, IReadOnlyList<string> argv, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        RunAsync(program, argv, output, error, Environment.GetEnvironmentVariable, cancellationToken);

    /// <summary><see cref="RunAsync(string, IReadOnlyList{string}, TextWriter, TextWriter, CancellationToken)"/> with the environment supplied (tests).</summary>
    internal static async Task<int> RunAsync(
        string program, IReadOnlyList<string> argv, TextWriter output, TextWriter error, Func<string, string?> environment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        CtlArguments args;
        try
        {
            args = CtlArguments.Parse(program, argv);
        }
        catch (CtlUsageException e)
        {
            return Usage(program, e.Message, error);
        }

        if (args.Help)
        {
            output.WriteLine(HelpText.For(program));
            return 0;
        }

        if (args.Version && args.Command is null)
        {
            output.WriteLine(HelpText.ClientVersion);
            return 0;
        }

        if (args.Command is null)
        {
            return Usage(program, "missing command", error);
        }

        return await new Ctl(args, output, error, environment).RunAsync(cancellationToken).ConfigureAwait(false);
    }

    private static int Usage(string program, string message, TextWriter error)
    {
        error.WriteLine($"{program}: {message}");
        error.WriteLine($"Try `{program} --help' for more information.");
        return 1;
    }

    private async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            Validate();
        }
        catch (CtlUsageException e)
        {
            return Usage(args.Program, e.Message, error);
        }
        catch (UpstartException e)
        {
            return Fail(e.Message);
        }

        // One socket, chosen once: if nobody answers there the error names it (no second guess).
        var socket = ChooseSocket(args, environment, File.Exists, ControlSocketPaths.CurrentUid);
        try
        {
            await using var client = await UpstartClient.ConnectAsync(socket, cancellationToken).ConfigureAwait(false);
            return await DispatchAsync(client, cancellationToken).ConfigureAwait(false);
        }
        catch (CtlUsageException e)
        {
            return Usage(args.Program, e.Message, error);
        }
        catch (UpstartException e) when (e.CheckFailure is { } check)
        {
            foreach (var line in CheckFailureText.Format(args.Program, e.Message, check))
            {
                error.WriteLine(line);
            }

            return 1;
        }
        catch (UpstartException e)
        {
            // The client words every failure in full, a connect failure included (`Unable to connect to
            // the UpstartPS daemon at PATH: …`): printed as it is, like any daemon error.
            return Fail(e.Message);
        }
        catch (SocketException e)
        {
            return Fail($"Unable to connect to the UpstartPS daemon at {socket}: {e.Message}");
        }
        catch (IOException e)
        {
            return Fail($"Connection to the UpstartPS daemon at {socket} failed: {e.Message}");
        }
    }

    /// <summary>--socket PATH, else the rule every client shares (ControlSocketPaths.Resolve: as root the system daemon unless a session is asked for).</summary>
    internal static string ChooseSocket(CtlArguments args, Func<string, string?> environment, Func<string, bool> exists, Func<uint> uid) =>
        args.SocketPath ?? ControlSocketPaths.Resolve(args.System, environment, exists, uid);

    /// <summary>
    /// Every command once: what it checks in its words before any connection is made, and what it does.
    /// What is sent is the daemon's to check (one rule, at the protocol edge); the variables of status and
    /// log only pick an instance here and never reach it, so they get that same rule here.
    /// </summary>
    private static readonly Dictionary<string, Command> Commands = new(StringComparer.Ordinal)
    {
        ["start"] = new(NeedsJob, (c, client, ct) => c.JobCommandAsync(client, (u, j, e, w) => u.StartAsync(j, e, w, ct), printStatus: true)),
        ["stop"] = new(NeedsJob, (c, client, ct) => c.JobCommandAsync(client, (u, j, e, w) => u.StopAsync(j, e, w, ct), printStatus: true)),
        ["restart"] = new(NeedsJob, (c, client, ct) => c.JobCommandAsync(client, (u, j, e, w) => u.RestartAsync(j, e, w, ct), printStatus: true)),
        ["reload"] = new(NeedsJob, (c, client, ct) => c.JobCommandAsync(client, (u, j, e, _) => u.ReloadAsync(j, e, ct), printStatus: false)),
        ["status"] = new(NeedsJobAndInstanceVariables, (c, client, ct) => c.StatusAsync(client, ct)),
        ["list"] = new(NoCheck, (c, client, ct) => c.ListAsync(client, ct)),
        ["emit"] = new(NeedsEvent, (c, client, ct) => c.EmitAsync(client, ct)),
        ["reload-configuration"] = new(NoCheck, (c, client, ct) => c.ReloadConfigurationAsync(client, ct)),
        ["check-config"] = new(NoCheck, (c, client, ct) => c.CheckConfigAsync(client, ct)),
        ["show-config"] = new(NoCheck, (c, client, ct) => c.ShowConfigAsync(client, ct)),
        ["log-priority"] = new(NoCheck, (c, client, ct) => c.LogPriorityAsync(client, ct)),
        ["version"] = new(NoCheck, (c, client, ct) => c.VersionAsync(client, ct)),
        ["usage"] = new(NeedsJob, (c, client, ct) => c.UsageAsync(client, ct)),
        ["enable"] = new(NeedsJob, (c, client, ct) => c.SetEnabledAsync(client, true, ct)),
        ["disable"] = new(NeedsJob, (c, client, ct) => c.SetEnabledAsync(client, false, ct)),
        ["log"] = new(NeedsJobAndInstanceVariables, (c, client, ct) => c.LogAsync(client, ct)),
        ["diagnostics"] = new(NoCheck, (c, client, ct) => c.DiagnosticsAsync(client, ct)),
        ["re-exec"] = new(NoCheck, (_, client, ct) => ReExecAsync(client, ct)),
    };

    private void Validate()
    {
        if (!Commands.TryGetValue(args.Command!, out var command))
        {
            throw new CtlUsageException($"invalid command: {args.Command}");
        }

        if (args.Now && args.Command != "disable")
        {
            throw new CtlUsageException("option '--now' goes with disable only");
        }

        command.Check(this);
    }

    private Task<int> DispatchAsync(UpstartClient client, CancellationToken ct) => Commands[args.Command!].Run(this, client, ct);

    private static void NoCheck(Ctl ctl)
    {
    }

    private static void NeedsJob(Ctl ctl) => _ = ctl.JobAndEnvironment();

    private static void NeedsJobAndInstanceVariables(Ctl ctl) => RequestArguments.CheckEnvironment(ctl.JobAndEnvironment().Env);

    private static void NeedsEvent(Ctl ctl)
    {
        if (ctl.args.Words.Count == 0)
        {
            throw new CtlUsageException("missing event name");
        }
    }

    private async Task<int> JobCommandAsync(UpstartClient client, Func<UpstartClient, string, IReadOnlyList<string>, bool, Task<JobInfo>> call, bool printStatus)
    {
        var (job, env, wait) = JobAndEnvironment();
        var info = await call(client, job, env, wait).ConfigureAwait(false);
        if (printStatus)
        {
            Print(StatusLine.Format(info));
        }

        return 0;
    }

    /// <summary>
    /// initctl: with no JOB inside a job process, act on $UPSTART_JOB/$UPSTART_INSTANCE and do not wait
    /// (a job waiting for itself would deadlock); otherwise `missing job name`.
    /// </summary>
    private (string Job, IReadOnlyList<string> Env, bool Wait) JobAndEnvironment()
    {
        var words = args.Words;
        if (words.Count > 0 && !words[0].Contains('=', StringComparison.Ordinal))
        {
            return (words[0], [.. words.Skip(1)], !args.NoWait);
        }

        if (environment("UPSTART_JOB") is { Length: > 0 } self)
        {
            var env = words.ToList();
            if (environment("UPSTART_INSTANCE") is { Length: > 0 } instance)
            {
                env.Add("UPSTART_INSTANCE=" + instance);
            }

            return (self, env, false);
        }

        throw new CtlUsageException("missing job name");
    }

    /// <summary>status JOB [K=V]...: the instance named by expanding the job's `instance` stanza with the given variables.</summary>
    private async Task<int> StatusAsync(UpstartClient client, CancellationToken ct)
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
            var config = await client.ShowConfigAsync(job, ct).ConfigureAwait(false);
            instance = InstanceName.Expand(config.Instance, config.Env, envWithoutSelf);
        }

        var jobs = await client.StatusAsync(job, instance, ct).ConfigureAwait(false);
        foreach (var info in jobs)
        {
            Print(StatusLine.Format(info));
        }

        return 0;
    }

    private async Task<int> ListAsync(UpstartClient client, CancellationToken ct)
    {
        var jobs = await client.ListAsync(ct).ConfigureAwait(false);
        foreach (var info in jobs.OrderBy(j => j.Name, StringComparer.Ordinal).ThenBy(j => j.Instance, StringComparer.Ordinal))
        {
            Print(StatusLine.Format(info));
        }

        return 0;
    }

    private async Task<int> EmitAsync(UpstartClient client, CancellationToken ct)
    {
        await client.EmitAsync(args.Words[0], [.. args.Words.Skip(1)], !args.NoWait, ct).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Like `telinit u`: nothing printed; returns once the new program answers on the socket.</summary>
    private static async Task<int> ReExecAsync(UpstartClient client, CancellationToken ct)
    {
        // A daemon whose exec failed keeps running and keeps this connection open: say so instead of waiting forever.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(ReExecTimeout);
        try
        {
            await client.ReExecAsync(bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new UpstartException(UpstartErrorCode.Timeout, "The daemon did not re-exec (see its log)");
        }

        await UpstartClient.WaitUntilAnsweringAsync(new UpstartClientOptions { SocketPath = client.SocketPath }, ReExecTimeout, ct).ConfigureAwait(false);
        return 0;
    }

    /// <summary>A re-exec with 1,000 jobs takes well under a second; this bounds a daemon that never comes back.</summary>
    private static readonly TimeSpan ReExecTimeout = TimeSpan.FromSeconds(60);

    private async Task<int> ReloadConfigurationAsync(UpstartClient client, CancellationToken ct)
    {
        var change = await client.ReloadConfigurationAsync(args.DryRun, ct).ConfigureAwait(false);
        if (args.DryRun)
        {
            Print(ConfigText.ConfigurationChange(change));
        }

        return 0;
    }

    private async Task<int> CheckConfigAsync(UpstartClient client, CancellationToken ct)
    {
        var items = await client.CheckConfigAsync(args.IgnoredEvents, ct).ConfigureAwait(false);
        if (args.Words.Count > 0)
        {
            items = [.. items.Where(i => i.Job == args.Words[0])];
        }

        Print(ConfigText.CheckConfig(items));
        return items.Count > 0 ? 1 : 0;
    }

    private async Task<int> ShowConfigAsync(UpstartClient client, CancellationToken ct)
    {
        IEnumerable<string> names = args.Words.Count > 0
            ? [args.Words[0]]
            : (await client.ListAsync(ct).ConfigureAwait(false)).Select(j => j.Name).Distinct().Order(StringComparer.Ordinal);
        foreach (var name in names)
        {
            Print(ConfigText.ShowConfig(await client.ShowConfigAsync(name, ct).ConfigureAwait(false)));
        }

        return 0;
    }

    private async Task<int> LogPriorityAsync(UpstartClient client, CancellationToken ct)
    {
        var priority = await client.LogPriorityAsync(args.Words.Count > 0 ? args.Words[0] : null, ct).ConfigureAwait(false);
        if (args.Words.Count == 0)
        {
            Print(priority);
        }

        return 0;
    }

    private async Task<int> VersionAsync(UpstartClient client, CancellationToken ct)
    {
        Print(await client.GetVersionAsync(ct).ConfigureAwait(false));
        return 0;
    }

    private async Task<int> UsageAsync(UpstartClient client, CancellationToken ct)
    {
        var (job, _, _) = JobAndEnvironment();
        var config = await client.ShowConfigAsync(job, ct).ConfigureAwait(false);
        Print("Usage: " + (config.Usage ?? ""));
        return 0;
    }

    private async Task<int> SetEnabledAsync(UpstartClient client, bool enabled, CancellationToken ct)
    {
        var (job, _, wait) = JobAndEnvironment();
        if (enabled || !args.Now)
        {
            await client.SetEnabledAsync(job, enabled, ct).ConfigureAwait(false);
            return 0;
        }

        // disable --now: like stop, print where each instance ended up.
        foreach (var info in await client.DisableAsync(job, stop: true, wait, ct).ConfigureAwait(false))
        {
            Print(StatusLine.Format(info));
        }

        return 0;
    }

    private async Task<int> LogAsync(UpstartClient client, CancellationToken ct)
    {
        var (job, env, _) = JobAndEnvironment();
        var instance = env.Count > 0 ? InstanceName.Expand("", [], env) : null;
        await foreach (var line in client.ReadLogAsync(job, instance, args.Lines, args.Follow, ct).ConfigureAwait(false))
        {
            output.WriteLine(line.Line);
        }

        return 0;
    }

    private async Task<int> DiagnosticsAsync(UpstartClient client, CancellationToken ct)
    {
        var diagnostics = await client.GetDiagnosticsAsync(ct).ConfigureAwait(false);
        foreach (var d in diagnostics)
        {
            Print($"{d.Path}:{d.Line}:{d.Column}: {d.Kind}: {d.Message}");
        }

        return diagnostics.Any(d => d.Severity == "error") ? 1 : 0;
    }

    private void Print(string text)
    {
        if (!args.Quiet && text.Length > 0)
        {
            output.WriteLine(text);
        }
    }

    private int Fail(string message)
    {
        error.WriteLine($"{args.Program}: {message}");
        return 1;
    }

    /// <summary>One command: the checks made on its words before connecting, then the work.</summary>
    private sealed record Command(Action<Ctl> Check, Func<Ctl, UpstartClient, CancellationToken, Task<int>> Run);
}
