using System.Security.Cryptography;
using System.Text;

namespace UpstartHost.Processes.Cgroups;

/// <summary>
/// Directory names for job cgroups. Job and instance names come from job files and clients and are hostile: every
/// byte outside [A-Za-z0-9_-] is written %XX (so no '/', '.', '..', control character or newline reaches the
/// file system, and distinct names stay distinct), behind a kind prefix that no cgroup interface file
/// (`cgroup.*`, `memory.*`, …) starts with. A name that would exceed the file system's 255 bytes is replaced by
/// its SHA-256.
/// </summary>
public static class CgroupNames
{
    private const int MaxLength = 200;

    /// <summary>`j-ENCODED` for a job.</summary>
    public static string ForJob(string job) => Encoded("j-", job);

    /// <summary>`i-ENCODED.TAG` for one incarnation of an instance (the empty instance is `i-.TAG`).</summary>
    public static string ForInstance(string instance, string tag) => Encoded("i-", instance) + "." + tag;

    /// <summary>The directory a daemon keeps its jobs' cgroups in: one per control socket, so daemons side by side never share one.</summary>
    public static string ForDaemon(string socketPath) =>
        "upstartps." + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(socketPath)))[..12];

    private static string Encoded(string prefix, string name)
    {
        var text = new StringBuilder(prefix, prefix.Length + name.Length);
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'_' or (byte)'-')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return text.Length <= MaxLength
            ? text.ToString()
            : prefix + "#" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
    }
}
