using System.Globalization;

namespace UpstartPS.Protocol.Server;

/// <summary>A group as group(5) describes it.</summary>
public sealed record GroupEntry(string Name, uint Gid, IReadOnlyList<string> Members);

/// <summary>The account lookups the authorisation policy needs (getgrnam, getpwuid), replaceable in tests.</summary>
public interface IUserDatabase
{
    /// <summary>The group with this name, or with this number when <paramref name="nameOrGid"/> is numeric; null if none.</summary>
    GroupEntry? FindGroup(string nameOrGid);

    /// <summary>The login name of <paramref name="uid"/>, or null.</summary>
    string? FindUserName(uint uid);

    /// <summary>The uid of the login <paramref name="name"/> (getpwnam), or null when there is none.</summary>
    uint? FindUid(string name);
}

/// <summary>
/// Reads <c>/etc/group</c> and <c>/etc/passwd</c> directly (no NSS, so no LDAP or sssd groups): enough for a
/// local admin group, and it needs no native calls. Read on every lookup so membership changes apply at once.
/// </summary>
public sealed class EtcUserDatabase(string groupFile = "/etc/group", string passwdFile = "/etc/passwd") : IUserDatabase
{
    public GroupEntry? FindGroup(string nameOrGid)
    {
        ArgumentNullException.ThrowIfNull(nameOrGid);
        var byNumber = uint.TryParse(nameOrGid, NumberStyles.None, CultureInfo.InvariantCulture, out var wanted);
        foreach (var fields in Records(groupFile))
        {
            // group(5): name:password:GID:user_list
            if (fields.Length < 4 || !uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
            {
                continue;
            }

            if (byNumber ? gid == wanted : fields[0] == nameOrGid)
            {
                var members = fields[3].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                return new GroupEntry(fields[0], gid, members);
            }
        }

        return null;
    }

    public string? FindUserName(uint uid)
    {
        foreach (var fields in Records(passwdFile))
        {
            // passwd(5): name:password:UID:GID:GECOS:directory:shell
            if (fields.Length >= 3 && uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var found) && found == uid)
            {
                return fields[0];
            }
        }

        return null;
    }

    public uint? FindUid(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var fields in Records(passwdFile))
        {
            if (fields.Length >= 3 && fields[0] == name && uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
            {
                return uid;
            }
        }

        return null;
    }

    private static IEnumerable<string[]> Records(string path)
    {
        if (!File.Exists(path))
        {
            yield break;
        }

        foreach (var line in File.ReadLines(path))
        {
            if (line.Length > 0 && line[0] != '#')
            {
                yield return line.Split(':');
            }
        }
    }
}
