namespace UpstartHost.Hosting;

/// <summary>What `upstart-host` was asked to do.</summary>
public enum HostVerb
{
    Run,
    Check,
    Version,
    Help,
}

/// <summary>system: root, /etc/init; session: one user, XDG directories (UPSTART.md §g).</summary>
public enum HostMode
{
    Session,
    System,
}

/// <summary>
/// The parsed command line: `upstart-host [--system|--session] [--confdir DIR]... [--logdir DIR]
/// [--socket PATH] [--state-dir DIR] [--no-startup-event] [--startup-event NAME] [--foreground]`,
/// `upstart-host check PATH...`, `--version`, `--help`. Options left null fall back to host.json, then
/// to the mode's defaults (<see cref="DaemonPaths"/>).
/// </summary>
public sealed record HostCommandLine
{
    public HostVerb Verb { get; init; } = HostVerb.Run;

    /// <summary>Null when neither --system nor --session was given (then: system when root).</summary>
    public HostMode? Mode { get; init; }

    public IReadOnlyList<string> ConfDirs { get; init; } = [];
    public string? LogDir { get; init; }
    public string? SocketPath { get; init; }
    public string? StateDir { get; init; }
    public string? SettingsFile { get; init; }
    public bool NoStartupEvent { get; init; }
    public string? StartupEvent { get; init; }
    public bool Foreground { get; init; }

    /// <summary>Paths given to `check`.</summary>
    public IReadOnlyList<string> CheckPaths { get; init; } = [];

    /// <summary>`check --upstart-compatible`: also warn about stanzas Upstart 1.13 would reject.</summary>
    public bool UpstartCompatible { get; init; }

    public const string Usage =
        """
        Usage: upstart-host [OPTION]...
               upstart-host check [--upstart-compatible] PATH...

        Runs Upstart job files (init(5)) under an event-driven supervisor.

          --system              system daemon (root): /etc/init, /var/log/upstart, /run/upstartps
          --session             per-user daemon: XDG directories, socket under $XDG_RUNTIME_DIR
          --confdir DIR         job directory (repeatable; the first to define a job owns it)
          --logdir DIR          job console logs
          --socket PATH         control socket
          --state-dir DIR       persisted admin state (disabled jobs) and running instances
          --config FILE         settings file (default /etc/upstartps/host.json,
                                session: $XDG_CONFIG_HOME/upstartps/host.json)
          --no-startup-event    do not emit the boot event sequence
          --startup-event NAME  emit NAME instead of `startup` first
          --foreground          stay attached to the terminal (always the case; accepted for init(8) parity)
          --version             print the version and exit
          --help                print this help and exit

          check PATH...         parse job files or directories and print every diagnostic
                                (exit 1 when any file has an error)
          --upstart-compatible  with check: also warn about stanzas Upstart 1.13 would
                                reject (pre-restart, respawn delay), for files shared
                                with old hosts
        """;

    /// <summary>Parses argv; a bad argument throws <see cref="HostUsageException"/> with the message to print.</summary>
    public static HostCommandLine Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var result = new HostCommandLine();
        var confDirs = new List<string>();
        var checkPaths = new List<string>();
        var i = 0;
        if (args.Count > 0 && args[0] == "check")
        {
            result = result with { Verb = HostVerb.Check };
            i = 1;
        }

        for (; i < args.Count; i++)
        {
            var arg = args[i];
            if (result.Verb == HostVerb.Check && !arg.StartsWith("--", StringComparison.Ordinal))
            {
                checkPaths.Add(arg);
                continue;
            }

            var (name, inlineValue) = SplitOption(arg);
            switch (name)
            {
                case "--system":
                    result = result with { Mode = HostMode.System };
                    break;
                case "--session":
                case "--user":
                    result = result with { Mode = HostMode.Session };
                    break;
                case "--confdir":
                    confDirs.Add(Value(args, ref i, name, inlineValue));
                    break;
                case "--logdir":
                    result = result with { LogDir = Value(args, ref i, name, inlineValue) };
                    break;
                case "--socket":
                    result = result with { SocketPath = Value(args, ref i, name, inlineValue) };
                    break;
                case "--state-dir":
                    result = result with { StateDir = Value(args, ref i, name, inlineValue) };
                    break;
                case "--config":
                    result = result with { SettingsFile = Value(args, ref i, name, inlineValue) };
                    break;
                case "--startup-event":
                    var startup = Value(args, ref i, name, inlineValue);
                    if (startup.Length == 0)
                    {
                        throw new HostUsageException("--startup-event needs an event name");
                    }

                    result = result with { StartupEvent = startup };
                    break;
                case "--no-startup-event":
                    result = result with { NoStartupEvent = true };
                    break;
                case "--upstart-compatible" when result.Verb == HostVerb.Check:
                    result = result with { UpstartCompatible = true };
                    break;
                case "--foreground":
                    result = result with { Foreground = true };
                    break;
                case "--version":
                    result = result with { Verb = HostVerb.Version };
                    break;
                case "--help":
                case "-h":
                    result = result with { Verb = HostVerb.Help };
                    break;
                default:
                    throw new HostUsageException($"unrecognised option: {arg}");
            }
        }

        if (result.Verb == HostVerb.Check && checkPaths.Count == 0 && confDirs.Count == 0)
        {
            throw new HostUsageException("check needs at least one job file or directory");
        }

        return result with { ConfDirs = confDirs, CheckPaths = checkPaths };
    }

    private static (string Name, string? Value) SplitOption(string arg)
    {
        var eq = arg.IndexOf('=', StringComparison.Ordinal);
        return arg.StartsWith("--", StringComparison.Ordinal) && eq > 0 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
    }

    private static string Value(IReadOnlyList<string> args, ref int i, string name, string? inlineValue)
    {
        if (inlineValue is not null)
        {
            return inlineValue;
        }

        if (i + 1 >= args.Count)
        {
            throw new HostUsageException($"{name} needs a value");
        }

        return args[++i];
    }
}

/// <summary>A command-line mistake: printed as `upstart-host: MESSAGE`, exit 2.</summary>
public sealed class HostUsageException : Exception
{
    public HostUsageException()
    {
    }

    public HostUsageException(string message)
        : base(message)
    {
    }

    public HostUsageException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
