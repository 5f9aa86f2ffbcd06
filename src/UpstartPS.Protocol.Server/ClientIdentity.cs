using System.Globalization;

namespace UpstartPS.Protocol.Server;

/// <summary>
/// Who is on the other end of a connection, as the kernel reported it when the peer connected: SO_PEERCRED for
/// the pid, uid and gid, SO_PEERGROUPS for the supplementary groups (<see cref="PeerCredentials"/>). Without
/// groups given, they are read on first use from <c>/proc/PID/status</c> (tests, and old kernels).
/// </summary>
public sealed class ClientIdentity
{
    private readonly Func<IReadOnlyList<uint>> _readGroups;
    private IReadOnlyList<uint>? _groups;

    public ClientIdentity(int pid, uint uid, uint gid, IReadOnlyList<uint>? supplementaryGroups = null)
    {
        Pid = pid;
        Uid = uid;
        Gid = gid;
        _groups = supplementaryGroups;
        _readGroups = () => ReadSupplementaryGroups(pid);
    }

    public int Pid { get; }

    public uint Uid { get; }

    public uint Gid { get; }

    public bool IsRoot => Uid == 0;

    /// <summary>What the client called itself in the handshake (for logs only: it proves nothing).</summary>
    public string? ClientName { get; internal set; }

    /// <summary>
    /// The peer's supplementary groups as they were when it connected, so neither a later change of its groups
    /// nor its pid passing to another process changes its rights.
    /// </summary>
    public IReadOnlyList<uint> SupplementaryGroups => _groups ??= _readGroups();

    public bool IsInGroup(uint gid) => Gid == gid || SupplementaryGroups.Contains(gid);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"pid {Pid} uid {Uid} gid {Gid}");

    /// <summary>Parses the <c>Groups:</c> line of <c>/proc/PID/status</c>; empty when the process or the line is gone.</summary>
    public static IReadOnlyList<uint> ReadSupplementaryGroups(int pid, string procRoot = "/proc")
    {
        try
        {
            foreach (var line in File.ReadLines(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "status")))
            {
                if (line.StartsWith("Groups:", StringComparison.Ordinal))
                {
                    return ParseGroupsLine(line);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The peer exited already: it has no groups we could trust.
        }

        return [];
    }

    internal static IReadOnlyList<uint> ParseGroupsLine(string line)
    {
        var groups = new List<uint>();
        foreach (var field in line.AsSpan("Groups:".Length).Trim().ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (uint.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
            {
                groups.Add(gid);
            }
        }

        return groups;
    }
}
