using System.Globalization;
using System.Text;
using Upstart.JobFiles.Events;
using Upstart.JobFiles.Model;

namespace Upstart.JobFiles.Tests.Conformance;

/// <summary>Renders a parsed job in the corpus' .expect notation: only the fields that differ from the defaults.</summary>
internal static class ExpectRenderer
{
    public static Dictionary<string, List<string>> Render(JobClassConfig job)
    {
        var fields = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string key, string value)
        {
            if (!fields.TryGetValue(key, out var list))
            {
                fields[key] = list = [];
            }

            list.Add(value);
        }

        void AddString(string key, string? value)
        {
            if (value is not null)
            {
                Add(key, Quote(value));
            }
        }

        AddString("description", job.Description);
        AddString("author", job.Author);
        AddString("version", job.Version);
        AddString("usage", job.Usage);
        if (job.Instance.Length > 0)
        {
            AddString("instance", job.Instance);
        }

        job.Env.ToList().ForEach(e => AddString("env", e));
        job.Export.ToList().ForEach(e => AddString("export", e));
        job.Emits.ToList().ForEach(e => AddString("emits", e));
        if (job.StartOn is not null)
        {
            Add("start_on", SExpression.Format(job.StartOn));
        }

        if (job.StopOn is not null)
        {
            Add("stop_on", SExpression.Format(job.StopOn));
        }

        foreach (var (kind, process) in job.Processes)
        {
            if (kind != ProcessKind.Security)
            {
                AddString((process.IsScript ? "script." : "exec.") + kind.ToUpstartName(), process.Command);
            }
        }

        AddString("apparmor.load", job.AppArmorLoad);
        AddString("apparmor.switch", job.AppArmorSwitch);
        if (job.Expect != ExpectMode.None)
        {
            Add("expect", job.Expect.ToString().ToLowerInvariant());
        }

        if (job.Task)
        {
            Add("task", "true");
        }

        if (job.Respawn)
        {
            Add("respawn", "true");
        }

        if (job.RespawnLimit != RespawnLimit.Default)
        {
            Add("respawn.limit", Invariant($"{job.RespawnLimit.Count} {job.RespawnLimit.IntervalSeconds}"));
        }

        if (job.NormalExit.Length > 0)
        {
            Add("normal_exit", string.Join(' ', job.NormalExit.Select(NormalExitItem)));
        }

        if (job.KillTimeout != 5)
        {
            Add("kill.timeout", Invariant($"{job.KillTimeout}"));
        }

        if (job.KillSignal != 15)
        {
            Add("kill.signal", Signals.NameOrNumber(job.KillSignal));
        }

        if (job.ReloadSignal != 1)
        {
            Add("reload.signal", Signals.NameOrNumber(job.ReloadSignal));
        }

        if (job.Console != ConsoleMode.Log)
        {
            Add("console", job.Console.ToString().ToLowerInvariant());
        }

        if (job.Umask != 0x12)
        {
            Add("umask", Convert.ToString(job.Umask, 8).PadLeft(4, '0'));
        }

        if (job.Nice is { } nice)
        {
            Add("nice", Invariant($"{nice}"));
        }

        if (job.OomScore != 0)
        {
            Add("oom_score", Invariant($"{job.OomScore}"));
        }

        foreach (var (resource, limit) in job.Limits)
        {
            Add("limit." + resource.ToString().ToLowerInvariant(), $"{LimitValue(limit.Soft)} {LimitValue(limit.Hard)}");
        }

        AddString("chroot", job.Chroot);
        AddString("chdir", job.Chdir);
        AddString("setuid", job.Setuid);
        AddString("setgid", job.Setgid);
        foreach (var c in job.Cgroups)
        {
            Add("cgroup", c.Key is null
                ? $"{c.Controller} {Quote(c.Name)}"
                : $"{c.Controller} {Quote(c.Name)} {Quote(c.Key)} {Quote(c.Value ?? "")}");
        }

        return fields;
    }

    public static string Format(IReadOnlyDictionary<string, IReadOnlyList<string>> fields) =>
        string.Join('\n', fields.OrderBy(f => f.Key, StringComparer.Ordinal).SelectMany(f => f.Value.Select(v => $"{f.Key}: {v}")));

    /// <summary>JSON string syntax for the characters the corpus uses.</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\t': sb.Append("\\t"); break;
                case '\r': sb.Append("\\r"); break;
                default:
                    if (c < ' ')
                    {
                        sb.Append(Invariant($"\\u{(int)c:x4}"));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    private static string NormalExitItem(ExitStatus status)
    {
        // Upstart keeps only the integer: anything with the signal byte set prints as a signal.
        var signal = status.Encoded >> 8;
        return (status.Encoded & 0xFF) == 0 && signal > 0 && Signals.ToName(signal) is { } name
            ? "SIG" + name
            : Invariant($"{status.Encoded}");
    }

    private static string LimitValue(ulong value) =>
        value == ResourceLimit.Infinity ? "unlimited" : value.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
