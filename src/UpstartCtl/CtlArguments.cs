namespace UpstartCtl;

/// <summary>
/// initctl's command line: global options anywhere (`-n/--no-wait`, `-q/--quiet`, `--system`,
/// `--session`/`--user`, `--socket PATH`), the command (or the name we were invoked as: start, stop,
/// restart, reload, status), then the command's words.
/// </summary>
public sealed record CtlArguments
{
    /// <summary>Names that act as their command when upstartctl is invoked through a symlink of that name.</summary>
    public static readonly IReadOnlySet<string> LinkCommands = new HashSet<string>(StringComparer.Ordinal)
    {
        "start", "stop", "restart", "reload", "status",
    };

    /// <summary>The short options that take a value (the rest of a bundle of short options is that value).</summary>
    private static readonly HashSet<string> ShortValueOptions = new(StringComparer.Ordinal) { "-i" };

    /// <summary>The long options that take a value, which may also be given as `--option=VALUE`.</summary>
    private static readonly HashSet<string> ValueOptions = new(StringComparer.Ordinal) { "--socket", "--ignore-events", "--lines" };

    public required string Program { get; init; }
    public string? Command { get; init; }
    public IReadOnlyList<string> Words { get; init; } = [];
    public bool NoWait { get; init; }
    public bool Quiet { get; init; }

    /// <summary>true: --system; false: --session; null: resolve (UpstartClient.ResolveSocketPath).</summary>
    public bool? System { get; init; }
    public string? SocketPath { get; init; }
    public bool Help { get; init; }
    public bool Version { get; init; }

    /// <summary>check-config -i EVENT[,EVENT]…</summary>
    public IReadOnlyList<string> IgnoredEvents { get; init; } = [];

    /// <summary>show-config -e (each operand on its own line).</summary>
    public bool Enumerate { get; init; }

    /// <summary>check-config -w: every unreachable operand, also on a side of an `or` the other side satisfies.</summary>
    public bool WarnAll { get; init; }

    /// <summary>reload-configuration --dry-run.</summary>
    public bool DryRun { get; init; }

    /// <summary>log -f/--follow.</summary>
    public bool Follow { get; init; }

    /// <summary>disable --now: also stop the job's running instances.</summary>
    public bool Now { get; init; }

    /// <summary>log --lines N.</summary>
    public int Lines { get; init; } = 10;

    /// <summary>
    /// The environment commands' -g/--global (the global job environment table, even inside a job), as it was
    /// spelled, so that given to another command it is reported as initctl reports an option that command lacks.
    /// </summary>
    public string? GlobalOption { get; init; }

    /// <summary>set-env's -r/--retain (a variable already set keeps its value), as it was spelled.</summary>
    public string? RetainOption { get; init; }

    public bool Global => GlobalOption is not null;

    public bool Retain => RetainOption is not null;

    public static CtlArguments Parse(string program, IReadOnlyList<string> argv)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(argv);
        var args = argv.ToList();
        var result = new CtlArguments { Program = program, Command = LinkCommands.Contains(program) ? program : null };
        var words = new List<string>();
        var ignored = new List<string>();
        var optionsDone = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (optionsDone || arg.Length < 2 || arg[0] != '-' || arg.Contains('=', StringComparison.Ordinal) && !arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (result.Command is null)
                {
                    result = result with { Command = arg };
                }
                else
                {
                    words.Add(arg);
                }

                continue;
            }

            // libnih reads short options as getopt does: `-nq` is `-n -q`, and a short option that takes a value
            // takes the rest of the word (`-ia,b`) or, at the end of the word, the next one (`-wi a,b`).
            if (arg[1] != '-' && arg.Length > 2)
            {
                args[i] = arg[..2];
                args.Insert(i + 1, ShortValueOptions.Contains(arg[..2]) ? arg[2..] : "-" + arg[2..]);
                arg = arg[..2];
            }

            // initctl's options (libnih) take a long option's value after `=` too: `--ignore-events=a,b`.
            string? inlineValue = null;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 2 && ValueOptions.Contains(arg[..equals]))
            {
                inlineValue = arg[(equals + 1)..];
                arg = arg[..equals];
            }

            switch (arg)
            {
                case "--":
                    optionsDone = true;
                    break;
                case "-n" or "--no-wait":
                    result = result with { NoWait = true };
                    break;
                case "-q" or "--quiet":
                    result = result with { Quiet = true };
                    break;
                case "--system":
                    result = result with { System = true };
                    break;
                case "--session" or "--user":
                    result = result with { System = false };
                    break;
                case "--socket":
                    result = result with { SocketPath = inlineValue ?? Next(args, ref i, arg, program) };
                    break;
                case "-h" or "--help":
                    result = result with { Help = true };
                    break;
                case "--version":
                    result = result with { Version = true };
                    break;
                case "-i" or "--ignore-events":
                    ignored.AddRange((inlineValue ?? Next(args, ref i, arg, program)).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    break;
                case "-w" or "--warn":
                    result = result with { WarnAll = true };
                    break;
                case "-v" or "--verbose":
                    break;
                case "-e" or "--enumerate":
                    result = result with { Enumerate = true };
                    break;
                case "--now":
                    result = result with { Now = true };
                    break;
                case "--dry-run":
                    result = result with { DryRun = true };
                    break;
                case "-f" or "--follow":
                    result = result with { Follow = true };
                    break;
                case "-g" or "--global":
                    result = result with { GlobalOption = arg };
                    break;
                case "-r" or "--retain":
                    result = result with { RetainOption = arg };
                    break;
                case "--lines":
                    var text = inlineValue ?? Next(args, ref i, arg, program);
                    result = int.TryParse(text, out var lines) && lines >= 0
                        ? result with { Lines = lines }
                        : throw new CtlUsageException($"invalid line count: {text}");
                    break;
                default:
                    throw new CtlUsageException($"unrecognized option '{arg}'");
            }
        }

        return result with { Words = words, IgnoredEvents = ignored };
    }

    private static string Next(List<string> args, ref int i, string option, string program)
    {
        _ = program;
        if (i + 1 >= args.Count)
        {
            throw new CtlUsageException($"option '{option}' requires an argument");
        }

        return args[++i];
    }
}

/// <summary>A usage mistake: `PROG: MESSAGE`, then `Try `PROG --help' for more information.`, exit 1.</summary>
public sealed class CtlUsageException : Exception
{
    public CtlUsageException()
    {
    }

    public CtlUsageException(string message)
        : base(message)
    {
    }

    public CtlUsageException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
