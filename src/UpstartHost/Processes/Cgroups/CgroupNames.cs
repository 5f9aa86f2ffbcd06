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
    /// <summary>What every job's directory name starts with.</summary>
    public const string JobPrefix = "j-";

    /// <summary>What every instance incarnation's directory name starts with.</summary>
    public const string InstancePrefix = "i-";

    private const int MaxLength = 200;

    /// <summary>`j-ENCODED` for a job.</summary>
    public static string ForJob(string job) => Encoded(JobPrefix, job);

    /// <summary>`i-ENCODED.TAG` for one incarnation of an instance (the empty instance is `i-.TAG`).</summary>
    public static string ForInstance(string instance, string tag) => Encoded(InstancePrefix, instance) + "." + tag;

    /// <summary>
    /// The directory a daemon keeps its jobs' cgroups in: one per control socket, so daemons side by side never share one.
    /// The socket path is the administrator's, not a client's, so a 64-bit FNV-1a of it is enough; SHA-256 here would map
    /// OpenSSL into every daemon at start (~3.7 MiB resident, docs/performance.md). Hostile long names below keep SHA-256.
    /// </summary>
    public static string ForDaemon(string socketPath)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(socketPath))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return "upstartps." + hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture)[..12];
    }

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
