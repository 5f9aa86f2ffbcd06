namespace Upstart.JobFiles.Tests.Conformance;

/// <summary>
/// One `parse/NAME.expect` file (conformance/README.md §1): `ok` plus key/value lines, or
/// `error LINE KIND` plus `message:` and `offset:`. Anything else is a malformed case and throws.
/// </summary>
internal sealed record ParseExpectation(
    bool Ok,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Fields,
    int ErrorLine,
    string? ErrorKind,
    string? ErrorMessage,
    int? ErrorOffset)
{
    private static readonly HashSet<string> ScalarKeys = new(StringComparer.Ordinal)
    {
        "description", "author", "version", "usage", "instance", "start_on", "stop_on",
        "apparmor.load", "apparmor.switch", "expect", "task", "respawn", "respawn.limit", "normal_exit",
        "kill.timeout", "kill.signal", "reload.signal", "console", "umask", "nice", "oom_score",
        "chroot", "chdir", "setuid", "setgid",
    };

    private static readonly HashSet<string> ListKeys = new(StringComparer.Ordinal) { "env", "export", "emits", "cgroup" };

    private static readonly string[] Processes = ["main", "pre-start", "post-start", "pre-stop", "post-stop"];

    private static readonly string[] Resources =
        ["as", "core", "cpu", "data", "fsize", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio", "sigpending", "stack"];

    public static bool IsKnownKey(string key) =>
        ScalarKeys.Contains(key)
        || ListKeys.Contains(key)
        || (key.StartsWith("exec.", StringComparison.Ordinal) && Processes.Contains(key[5..]))
        || (key.StartsWith("script.", StringComparison.Ordinal) && Processes.Contains(key[7..]))
        || (key.StartsWith("limit.", StringComparison.Ordinal) && Resources.Contains(key[6..]));

    public static bool IsListKey(string key) => ListKeys.Contains(key);

    public static ParseExpectation Load(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || !lines[0].StartsWith('#'))
        {
            throw new FormatException($"{path}: the first line must be a # description");
        }

        var body = lines.Where(l => !l.StartsWith('#') && l.Length > 0).ToList();
        if (body.Count == 0)
        {
            throw new FormatException($"{path}: no ok/error line");
        }

        if (body[0] == "ok")
        {
            var fields = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            foreach (var line in body.Skip(1))
            {
                var (key, value) = SplitKey(path, line);
                if (!IsKnownKey(key))
                {
                    throw new FormatException($"{path}: unknown key '{key}'");
                }

                if (fields.TryGetValue(key, out var existing))
                {
                    if (!IsListKey(key))
                    {
                        throw new FormatException($"{path}: key '{key}' given twice");
                    }

                    ((List<string>)existing).Add(value);
                }
                else
                {
                    fields[key] = new List<string> { value };
                }
            }

            return new ParseExpectation(true, fields, 0, null, null, null);
        }

        var head = body[0].Split(' ');
        if (head.Length != 3 || head[0] != "error" || !int.TryParse(head[1], out var errorLine))
        {
            throw new FormatException($"{path}: expected 'ok' or 'error LINE KIND', got '{body[0]}'");
        }

        string? message = null;
        int? offset = null;
        foreach (var line in body.Skip(1))
        {
            var (key, value) = SplitKey(path, line);
            switch (key)
            {
                case "message":
                    message = value;
                    break;
                case "offset":
                    offset = int.TryParse(value, out var o) ? o : throw new FormatException($"{path}: bad offset '{value}'");
                    break;
                default:
                    throw new FormatException($"{path}: unknown key '{key}' in an error case");
            }
        }

        return message is null
            ? throw new FormatException($"{path}: error case without message:")
            : new ParseExpectation(false, new Dictionary<string, IReadOnlyList<string>>(), errorLine, head[2], message, offset);
    }

    private static (string Key, string Value) SplitKey(string path, string line)
    {
        var colon = line.IndexOf(": ", StringComparison.Ordinal);
        return colon <= 0
            ? throw new FormatException($"{path}: malformed line '{line}'")
            : (line[..colon], line[(colon + 2)..]);
    }
}
