using System.Globalization;
using Upstart.JobFiles.Model;
using UpstartHost.Engine;

namespace UpstartHost.Tests.Engine.Conformance;

/// <summary>One action of a `states/` case (`exit P N`, `signal P SIG`, `goal start`…).</summary>
internal abstract record StateAction
{
    public sealed record Exit(ProcessKind Process, int Status) : StateAction;

    public sealed record Signal(ProcessKind Process, int SignalNumber) : StateAction;

    public sealed record Goal(JobGoal Target) : StateAction;

    public sealed record RespawnsSoFar(int Count, int SecondsAgo) : StateAction;

    public sealed record SpawnFailed(ProcessKind Process) : StateAction;
}

/// <summary>A parsed `states/NAME.state` file (conformance/README.md §3). Parsing is strict: anything unknown throws.</summary>
internal sealed record StateCase
{
    private static readonly HashSet<string> Keys =
    [
        "job", "processes", "instance", "initial", "running", "action", "expect", "failed", "emits", "then",
        "expect2", "emits2", "log", "note",
    ];

    public required string Name { get; init; }

    public required string Description { get; init; }

    public required bool Task { get; init; }

    public bool Respawn { get; init; }

    public RespawnLimit RespawnLimit { get; init; } = RespawnLimit.Default;

    public IReadOnlyList<ExitStatus> NormalExit { get; init; } = [];

    public IReadOnlyList<string> Export { get; init; } = [];

    public IReadOnlyList<string> Env { get; init; } = [];

    public required IReadOnlyList<ProcessKind> Processes { get; init; }

    public string? Instance { get; init; }

    public required (JobGoal Goal, JobState State) Initial { get; init; }

    public required IReadOnlyList<ProcessKind> Running { get; init; }

    public required IReadOnlyList<StateAction> Action { get; init; }

    public required string Expect { get; init; }

    public string? Failed { get; init; }

    /// <summary>Expected job events, or null when not checked; empty for `(none)`.</summary>
    public IReadOnlyList<string>? Emits { get; init; }

    public IReadOnlyList<StateAction>? Then { get; init; }

    public string? Expect2 { get; init; }

    public IReadOnlyList<string>? Emits2 { get; init; }

    public IReadOnlyList<string>? Log { get; init; }

    public override string ToString() => Name;

    public static StateCase Parse(string name, string text)
    {
        var lines = text.Split('\n');
        if (lines.Length == 0 || !lines[0].StartsWith('#'))
        {
            throw Malformed(name, "the first line must be a # description");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in lines.Skip(1))
        {
            if (raw.Length == 0 || raw.StartsWith('#'))
            {
                continue;
            }

            var colon = raw.IndexOf(": ", StringComparison.Ordinal);
            string key, value;
            if (colon > 0)
            {
                (key, value) = (raw[..colon], raw[(colon + 2)..]);
            }
            else if (raw.EndsWith(':'))
            {
                (key, value) = (raw[..^1], "");
            }
            else
            {
                throw Malformed(name, $"not a `key: value` line: {raw}");
            }

            if (!Keys.Contains(key))
            {
                throw Malformed(name, $"unknown key `{key}`");
            }

            if (!values.TryAdd(key, value))
            {
                throw Malformed(name, $"duplicate key `{key}`");
            }
        }

        string Required(string key) => values.TryGetValue(key, out var v) ? v : throw Malformed(name, $"missing `{key}`");

        var job = ParseJob(name, Required("job"));
        var processes = ParseProcesses(name, Required("processes"));
        var running = ParseProcesses(name, values.GetValueOrDefault("running", ""));
        foreach (var p in running)
        {
            if (!processes.Contains(p))
            {
                throw Malformed(name, $"running process {p.ToUpstartName()} is not defined");
            }
        }

        if (values.ContainsKey("then") != values.ContainsKey("expect2"))
        {
            throw Malformed(name, "`then` and `expect2` go together");
        }

        return job with
        {
            Name = name,
            Description = lines[0].TrimStart('#').Trim(),
            Processes = processes,
            Instance = values.GetValueOrDefault("instance"),
            Initial = ParseStatus(name, Required("initial")),
            Running = running,
            Action = ParseActions(name, Required("action")),
            Expect = CheckStatus(name, Required("expect")),
            Failed = values.TryGetValue("failed", out var failed) ? CheckFailed(name, failed) : null,
            Emits = values.TryGetValue("emits", out var emits) ? ParseEmits(emits) : null,
            Then = values.TryGetValue("then", out var then) ? ParseActions(name, then) : null,
            Expect2 = values.TryGetValue("expect2", out var expect2) ? CheckStatus(name, expect2) : null,
            Emits2 = values.TryGetValue("emits2", out var emits2) ? ParseEmits(emits2) : null,
            Log = values.TryGetValue("log", out var log) ? log.Split(" | ") : null,
        };
    }

    private static StateCase ParseJob(string name, string text)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0 || words[0] is not ("service" or "task"))
        {
            throw Malformed(name, "job must start with service or task");
        }

        var job = new StateCase
        {
            Name = name,
            Description = "",
            Task = words[0] == "task",
            Processes = [],
            Initial = default,
            Running = [],
            Action = [],
            Expect = "",
        };
        foreach (var word in words.Skip(1))
        {
            var eq = word.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? word : word[..eq];
            var list = eq < 0 ? [] : word[(eq + 1)..].Split(',');
            job = key switch
            {
                "respawn" when eq < 0 => job with { Respawn = true },
                "respawn-limit" when list.Length == 2 =>
                    job with { RespawnLimit = new RespawnLimit(Number(name, list[0]), Number(name, list[1])) },
                "normal-exit" when eq > 0 => job with { NormalExit = [.. list.Select(i => ExitItem(name, i))] },
                "export" when eq > 0 => job with { Export = list },
                "env" when eq > 0 => job with { Env = list },
                _ => throw Malformed(name, $"unknown job word `{word}`"),
            };
        }

        return job;
    }

    private static ExitStatus ExitItem(string name, string item)
    {
        if (int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            return ExitStatus.FromStatus(status);
        }

        return SignalNames.TryParse(item, out var signal)
            ? ExitStatus.FromSignal(signal)
            : throw Malformed(name, $"bad normal-exit item `{item}`");
    }

    private static List<ProcessKind> ParseProcesses(string name, string text)
    {
        var kinds = new List<ProcessKind>();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            kinds.Add(ProcessKindNames.TryParse(word, out var kind) ? kind : throw Malformed(name, $"unknown process `{word}`"));
        }

        return kinds;
    }

    private static (JobGoal, JobState) ParseStatus(string name, string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && JobGoalNames.TryParse(parts[0], out var goal) && JobStateNames.TryParse(parts[1], out var state))
        {
            return (goal, state);
        }

        throw Malformed(name, $"bad GOAL/STATE `{text}`");
    }

    private static string CheckStatus(string name, string text)
    {
        _ = ParseStatus(name, text);
        return text;
    }

    private static string CheckFailed(string name, string text)
    {
        if (text is "no" or "respawn")
        {
            return text;
        }

        var parts = text.Split(' ');
        var ok = ProcessKindNames.TryParse(parts[0], out _)
            && (parts.Length == 1
                || (parts.Length == 2 && (parts[1].StartsWith("status=", StringComparison.Ordinal) || parts[1].StartsWith("signal=", StringComparison.Ordinal))));
        return ok ? text : throw Malformed(name, $"bad failed value `{text}`");
    }

    private static List<string> ParseEmits(string text) => text == "(none)" ? [] : [.. text.Split(" | ")];

    private static List<StateAction> ParseActions(string name, string text)
    {
        var actions = new List<StateAction>();
        foreach (var step in text.Split(';'))
        {
            var words = step.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            actions.Add(words switch
            {
                ["exit", var p, var n] => new StateAction.Exit(Process(name, p), Number(name, n)),
                ["signal", var p, var s] => new StateAction.Signal(
                    Process(name, p),
                    SignalNames.TryParse(s, out var signal) ? signal : throw Malformed(name, $"bad signal `{s}`")),
                ["goal", "start"] => new StateAction.Goal(JobGoal.Start),
                ["goal", "stop"] => new StateAction.Goal(JobGoal.Stop),
                ["respawns-so-far", var n, "within", var t] when t.EndsWith('s') =>
                    new StateAction.RespawnsSoFar(Number(name, n), Number(name, t[..^1])),
                ["spawn-failed", var p] => new StateAction.SpawnFailed(Process(name, p)),
                _ => throw Malformed(name, $"unknown action `{step.Trim()}`"),
            });
        }

        return actions;
    }

    private static ProcessKind Process(string name, string word) =>
        ProcessKindNames.TryParse(word, out var kind) ? kind : throw Malformed(name, $"unknown process `{word}`");

    private static int Number(string name, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw Malformed(name, $"bad number `{text}`");

    private static FormatException Malformed(string name, string why) => new($"{name}: malformed case: {why}");
}
