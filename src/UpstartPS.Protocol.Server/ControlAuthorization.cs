using System.Globalization;

namespace UpstartPS.Protocol.Server;

/// <summary>
/// Who may do what over the control socket (DESIGN.md decision 5). System mode: anyone may read; changing
/// anything needs uid 0 or membership of the admin group (primary group, supplementary groups of the peer
/// process, or the member list in /etc/group). Job logs are read by whom <see cref="LogAccess"/> says
/// (issue 12: by default the job's own user and administrators, since a job may print secrets).
/// Session mode: only the owner's uid may connect at all.
/// </summary>
public sealed class ControlAuthorization
{
    private readonly IUserDatabase _users;

    private ControlAuthorization(DaemonMode mode, uint ownerUid, string? adminGroup, IUserDatabase users, LogAccess logAccess)
    {
        LogAccess = logAccess;
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

    /// <summary>System mode: who may read a job's console log (job logs may hold secrets a job printed).</summary>
    public LogAccess LogAccess { get; }

    /// <param name="adminGroup">Group name or number whose members may change things; null for root only.</param>
    /// <param name="users">Account lookups; null reads /etc/group and /etc/passwd.</param>
    /// <param name="logAccess">Who may read job logs; by default the job's own user and administrators.</param>
    public static ControlAuthorization ForSystem(string? adminGroup = null, IUserDatabase? users = null, LogAccess logAccess = LogAccess.OwnerAndAdministrators) =>
        new(DaemonMode.System, 0, adminGroup, users ?? new EtcUserDatabase(), logAccess);

    public static ControlAuthorization ForSession(uint ownerUid) =>
        new(DaemonMode.Session, ownerUid, null, new EtcUserDatabase(), LogAccess.Everyone);

    /// <summary>Operations that change jobs, events or configuration.</summary>
    public static bool IsMutating(ControlOperation operation) => operation is
        ControlOperation.Start or ControlOperation.Stop or ControlOperation.Restart or ControlOperation.Reload
        or ControlOperation.Emit or ControlOperation.ReloadConfiguration or ControlOperation.SetEnabled
        or ControlOperation.SetLogPriority or ControlOperation.ReExec
        or ControlOperation.SetEnvironment or ControlOperation.UnsetEnvironment or ControlOperation.ResetEnvironment
        or ControlOperation.NotifyDiskWriteable;

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

        // Reading a job environment needs an administrator too, as in Upstart (control_check_permission): an
        // instance's environment holds what its start request and events carried, secrets included.
        var needsAdministrator = IsMutating(operation) || ControlOperations.IsEnvironment(operation)
            || (LogAccess == LogAccess.Administrators && operation == ControlOperation.ReadLog);
        if (Mode == DaemonMode.Session || !needsAdministrator || IsAdministrator(client))
        {
            return null;
        }

        return NeedsAdministrator(Describe(operation));
    }

    /// <summary>
    /// Null when <paramref name="client"/> may read the log of a job that runs as <paramref name="jobUser"/>
    /// (its `setuid` name; null or empty for root); otherwise the refusal. Checked once the job is known, after
    /// <see cref="Refuse"/> admitted the operation. A user name that no longer resolves matches nobody.
    /// </summary>
    public string? RefuseLog(ClientIdentity client, string? jobUser)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (Mode == DaemonMode.Session || LogAccess == LogAccess.Everyone || IsAdministrator(client))
        {
            return null;
        }

        if (LogAccess == LogAccess.OwnerAndAdministrators && !client.IsRoot && IsJobUser(client.Uid, jobUser))
        {
            return null;
        }

        return LogAccess == LogAccess.OwnerAndAdministrators
            ? NeedsAdministrator("reading this job's log", alsoAllowed: "the user the job runs as")
            : NeedsAdministrator("reading job logs");
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

    private bool IsJobUser(uint uid, string? jobUser) =>
        !string.IsNullOrEmpty(jobUser) && _users.FindUid(jobUser) is { } jobUid && jobUid == uid;

    private string NeedsAdministrator(string what, string? alsoAllowed = null)
    {
        var who = AdminGroup is null ? "root" : $"root or membership of group {AdminGroup}";
        return alsoAllowed is null ? $"Access denied: {what} needs {who}" : $"Access denied: {what} needs {who}, or to be {alsoAllowed}";
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
        ControlOperation.ListEnvironment or ControlOperation.GetEnvironment => "reading a job environment",
        ControlOperation.SetEnvironment or ControlOperation.UnsetEnvironment or ControlOperation.ResetEnvironment => "changing a job environment",
        ControlOperation.NotifyDiskWriteable => "writing out kept job output",
        ControlOperation.Await => "waiting for a job",
        _ => operation.ToString(),
    };
}
