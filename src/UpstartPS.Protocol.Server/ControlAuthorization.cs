using System.Globalization;

namespace UpstartPS.Protocol.Server;

/// <summary>
/// Who may do what over the control socket (DESIGN.md decision 5). System mode: anyone may read; changing
/// anything needs uid 0 or membership of the admin group (primary group, supplementary groups of the peer
/// process, or the member list in /etc/group). Session mode: only the owner's uid may connect at all.
/// </summary>
public sealed class ControlAuthorization
{
    private readonly IUserDatabase _users;

    private ControlAuthorization(DaemonMode mode, uint ownerUid, string? adminGroup, IUserDatabase users, bool logsNeedAdministrator = false)
    {
        LogsNeedAdministrator = logsNeedAdministrator;
        Mode = mode;
        OwnerUid = ownerUid;
        AdminGroup = string.IsNullOrWhiteSpace(adminGroup) ? null : adminGroup;
        _users = users;
    }

    public DaemonMode Mode { get; }

    /// <summary>Session mode: the only uid served.</summary>
    public uint OwnerUid { get; }

    /// <summary>System mode: the group (name or number) whose members may change things, or null for root only.</summary>
    public string? AdminGroup { get; }

    /// <summary>Job logs may hold secrets a job printed; when true, reading them needs the same rights as a change.</summary>
    public bool LogsNeedAdministrator { get; }

    /// <param name="adminGroup">Group name or number whose members may change things; null for root only.</param>
    /// <param name="users">Account lookups; null reads /etc/group and /etc/passwd.</param>
    /// <param name="logsNeedAdministrator">Whether reading job logs needs the same rights as a change.</param>
    public static ControlAuthorization ForSystem(string? adminGroup = null, IUserDatabase? users = null, bool logsNeedAdministrator = false) =>
        new(DaemonMode.System, 0, adminGroup, users ?? new EtcUserDatabase(), logsNeedAdministrator);

    public static ControlAuthorization ForSession(uint ownerUid) =>
        new(DaemonMode.Session, ownerUid, null, new EtcUserDatabase());

    /// <summary>Operations that change jobs, events or configuration.</summary>
    public static bool IsMutating(ControlOperation operation) => operation is
        ControlOperation.Start or ControlOperation.Stop or ControlOperation.Restart or ControlOperation.Reload
        or ControlOperation.Emit or ControlOperation.ReloadConfiguration or ControlOperation.SetEnabled
        or ControlOperation.SetLogPriority or ControlOperation.ReExec;

    /// <summary>Whether the policy looks at supplementary groups (so the server reads them while the peer surely lives).</summary>
    public bool UsesGroups => Mode == DaemonMode.System && AdminGroup is not null;

    /// <summary>Null when <paramref name="client"/> may connect; otherwise the reason it may not.</summary>
    public string? RefuseConnection(ClientIdentity client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return Mode == DaemonMode.Session && client.Uid != OwnerUid
            ? string.Create(CultureInfo.InvariantCulture, $"Access denied: this session daemon serves only uid {OwnerUid}")
            : null;
    }

    /// <summary>Null when <paramref name="client"/> may perform <paramref name="operation"/>; otherwise initctl-style refusal text.</summary>
    public string? Refuse(ClientIdentity client, ControlOperation operation)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (RefuseConnection(client) is { } refused)
        {
            return refused;
        }

        var needsAdministrator = IsMutating(operation) || (LogsNeedAdministrator && operation == ControlOperation.ReadLog);
        if (Mode == DaemonMode.Session || !needsAdministrator || IsAdministrator(client))
        {
            return null;
        }

        return AdminGroup is null
            ? $"Access denied: {Describe(operation)} needs root"
            : $"Access denied: {Describe(operation)} needs root or membership of group {AdminGroup}";
    }

    /// <summary>Root, or a member of the admin group by primary gid, the peer's supplementary groups, or /etc/group.</summary>
    public bool IsAdministrator(ClientIdentity client)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (client.IsRoot)
        {
            return true;
        }

        if (AdminGroup is null || _users.FindGroup(AdminGroup) is not { } group)
        {
            return false;
        }

        if (client.IsInGroup(group.Gid))
        {
            return true;
        }

        return _users.FindUserName(client.Uid) is { } user && group.Members.Contains(user, StringComparer.Ordinal);
    }

    private static string Describe(ControlOperation operation) => operation switch
    {
        ControlOperation.Start => "starting a job",
        ControlOperation.Stop => "stopping a job",
        ControlOperation.Restart => "restarting a job",
        ControlOperation.Reload => "reloading a job",
        ControlOperation.Emit => "emitting an event",
        ControlOperation.ReloadConfiguration => "reloading the configuration",
        ControlOperation.SetEnabled => "enabling or disabling a job",
        ControlOperation.SetLogPriority => "setting the log priority",
        ControlOperation.ReadLog => "reading job logs",
        ControlOperation.ReExec => "re-executing the daemon",
        _ => operation.ToString(),
    };
}
