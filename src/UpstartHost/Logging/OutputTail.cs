using System.Text;

namespace UpstartHost.Logging;

/// <summary>
/// The last lines a process wrote, kept beside its `console log` output for a reply (a pre-restart check's
/// failure). The log pump appends on its own thread and says when the output has ended; the engine reads
/// the lines after that. Bounded twice: only the last <see cref="MaxBufferBytes"/> bytes are held, and
/// <see cref="Lines"/> gives at most <see cref="MaxLines"/> lines of at most <see cref="MaxLineBytes"/>
/// bytes each, <see cref="MaxTotalBytes"/> in all (docs/protocol.md "Check failures").
/// </summary>
public sealed class OutputTail
{
    public const int MaxLines = 20;
    public const int MaxLineBytes = 512;
    public const int MaxTotalBytes = 4096;
    public const int MaxBufferBytes = 16 * 1024;

    private readonly object gate = new();
    private readonly byte[] buffer = new byte[MaxBufferBytes];
    private int length;
    private bool ended;
    private Action? whenEnded;

    /// <summary>True once the output has ended (every holder of the pty closed it, or there was none).</summary>
    public bool IsEnded
    {
        get
        {
            lock (gate)
            {
                return ended;
            }
        }
    }

    /// <summary>Appends what the process wrote, keeping only the newest <see cref="MaxBufferBytes"/> bytes.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        lock (gate)
        {
            if (data.Length >= MaxBufferBytes)
            {
                data[^MaxBufferBytes..].CopyTo(buffer);
                length = MaxBufferBytes;
                return;
            }

            var keep = Math.Min(length, MaxBufferBytes - data.Length);
            Buffer.BlockCopy(buffer, length - keep, buffer, 0, keep);
            data.CopyTo(buffer.AsSpan(keep));
            length = keep + data.Length;
        }
    }

    /// <summary>The output has ended; runs the callback given to <see cref="WhenEnded"/>, once.</summary>
    public void Complete()
    {
        Action? callback;
        lock (gate)
        {
            if (ended)
            {
                return;
            }

            ended = true;
            callback = whenEnded;
            whenEnded = null;
        }

        callback?.Invoke();
    }

    /// <summary>Runs <paramref name="callback"/> when the output ends (at once, here, if it has).</summary>
    public void WhenEnded(Action callback)
    {
        lock (gate)
        {
            if (!ended)
            {
                whenEnded = callback;
                return;
            }
        }

        callback();
    }

    /// <summary>
    /// The last non-empty lines, oldest first. The pty turns \n into \r\n, so \r is dropped; other control
    /// characters (escape sequences from a hostile or careless check) become '?', since the lines end up on
    /// an administrator's terminal. Invalid UTF-8 becomes U+FFFD.
    /// </summary>
    public IReadOnlyList<string> Lines()
    {
        string text;
        lock (gate)
        {
            text = Encoding.UTF8.GetString(buffer, 0, length);
        }

        var lines = new List<string>(MaxLines);
        var total = 0;
        foreach (var raw in text.Split('\n').Reverse())
        {
            var line = Clean(raw);
            if (line.Length == 0)
            {
                continue;
            }

            line = Truncate(line, MaxLineBytes);
            var size = Encoding.UTF8.GetByteCount(line);
            if (lines.Count == MaxLines || total + size > MaxTotalBytes)
            {
                break;
            }

            lines.Add(line);
            total += size;
        }

        lines.Reverse();
        return lines;
    }

    private static string Clean(string raw)
    {
        var builder = new StringBuilder(raw.Length);
        foreach (var c in raw)
        {
            if (c == '\r')
            {
                continue;
            }

            builder.Append(char.IsControl(c) && c != '\t' ? '?' : c);
        }

        return builder.ToString().TrimEnd();
    }

    /// <summary>Cuts a line to at most <paramref name="maxBytes"/> UTF-8 bytes, on a character boundary.</summary>
    private static string Truncate(string line, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(line) <= maxBytes)
        {
            return line;
        }

        var end = 0;
        var bytes = 0;
        while (end < line.Length)
        {
            var width = char.IsSurrogatePair(line, end) ? 2 : 1;
            var size = Encoding.UTF8.GetByteCount(line.AsSpan(end, width));
            if (bytes + size > maxBytes - 3)
            {
                break;
            }

            bytes += size;
            end += width;
        }

        return line[..end] + "...";
    }
}
