using System.Net.Sockets;
using UpstartCtl.Formatting;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Client;

namespace UpstartCtl;

/// <summary>
/// upstartctl / initctl: runs one command against the daemon and prints what initctl(8) prints.
/// Exit 0 on success; 1 with `PROG: MESSAGE` on stderr for any error (UPSTART.md §d). This half reads the
/// words, connects and reports errors; what each command sends and prints is in Ctl.Commands.cs.
/// </summary>
public sealed partial class Ctl
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

    public static int Run(string program, IReadOnlyList<string> argv, TextWriter output, TextWriter error) =>
        Run(program, argv, output, error, Environment.GetEnvironmentVariable);

    /// <summary><see cref="Run(string, IReadOnlyList{string}, TextWriter, TextWriter)"/> with the environment supplied (tests).</summary>
    internal static int Run(string program, IReadOnlyList<string> argv, TextWriter output, TextWriter error, Func<string, string?> environment)
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

        // libnih answers --version while it reads the options, under every name and before any command:
        // `start --version` prints the version, it does not start anything.
        if (args.Version)
        {
            output.WriteLine(HelpText.VersionFor(program));
            return 0;
        }

        if (args.Command is null)
        {
            return Usage(program, "missing command", error);
        }

        return new Ctl(args, output, error, environment).Run();
    }

    private static int Usage(string program, string message, TextWriter error)
    {
        error.WriteLine($"{program}: {message}");
        error.WriteLine($"Try `{program} --help' for more information.");
        return 1;
    }

    private int Run()
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

        if (Commands[args.Command!].RunWithoutDaemon is { } local)
        {
            return local(this);
        }

        // One socket, chosen once: if nobody answers there the error names it (no second guess).
        var socket = ChooseSocket(args, environment, File.Exists, ControlSocketPaths.CurrentUid);
        try
        {
            using var client = BlockingUpstartClient.Connect(new UpstartClientOptions { SocketPath = socket, ClientName = HelpText.ClientVersion });
            return Commands[args.Command!].Run(this, client);
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
        ["start"] = new(NeedsJob, (c, client) => c.JobCommand((j, e, w) => client.Start(j, e, w), printStatus: true)),
        ["stop"] = new(NeedsJob, (c, client) => c.JobCommand((j, e, w) => client.Stop(j, e, w), printStatus: true)),
        ["restart"] = new(NeedsJob, (c, client) => c.JobCommand((j, e, w) => client.Restart(j, e, w), printStatus: true)),
        ["reload"] = new(NeedsJob, (c, client) => c.JobCommand((j, e, _) => client.Reload(j, e), printStatus: false)),
        ["status"] = new(NeedsJobAndInstanceVariables, (c, client) => c.Status(client)),
        ["list"] = new(NoCheck, (c, client) => c.List(client)),
        ["emit"] = new(NeedsEvent, (c, client) => c.Emit(client)),
        ["reload-configuration"] = new(NoCheck, (c, client) => c.ReloadConfiguration(client)),
        ["check-config"] = new(NoCheck, (c, client) => c.CheckConfig(client)),
        ["show-config"] = new(NoCheck, (c, client) => c.ShowConfig(client)),
        ["log-priority"] = new(NoCheck, (c, client) => c.LogPriority(client)),
        ["version"] = new(NoCheck, (c, client) => c.Version(client)),
        ["usage"] = new(NeedsJob, (c, client) => c.Usage(client)),
        ["enable"] = new(NeedsJob, (c, client) => c.SetEnabled(client, true)),
        ["disable"] = new(NeedsJob, (c, client) => c.SetEnabled(client, false)),
        ["log"] = new(NeedsJobAndInstanceVariables, (c, client) => c.Log(client)),
        ["diagnostics"] = new(NoCheck, (c, client) => c.Diagnostics(client)),
        ["re-exec"] = new(NoCheck, (_, client) => ReExec(client)),
        ["notify-disk-writeable"] = new(NoCheck, (c, client) => c.NotifyDiskWriteable(client)),

        // Answered without a daemon (Run, before connecting): list-sessions reads the session files, as initctl's. The
        // two notify commands tell Upstart where the session bus or the cgroup manager is; this daemon uses neither (it
        // manages cgroups itself), so a session job that runs them, as Ubuntu's dbus and cgmanager jobs did, succeeds.
        ["list-sessions"] = Command.WithoutDaemon(NoCheck, c => c.ListSessions()),
        ["notify-dbus-address"] = Command.WithoutDaemon(c => NeedsAddress(c, "missing D-Bus address"), _ => 0),
        ["notify-cgroup-manager-address"] = Command.WithoutDaemon(c => NeedsAddress(c, "missing address"), _ => 0),
        ["list-env"] = new(NeedsEnvironmentScope, (c, client) => c.ListEnvironment(client)),
        ["get-env"] = new(NeedsVariableName, (c, client) => c.GetEnvironment(client)),
        ["set-env"] = new(NeedsVariableValue, (c, client) => c.SetEnvironment(client)),
        ["unset-env"] = new(NeedsVariableName, (c, client) => c.UnsetEnvironment(client)),
        ["reset-env"] = new(NeedsEnvironmentScope, (c, client) => c.ResetEnvironment(client)),
    };

    /// <summary>The commands that take -g/--global (initctl's "Environment" group).</summary>
    private static readonly HashSet<string> EnvironmentCommands = new(StringComparer.Ordinal)
    {
        "list-env", "get-env", "set-env", "unset-env", "reset-env",
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

        // initctl's -g and -r are options of the environment commands alone (of set-env alone for -r):
        // given to another command they are options it does not know.
        if (args.GlobalOption is { } global && !EnvironmentCommands.Contains(args.Command!))
        {
            throw new CtlUsageException($"unrecognized option '{global}'");
        }

        if (args.RetainOption is { } retain && args.Command != "set-env")
        {
            throw new CtlUsageException($"unrecognized option '{retain}'");
        }

        command.Check(this);
    }

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

    /// <summary>notify-dbus-address and notify-cgroup-manager-address take an address, in initctl's words when missing.</summary>
    private static void NeedsAddress(Ctl ctl, string missing)
    {
        if (ctl.args.Words.Count == 0)
        {
            throw new CtlUsageException(missing);
        }
    }

    /// <summary>initctl's get_env_action and unset_env_action: the name is checked before the scope.</summary>
    private static void NeedsVariableName(Ctl ctl)
    {
        if (ctl.args.Words.Count == 0)
        {
            throw new CtlUsageException("missing variable name");
        }

        NeedsEnvironmentScope(ctl);
    }

    /// <summary>initctl's set_env_action says `missing variable value` when given nothing to set.</summary>
    private static void NeedsVariableValue(Ctl ctl)
    {
        if (ctl.args.Words.Count == 0)
        {
            throw new CtlUsageException("missing variable value");
        }

        NeedsEnvironmentScope(ctl);
    }

    private static void NeedsEnvironmentScope(Ctl ctl) => _ = ctl.EnvironmentScope();

    /// <summary>
    /// Which environment an environment command acts on, as initctl's get_job_details: with -g, or outside a
    /// job, the global table (null, null); inside a job process ($UPSTART_JOB set), that instance's own
    /// environment. $UPSTART_INSTANCE is empty for a job without an `instance` stanza but always set in a job's
    /// processes: $UPSTART_JOB without it names no instance, and initctl says `missing job name`.
    /// </summary>
    private (string? Job, string? Instance) EnvironmentScope()
    {
        if (args.Global || environment("UPSTART_JOB") is not { Length: > 0 } job)
        {
            return (null, null);
        }

        return environment("UPSTART_INSTANCE") is { } instance ? (job, instance) : throw new CtlUsageException("missing job name");
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

    private void Print(string text)
    {
        if (!args.Quiet && text.Length > 0)
        {
            output.WriteLine(text);
        }
    }

    private void Print(System.Text.StringBuilder text)
    {
        if (!args.Quiet && text.Length > 0)
        {
            output.WriteLine(text);
        }
    }

    /// <summary>One line, an empty one too (get-env of a variable set to nothing prints an empty line, as initctl's nih_message does).</summary>
    private void PrintLine(string line)
    {
        if (!args.Quiet)
        {
            output.WriteLine(line);
        }
    }

    private int Fail(string message)
    {
        error.WriteLine($"{args.Program}: {message}");
        return 1;
    }

    /// <summary>
    /// One command: the checks made on its words before connecting, then the work; or, for a command that needs no
    /// daemon (<see cref="RunWithoutDaemon"/>), the work without connecting.
    /// </summary>
    private sealed record Command(Action<Ctl> Check, Func<Ctl, BlockingUpstartClient, int> Run)
    {
        public Func<Ctl, int>? RunWithoutDaemon { get; private init; }

        public static Command WithoutDaemon(Action<Ctl> check, Func<Ctl, int> run) =>
            new(check, static (_, _) => throw new InvalidOperationException("runs without a daemon")) { RunWithoutDaemon = run };
    }
}
