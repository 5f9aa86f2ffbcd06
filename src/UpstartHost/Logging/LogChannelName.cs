using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace UpstartHost.Logging;

/// <summary>
/// The FDNAME= under which a `console log` channel is kept in systemd's file-descriptor store, and how
/// the next daemon tells from LISTEN_FDNAMES whose channel each descriptor is: `log.SERIAL.KEY`. SERIAL
/// makes every channel's name unique (FDSTOREREMOVE=1 drops every descriptor of a name); KEY names the
/// instance. Job and instance names are the job file's and the client's (hostile): they are never
/// decoded from a name, only encoded and compared. An fd name is at most 255 ASCII characters without
/// ':' or control characters (sd_pid_notify_with_fds(3)); this one uses letters, digits, '_', '-', '.',
/// '%' and '#' only.
/// </summary>
public static class LogChannelName
{
    public const int MaxLength = 255;

    private const string Prefix = "log.";

    /// <summary>Room for the prefix, a serial (token-counter) and its dot; the rest is the key's.</summary>
    private const int MaxKeyLength = MaxLength - 40;

    /// <summary>The channel's name; <paramref name="serial"/> is letters, digits and '-' (<see cref="IsSerial"/>).</summary>
    public static string For(string serial, string job, string instance)
    {
        ArgumentNullException.ThrowIfNull(serial);
        if (!IsSerial(serial))
        {
            throw new ArgumentException("a serial is 1-32 letters, digits or '-'", nameof(serial));
        }

        return Prefix + serial + "." + Key(job, instance);
    }

    /// <summary>
    /// `JOB.INSTANCE`, each percent-encoded byte by byte (UTF-8) outside [A-Za-z0-9_-], so that the dot
    /// between them is unambiguous; `#` and a SHA-256 of both when that is too long or a name is not
    /// valid UTF-16 (a lone surrogate would encode like U+FFFD and two names could share a key).
    /// </summary>
    public static string Key(string job, string instance)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(instance);
        var readable = TryEscape(job, out var j) && TryEscape(instance, out var i) ? j + "." + i : null;
        return readable is { Length: <= MaxKeyLength } ? readable : "#" + Hash(job, instance);
    }

    /// <summary>The key of a name this program's <see cref="For"/> could have made; null for any other name.</summary>
    public static string? KeyOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length > MaxLength || !name.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = name.AsSpan(Prefix.Length);
        var dot = rest.IndexOf('.');
        if (dot <= 0 || !IsSerial(rest[..dot].ToString()) || dot == rest.Length - 1)
        {
            return null;
        }

        var key = rest[(dot + 1)..].ToString();
        return key.All(c => IsPlain(c) || c is '.' or '%' or '#') ? key : null;
    }

    /// <summary>What an fd name may be (sd_notify's rules): 0-255 printable ASCII characters, no ':'.</summary>
    public static bool IsValidFdName(string name) =>
        name is { Length: <= MaxLength } && name.All(c => c is >= ' ' and <= '~' and not ':');

    public static bool IsSerial(string serial) =>
        serial is { Length: > 0 and <= 32 } && serial.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    private static bool IsPlain(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';

    private static bool TryEscape(string name, out string escaped)
    {
        escaped = "";
        if (name.Length > MaxKeyLength)
        {
            return false;
        }

        byte[] bytes;
        try
        {
            bytes = new UTF8Encoding(false, throwOnInvalidBytes: true).GetBytes(name);
        }
        catch (EncoderFallbackException)
        {
            return false;
        }

        var text = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (b < 0x80 && IsPlain((char)b))
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        escaped = text.ToString();
        return true;
    }

    /// <summary>SHA-256 over both names as UTF-16 code units, the job's length first (no separator can be forged).</summary>
    private static string Hash(string job, string instance)
    {
        var bytes = new byte[sizeof(int) + ((job.Length + instance.Length) * sizeof(char))];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, job.Length);
        var offset = sizeof(int);
        foreach (var c in job + instance)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(offset), c);
            offset += sizeof(char);
        }

        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }
}
